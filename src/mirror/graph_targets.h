// Target wrappers that let CopyGraph build and apply bundles.
//   CaptureTarget: the bundle being written. Blobs and manifests go into the bundle's layout,
//     except those a base bundle already holds (Exists says yes, so CopyGraph skips them and
//     their sub-graphs: a delta); tags are recorded for mirror.json, not written into the
//     layout (a delta may tag a manifest only its base holds).
//   OverlayTarget: the bundle being imported, seen through the destination: what a delta
//     leaves out is read from the destination, which must hold the base.
#pragma once

#include <map>
#include <set>
#include <string>

#include "oci/target.h"

namespace ec::mirror {

class CaptureTarget final : public oci::Target {
 public:
  CaptureTarget(oci::Target& layout, const std::set<std::string>& base_contents)
      : layout_(layout), base_(base_contents) {}

  const std::map<std::string, oci::Descriptor>& tags() const { return tags_; }

  std::string Name() const override { return layout_.Name(); }
  Result<std::unique_ptr<oci::Reader>> Fetch(const oci::Descriptor& d) override { return layout_.Fetch(d); }
  Result<bool> Exists(const oci::Descriptor& d) override;
  Result<oci::Descriptor> Stat(const oci::Digest& d) override { return layout_.Stat(d); }
  Status Push(const oci::Descriptor& d, oci::Reader& r) override { return layout_.Push(d, r); }
  Result<std::int64_t> PartialSize(const oci::Descriptor& d) override { return layout_.PartialSize(d); }
  Result<std::unique_ptr<oci::Reader>> FetchFrom(const oci::Descriptor& d, std::int64_t o) override {
    return layout_.FetchFrom(d, o);
  }
  Status PushFrom(const oci::Descriptor& d, oci::Reader& r, std::int64_t o) override { return layout_.PushFrom(d, r, o); }
  Result<bool> Mount(const oci::Descriptor& d, oci::Target& source) override { return layout_.Mount(d, source); }
  Result<oci::Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const oci::Descriptor& d, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<oci::Descriptor>> Referrers(const oci::Descriptor& s, std::string_view t) override {
    return layout_.Referrers(s, t);
  }
  Status Commit() override { return OkStatus(); }  // the bundle's owner commits the layout once

 private:
  oci::Target& layout_;
  const std::set<std::string>& base_;
  std::map<std::string, oci::Descriptor> tags_;
};

class OverlayTarget final : public oci::Target {
 public:
  OverlayTarget(oci::Target& primary, oci::Target& fallback) : primary_(primary), fallback_(fallback) {}

  std::string Name() const override { return primary_.Name(); }
  Result<std::unique_ptr<oci::Reader>> Fetch(const oci::Descriptor& d) override;
  Result<bool> Exists(const oci::Descriptor& d) override;
  Result<oci::Descriptor> Stat(const oci::Digest& d) override;
  Status Push(const oci::Descriptor& d, oci::Reader& r) override;
  Result<oci::Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const oci::Descriptor& d, std::string_view tag) override;
  Result<std::vector<oci::Descriptor>> Referrers(const oci::Descriptor& s, std::string_view t) override {
    return primary_.Referrers(s, t);
  }

 private:
  oci::Target& primary_;
  oci::Target& fallback_;
};

}  // namespace ec::mirror
