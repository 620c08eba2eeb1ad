#include "sign/sigstore_bundle.h"

#include "json/canonical.h"
#include "sign/json_fields.h"

namespace ec::sign {

Result<std::string> BundleJson(const Envelope& envelope, const PublicKey& key) {
  if (envelope.signatures.size() != 1) {
    return InvalidArgument(StrCat("Sigstore bundle: envelope has ", envelope.signatures.size(),
                                  " signatures, want exactly 1"));
  }
  const std::string& keyid = envelope.signatures[0].keyid;
  if (!keyid.empty() && keyid != key.Hint()) {
    return InvalidArgument(StrCat("Sigstore bundle: signature keyid \"", keyid,
                                  "\" differs from the key hint \"", key.Hint(),
                                  "\"; a bundle needs them identical"));
  }
  json::Json bundle = {
      {"mediaType", kBundleMediaType},
      {"verificationMaterial",
       {{"publicKey", {{"hint", key.Hint()}}},
        {"tlogEntries", json::Json::array()},
        {"timestampVerificationData", {{"rfc3161Timestamps", json::Json::array()}}}}},
      {"dsseEnvelope", EnvelopeToJson(envelope)}};
  Result<std::string> bytes = json::CanonicalChecked(bundle);
  if (!bytes.ok()) return bytes.status().WithPrefix("Sigstore bundle");
  return bytes;
}

Result<Envelope> ParseBundle(std::string_view text, std::string_view what) {
  if (text.size() > kMaxEnvelopeBytes) {
    return InvalidArgument(StrCat(what, ": got ", text.size(), " bytes, want at most ",
                                  kMaxEnvelopeBytes, " for a Sigstore bundle"));
  }
  EC_ASSIGN_OR_RETURN(json::Json value, json::Parse(text, what));
  EC_RETURN_IF_ERROR(internal::RequireObject(value, what));

  EC_ASSIGN_OR_RETURN(std::string media_type, internal::RequiredString(value, "mediaType", what));
  if (media_type != kBundleMediaType) {
    return InvalidArgument(StrCat(what, ": field \"mediaType\": got \"", media_type, "\", want \"",
                                  kBundleMediaType, "\""));
  }

  EC_ASSIGN_OR_RETURN(
      const json::Json* material,
      internal::Required(value, "verificationMaterial", json::Json::value_t::object, what));
  const std::string material_what = StrCat(what, " verificationMaterial");
  if (internal::Find(*material, "certificate") ||
      internal::Find(*material, "x509CertificateChain")) {
    return InvalidArgument(StrCat(material_what,
                                  ": holds a certificate (a keyless bundle); "
                                  "want \"publicKey\": only key-signed bundles are supported"));
  }
  std::string hint;
  if (const json::Json* public_key = internal::Find(*material, "publicKey")) {
    const std::string key_what = StrCat(material_what, " publicKey");
    EC_RETURN_IF_ERROR(internal::RequireObject(*public_key, key_what));
    EC_ASSIGN_OR_RETURN(hint, internal::OptionalString(*public_key, "hint", key_what));
  }

  if (internal::Find(value, "messageSignature")) {
    return InvalidArgument(StrCat(what, ": holds a \"messageSignature\"; want \"dsseEnvelope\""));
  }
  EC_ASSIGN_OR_RETURN(const json::Json* dsse,
                      internal::Required(value, "dsseEnvelope", json::Json::value_t::object, what));
  EC_ASSIGN_OR_RETURN(Envelope envelope, EnvelopeFromJson(*dsse, StrCat(what, " dsseEnvelope")));
  if (envelope.signatures.size() != 1) {
    return InvalidArgument(StrCat(what, ": dsseEnvelope has ", envelope.signatures.size(),
                                  " signatures, want exactly 1"));
  }
  const std::string& keyid = envelope.signatures[0].keyid;
  if (!hint.empty() && !keyid.empty() && hint != keyid) {
    return InvalidArgument(StrCat(what, ": signature keyid \"", keyid,
                                  "\" differs from verificationMaterial.publicKey.hint \"", hint,
                                  "\"; want them identical"));
  }
  return envelope;
}

}  // namespace ec::sign
