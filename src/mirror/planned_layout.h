// PlannedLayout: the OCI layout of a bundle that is written as an archive in one pass. While
// the spec is copied, manifests are kept in memory and every other blob is only linked to the
// source it came from (CopyGraph's Mount); when the archive is written, each blob is read from
// its source straight into the tar (and through the encryptor, for an age bundle), verified
// against its digest as it goes. Nothing of the bundle touches the disk but the archive itself,
// and no staging directory doubles the space a bundle needs.
//
// Thread-safe: CopyGraph mounts from several workers at once.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "oci/manifest_set.h"
#include "oci/tar.h"
#include "oci/target.h"

namespace ec::mirror {

class PlannedLayout final : public oci::Target {
 public:
  std::string Name() const override { return "bundle archive"; }
  Result<std::unique_ptr<oci::Reader>> Fetch(const oci::Descriptor& d) override;
  Result<bool> Exists(const oci::Descriptor& d) override;
  Result<oci::Descriptor> Stat(const oci::Digest& d) override;
  // Manifests (and any small blob pushed rather than mounted), kept in memory.
  Status Push(const oci::Descriptor& expected, oci::Reader& content) override;
  // Links the blob to `source`, which must stay open until the archive is written (KeepOpen).
  Result<bool> Mount(const oci::Descriptor& d, oci::Target& source) override;
  Result<oci::Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const oci::Descriptor& d, std::string_view tag) override;
  Result<std::vector<oci::Descriptor>> Referrers(const oci::Descriptor& subject, std::string_view type) override;

  // Keeps a source open for the archive's one pass.
  void KeepOpen(std::unique_ptr<oci::Target> source);
  // Every digest the bundle holds.
  std::set<std::string> Contents() const;
  std::int64_t LinkedBytes() const;
  // oci-layout, index.json (the pushed manifests no other lists, as LayoutTarget writes it) and
  // blobs/<alg>/<hex> for every manifest and linked blob: the same bytes a bundle directory
  // holds. Linked blobs are read, and verified, only when the tar writer reaches them.
  std::vector<oci::TarWriteEntry> Entries() const;

 private:
  struct Link {
    oci::Descriptor desc;
    oci::Target* source;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::pair<oci::Descriptor, std::string>> held_;  // digest -> bytes
  std::map<std::string, Link> links_;
  oci::ManifestSet pushed_;
  std::vector<std::unique_ptr<oci::Target>> sources_;
};

}  // namespace ec::mirror
