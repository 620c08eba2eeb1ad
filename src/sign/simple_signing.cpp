#include "sign/simple_signing.h"

#include "json/canonical.h"
#include "sign/json_fields.h"

namespace ec::sign {

std::string SimpleSigningPayload(std::string_view docker_reference,
                                 const oci::Digest& manifest_digest) {
  json::Json payload = {{"critical",
                         {{"identity", {{"docker-reference", docker_reference}}},
                          {"image", {{"docker-manifest-digest", manifest_digest.str()}}},
                          {"type", kSimpleSigningType}}},
                        {"optional", nullptr}};
  return json::Canonical(payload);
}

Result<oci::Digest> ParseSimpleSigningPayload(std::string_view payload) {
  static constexpr std::string_view kWhat = "cosign simple-signing payload";
  if (payload.size() > kMaxSimpleSigningBytes) {
    return InvalidArgument(
        StrCat(kWhat, ": got ", payload.size(), " bytes, want at most ", kMaxSimpleSigningBytes));
  }
  EC_ASSIGN_OR_RETURN(json::Json value, json::Parse(payload, kWhat));
  EC_RETURN_IF_ERROR(internal::RequireObject(value, kWhat));
  const std::string critical_what = StrCat(kWhat, " critical");
  EC_ASSIGN_OR_RETURN(const json::Json* critical,
                      internal::Required(value, "critical", json::Json::value_t::object, kWhat));
  EC_ASSIGN_OR_RETURN(std::string type, internal::RequiredString(*critical, "type", critical_what));
  if (type != kSimpleSigningType) {
    return InvalidArgument(StrCat(critical_what, ": field \"type\": got \"", type, "\", want \"",
                                  kSimpleSigningType, "\""));
  }
  EC_ASSIGN_OR_RETURN(
      const json::Json* image,
      internal::Required(*critical, "image", json::Json::value_t::object, critical_what));
  EC_ASSIGN_OR_RETURN(
      std::string digest,
      internal::RequiredString(*image, "docker-manifest-digest", StrCat(critical_what, " image")));
  Result<oci::Digest> parsed = oci::Digest::Parse(digest);
  if (!parsed.ok()) return parsed.status().WithPrefix(StrCat(critical_what, " image"));
  return parsed;
}

std::string CosignSignatureTag(const oci::Digest& digest) {
  return StrCat(digest.algorithm_name(), "-", digest.hex(), ".sig");
}

std::string CosignAttestationTag(const oci::Digest& digest) {
  return StrCat(digest.algorithm_name(), "-", digest.hex(), ".att");
}

}  // namespace ec::sign
