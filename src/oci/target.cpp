#include "oci/target.h"

#include <chrono>
#include <thread>

#include "oci/fetched_manifest.h"
#include "oci/limits.h"

namespace ec::oci {

Result<std::string> FetchVerified(Target& target, const Descriptor& desc, std::size_t limit) {
  if (desc.size < 0 || static_cast<std::size_t>(desc.size) > limit) {
    return InvalidArgument(StrCat("fetch ", desc.str(), " from ", target.Name(),
                                  ": larger than the limit of ", limit, " bytes"));
  }
  EC_ASSIGN_OR_RETURN(auto reader, target.Fetch(desc));
  VerifyingReader verifying(*reader, desc, StrCat("fetch from ", target.Name()));
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadAll(verifying, limit, desc.digest.str()));
  EC_RETURN_IF_ERROR(verifying.Verify());
  return bytes;
}

Result<FetchedManifest> FetchManifest(Target& target, const Descriptor& desc) {
  EC_ASSIGN_OR_RETURN(std::string bytes, FetchVerified(target, desc, kMaxManifestBytes));
  EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(bytes, desc.media_type,
                                                  StrCat("manifest ", desc.digest.str())));
  return FetchedManifest{desc, std::move(bytes), std::move(m)};
}

Result<std::string> ReadVerifiedManifest(Reader& content, const Descriptor& expected,
                                         std::string_view what) {
  if (expected.size < 0 || static_cast<std::size_t>(expected.size) > kMaxManifestBytes) {
    return InvalidArgument(StrCat(what, ": manifest of ", expected.size,
                                  " bytes is over the limit of ", kMaxManifestBytes));
  }
  VerifyingReader verifying(content, expected, std::string(what));
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadAll(verifying, kMaxManifestBytes, what));
  EC_RETURN_IF_ERROR(verifying.Verify());
  return bytes;
}

Status PushWithRetry(Target& target, const Descriptor& desc,
                     const std::function<Result<std::unique_ptr<Reader>>()>& open) {
  Status s;
  for (int attempt = 0; attempt < kPushAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    auto reader = open();
    s = reader.ok() ? target.Push(desc, **reader) : reader.status();
    if (s.code() != Code::kUnavailable) break;
  }
  return s;
}

Status PushBytes(Target& target, const Descriptor& desc, std::string_view bytes) {
  StringReader reader{std::string(bytes)};
  return target.Push(desc, reader);
}

}  // namespace ec::oci
