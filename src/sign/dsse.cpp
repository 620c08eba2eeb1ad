#include "sign/dsse.h"

#include <algorithm>
#include <optional>

#include "oci/base64.h"
#include "sign/json_fields.h"

namespace ec::sign {
namespace {

// DSSE verifiers must accept both RFC 4648 alphabets. URL-safe text differs only in '-' and
// '_', so translate it and let the project's one decoder check everything else (alphabet,
// padding). Text mixing the two alphabets is refused.
std::optional<std::string> DecodeEitherBase64(std::string_view text) {
  if (text.find_first_of("-_") == std::string_view::npos) return oci::DecodeBase64(text);
  if (text.find_first_of("+/") != std::string_view::npos) return std::nullopt;
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  return oci::DecodeBase64(standard);
}

Result<std::string> Base64Field(const json::Json& object, std::string_view name,
                                std::size_t max_bytes, std::string_view what) {
  EC_ASSIGN_OR_RETURN(std::string text, internal::RequiredString(object, name, what));
  // Checked before decoding so that an oversized field costs nothing more.
  if (text.size() / 4 * 3 > max_bytes + 3) {
    return InvalidArgument(
        StrCat(what, ": field \"", name, "\" holds more than ", max_bytes, " bytes"));
  }
  std::optional<std::string> bytes = DecodeEitherBase64(text);
  if (!bytes) {
    return InvalidArgument(
        StrCat(what, ": field \"", name, "\" is not valid base64 (standard or URL-safe)"));
  }
  if (bytes->size() > max_bytes) {
    return InvalidArgument(StrCat(what, ": field \"", name, "\" holds ", bytes->size(),
                                  " bytes, want at most ", max_bytes));
  }
  return std::move(*bytes);
}

Result<Envelope::Signature> SignatureFromJson(const json::Json& value, std::string_view what) {
  EC_RETURN_IF_ERROR(internal::RequireObject(value, what));
  Envelope::Signature sig;
  EC_ASSIGN_OR_RETURN(sig.keyid, internal::OptionalString(value, "keyid", what));
  if (sig.keyid.size() > kMaxKeyidBytes) {
    return InvalidArgument(StrCat(what, ": field \"keyid\" is ", sig.keyid.size(),
                                  " bytes, want at most ", kMaxKeyidBytes));
  }
  EC_ASSIGN_OR_RETURN(sig.sig_raw, Base64Field(value, "sig", kMaxSignatureBytes, what));
  if (sig.sig_raw.empty()) return InvalidArgument(StrCat(what, ": field \"sig\" is empty"));
  return sig;
}

}  // namespace

std::string Pae(std::string_view type, std::string_view body) {
  return StrCat("DSSEv1 ", type.size(), " ", type, " ", body.size(), " ", body);
}

Result<Envelope> SignEnvelope(std::string_view payload_type, std::string payload,
                              const PrivateKey& key) {
  Envelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload = std::move(payload);
  EC_ASSIGN_OR_RETURN(std::string sig, key.Sign(Pae(envelope.payload_type, envelope.payload)));
  envelope.signatures.push_back({key.public_key().Hint(), std::move(sig)});
  return envelope;
}

json::Json EnvelopeToJson(const Envelope& envelope) {
  json::Json signatures = json::Json::array();
  for (const Envelope::Signature& sig : envelope.signatures) {
    json::Json entry = {{"sig", oci::EncodeBase64(sig.sig_raw)}};
    if (!sig.keyid.empty()) entry["keyid"] = sig.keyid;
    signatures.push_back(std::move(entry));
  }
  return {{"payload", oci::EncodeBase64(envelope.payload)},
          {"payloadType", envelope.payload_type},
          {"signatures", std::move(signatures)}};
}

Result<Envelope> ParseEnvelope(std::string_view text, std::string_view what) {
  if (text.size() > kMaxEnvelopeBytes) {
    return InvalidArgument(StrCat(what, ": got ", text.size(), " bytes, want at most ",
                                  kMaxEnvelopeBytes, " for a DSSE envelope"));
  }
  EC_ASSIGN_OR_RETURN(json::Json value, json::Parse(text, what));
  return EnvelopeFromJson(value, what);
}

Result<Envelope> EnvelopeFromJson(const json::Json& value, std::string_view what) {
  EC_RETURN_IF_ERROR(internal::RequireObject(value, what));
  Envelope envelope;
  EC_ASSIGN_OR_RETURN(envelope.payload_type, internal::RequiredString(value, "payloadType", what));
  EC_ASSIGN_OR_RETURN(envelope.payload, Base64Field(value, "payload", kMaxPayloadBytes, what));
  EC_ASSIGN_OR_RETURN(const json::Json* signatures,
                      internal::Required(value, "signatures", json::Json::value_t::array, what));
  if (signatures->empty()) {
    return InvalidArgument(StrCat(what, ": field \"signatures\" is empty; want at least one"));
  }
  if (signatures->size() > kMaxSignatures) {
    return InvalidArgument(
        StrCat(what, ": got ", signatures->size(), " signatures, want at most ", kMaxSignatures));
  }
  for (std::size_t i = 0; i < signatures->size(); ++i) {
    EC_ASSIGN_OR_RETURN(Envelope::Signature sig,
                        SignatureFromJson((*signatures)[i], StrCat(what, " signatures[", i, "]")));
    envelope.signatures.push_back(std::move(sig));
  }
  return envelope;
}

Status VerifyEnvelope(const Envelope& envelope, const PublicKey& key) {
  if (envelope.signatures.empty()) {
    return FailedPrecondition(
        StrCat("DSSE envelope (payloadType \"", envelope.payload_type, "\") has no signatures"));
  }
  const std::string pae = Pae(envelope.payload_type, envelope.payload);
  bool keyid_matches = false;
  std::string other_keyids;
  for (const Envelope::Signature& sig : envelope.signatures) {
    if (key.Verify(pae, sig.sig_raw).ok()) return OkStatus();
    if (sig.keyid.empty() || sig.keyid == key.Hint()) {
      keyid_matches = true;
    } else {
      other_keyids += StrCat(other_keyids.empty() ? "" : ", ", "\"", sig.keyid, "\"");
    }
  }
  std::string message =
      StrCat("DSSE envelope (payloadType \"", envelope.payload_type, "\"): none of its ",
             envelope.signatures.size(), " signature(s) verifies with key ", key.Hint());
  // keyids are unauthenticated, but when none names this key the likely cause is a wrong key
  // rather than tampering.
  if (!keyid_matches) {
    message += StrCat("; the signatures name keyid(s) ", other_keyids,
                      ", so they were probably made with another key");
  }
  return DataLoss(std::move(message));
}

}  // namespace ec::sign
