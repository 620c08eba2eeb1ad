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
                     const std::function<Result<std::unique_ptr<Reader>>(std::int64_t offset)>& open) {
  Status s;
  for (int attempt = 0; attempt < kPushAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    EC_ASSIGN_OR_RETURN(std::int64_t offset, target.PartialSize(desc));
    auto reader = open(offset);
    s = reader.ok() ? target.PushFrom(desc, **reader, offset) : reader.status();
    if (s.code() != Code::kUnavailable) break;
  }
  return s;
}

namespace {

// Skips the first `skip` bytes of a stream, for targets that cannot start reading mid-blob.
class SkippingReader final : public Reader {
 public:
  SkippingReader(std::unique_ptr<Reader> inner, std::int64_t skip)
      : inner_(std::move(inner)), skip_(skip) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    while (skip_ > 0) {
      auto want = static_cast<std::size_t>(std::min<std::int64_t>(skip_, static_cast<std::int64_t>(buf.size())));
      EC_ASSIGN_OR_RETURN(std::size_t n, inner_->Read(buf.first(want)));
      if (n == 0) return std::size_t{0};
      skip_ -= static_cast<std::int64_t>(n);
    }
    return inner_->Read(buf);
  }

 private:
  std::unique_ptr<Reader> inner_;
  std::int64_t skip_;
};

}  // namespace

Result<std::unique_ptr<Reader>> Target::FetchFrom(const Descriptor& desc, std::int64_t offset) {
  EC_ASSIGN_OR_RETURN(auto reader, Fetch(desc));
  if (offset == 0) return reader;
  return std::unique_ptr<Reader>(new SkippingReader(std::move(reader), offset));
}

Status PushBytes(Target& target, const Descriptor& desc, std::string_view bytes) {
  StringReader reader{std::string(bytes)};
  return target.Push(desc, reader);
}

}  // namespace ec::oci
