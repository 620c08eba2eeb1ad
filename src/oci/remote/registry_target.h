// RegistryTarget: one repository of an OCI registry, through the distribution API (v1.1).
// Blobs are downloaded into an unlinked spool file (resumed with Range after a broken
// connection) and read from there, so memory does not grow with blob size; uploads stream
// from the caller's reader (POST then PUT, or PATCH when the registry wants it) and are
// verified on the way, aborting before the last byte if the content is not what was
// announced. Referrers come from the referrers API, or the "sha256-<hex>" fallback tag that
// this target also maintains when the registry does not take the subject itself.
// Thread safety: as Target.
#pragma once

#include <memory>
#include <string>

#include "oci/reference.h"
#include "oci/remote/registry_client.h"
#include "oci/target.h"

namespace ec::oci::remote {

class RegistryTarget final : public Target {
 public:
  // `client` may be shared by targets of the same registry; it must outlive the target.
  RegistryTarget(std::shared_ptr<RegistryClient> client, std::string repository);

  std::string Name() const override;
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override;
  Result<std::unique_ptr<Reader>> FetchFrom(const Descriptor& desc, std::int64_t offset) override;
  Result<bool> Exists(const Descriptor& desc) override;
  Result<Descriptor> Stat(const Digest& digest) override;
  Status Push(const Descriptor& expected, Reader& content) override;
  Result<Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const Descriptor& desc, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                            std::string_view artifact_type) override;
  Result<bool> Mount(const Descriptor& desc, Target& source) override;
  std::pair<std::string, std::string> RegistryLocation() const override {
    return {client_->host(), repository_};
  }

 private:
  std::string Path(std::string_view kind, std::string_view ref) const;
  Result<HttpResponse> Send(HttpRequest request, bool push);
  Result<std::unique_ptr<Reader>> FetchBlob(const Descriptor& desc);
  Result<std::string> FetchManifestBytes(const Descriptor& desc);
  Status PushBlob(const Descriptor& expected, Reader& content);
  // The rungs of the upload ladder; each returns kUnavailable after raising the client's rung
  // when the registry refuses it, so that the caller retries with a fresh reader.
  Status PutMonolithic(const Descriptor& expected, Reader& content, const std::string& location);
  Status PatchStreamed(const Descriptor& expected, Reader& content, const std::string& location);
  Status PatchChunked(const Descriptor& expected, VerifyingReader& content, std::string location,
                      std::int64_t min_chunk);
  Result<std::string> FinishUpload(const Descriptor& expected, const std::string& location);
  void CancelUpload(const std::string& location);
  std::string UploadUrl(const std::string& location) const;
  void RecordLocation(const Digest& digest);
  Status PushManifest(const Descriptor& expected, const std::string& bytes, std::string_view ref);
  Status UpdateReferrersFallback(const Descriptor& manifest, const Manifest& parsed);

  std::shared_ptr<RegistryClient> client_;
  std::string repository_;
};

// The Accept header listing every manifest type Export Center reads.
std::string ManifestAcceptHeader();

}  // namespace ec::oci::remote
