#include "oci/layout_target.h"

#include <sys/stat.h>

#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/reference.h"

namespace ec::oci {
namespace fs = std::filesystem;

Result<std::unique_ptr<LayoutTarget>> LayoutTarget::Open(const fs::path& dir, LayoutOptions options) {
  std::unique_ptr<LayoutTarget> t(new LayoutTarget(dir, options));
  std::error_code ec;
  if (fs::exists(dir / "oci-layout", ec)) {
    EC_RETURN_IF_ERROR(t->Load());
    return t;
  }
  if (!options.create) {
    if (!fs::exists(dir, ec)) return NotFound(StrCat("open oci:", dir.string(), ": no such directory"));
    return InvalidArgument(
        StrCat("open oci:", dir.string(), ": not an OCI image layout (no oci-layout file)"));
  }
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return InvalidArgument(StrCat("open oci:", dir.string(), ": exists and is not a directory"));
  }
  return t;  // written on the first push, so a failed copy leaves no empty layout
}

Status LayoutTarget::Load() {
  EC_ASSIGN_OR_RETURN(std::string marker, ReadSmallFile(dir_ / "oci-layout", kMaxLayoutMarkerBytes));
  EC_RETURN_IF_ERROR(CheckLayoutMarker(marker, Name()));
  auto index_bytes = ReadSmallFile(dir_ / "index.json", kMaxLayoutIndexBytes);
  if (!index_bytes.ok()) return index_bytes.status().WithPrefix(StrCat("open ", Name()));
  EC_ASSIGN_OR_RETURN(index_, LayoutIndex::Parse(*index_bytes, Name()));
  initialised_ = true;
  return OkStatus();
}

Status LayoutTarget::EnsureWritable() {
  std::lock_guard lock(mu_);
  if (initialised_) return OkStatus();
  std::error_code ec;
  fs::create_directories(dir_ / "blobs", ec);
  if (ec) return Unavailable(StrCat("create ", Name(), ": ", ec.message()));
  EC_RETURN_IF_ERROR(WriteFileAtomic(dir_ / "oci-layout", kOciLayoutMarker));
  EC_RETURN_IF_ERROR(WriteFileAtomic(dir_ / "index.json", LayoutIndex().Serialize()));
  initialised_ = true;
  return OkStatus();
}

fs::path LayoutTarget::BlobPath(const Digest& digest) const {
  return dir_ / "blobs" / std::string(digest.algorithm_name()) / digest.hex();
}

Result<std::unique_ptr<Reader>> LayoutTarget::Fetch(const Descriptor& desc) {
  auto reader = FileReader::Open(BlobPath(desc.digest));
  if (!reader.ok()) {
    if (reader.status().code() == Code::kNotFound) {
      return NotFound(StrCat(Name(), ": blob ", desc.digest.str(), " not found"));
    }
    return reader.status();
  }
  return std::unique_ptr<Reader>(std::move(reader).value());
}

Result<bool> LayoutTarget::Exists(const Descriptor& desc) {
  struct stat st {};
  if (::stat(BlobPath(desc.digest).c_str(), &st) != 0) return false;
  // A blob of the wrong size is treated as absent, so that a push replaces it.
  return st.st_size == desc.size;
}

Result<Descriptor> LayoutTarget::Stat(const Digest& digest) {
  struct stat st {};
  if (::stat(BlobPath(digest).c_str(), &st) != 0) {
    return NotFound(StrCat(Name(), ": blob ", digest.str(), " not found"));
  }
  Descriptor d;
  d.media_type = std::string(kOctetStream);
  d.digest = digest;
  d.size = st.st_size;
  return d;
}

Status LayoutTarget::Push(const Descriptor& expected, Reader& content) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
  if (exists) return OkStatus();
  EC_RETURN_IF_ERROR(EnsureWritable());
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  fs::path path = BlobPath(expected.digest);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Unavailable(StrCat(what, ": ", ec.message()));
  bool is_manifest = IsManifestType(expected.media_type);
  if (is_manifest && static_cast<std::size_t>(expected.size) > kMaxManifestBytes) {
    return InvalidArgument(StrCat(what, ": manifest of ", expected.size,
                                  " bytes is over the limit of ", kMaxManifestBytes));
  }
  VerifyingReader verifying(content, expected, what);
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  std::string manifest_bytes;
  if (is_manifest) {
    EC_ASSIGN_OR_RETURN(manifest_bytes, ReadAll(verifying, kMaxManifestBytes, what));
    EC_RETURN_IF_ERROR(file.Write(manifest_bytes));
  } else {
    EC_RETURN_IF_ERROR(file.WriteFrom(verifying).status());
  }
  EC_RETURN_IF_ERROR(verifying.Verify());
  if (is_manifest) {
    // Only a manifest that parses is stored: the layout's graph must stay walkable.
    EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(manifest_bytes, expected.media_type,
                                                    StrCat(what, ": manifest")));
    pushed_.Add(expected, m);
    known_.Add(expected, m);
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  return file.Commit(options_.durable);
}

Result<Descriptor> DescribeManifest(Target& target, const Digest& digest) {
  EC_ASSIGN_OR_RETURN(Descriptor probe, target.Stat(digest));
  if (static_cast<std::size_t>(probe.size) > kMaxManifestBytes) {
    return InvalidArgument(StrCat(target.Name(), ": ", digest.str(), " is not a manifest (",
                                  probe.size, " bytes, over the manifest limit)"));
  }
  EC_ASSIGN_OR_RETURN(std::string bytes, FetchVerified(target, probe, kMaxManifestBytes));
  EC_ASSIGN_OR_RETURN(Manifest m,
                      Manifest::Parse(bytes, "", StrCat(target.Name(), ": ", digest.str())));
  probe.media_type = m.media_type;
  probe.artifact_type = m.artifact_type;
  return probe;
}

Result<Descriptor> LayoutTarget::Resolve(std::string_view reference) {
  if (reference.find(':') != std::string_view::npos) {
    EC_ASSIGN_OR_RETURN(Digest digest, Digest::Parse(reference));
    if (auto d = index_.FindDigest(digest)) return *d;
    return DescribeManifest(*this, digest);
  }
  if (auto d = index_.FindTag(reference)) return *d;
  return NotFound(StrCat(Name(), ": tag \"", reference, "\" not found"));
}

Status LayoutTarget::Tag(const Descriptor& desc, std::string_view tag) {
  EC_RETURN_IF_ERROR(ValidateTag(tag));
  EC_ASSIGN_OR_RETURN(bool exists, Exists(desc));
  if (!exists) {
    return FailedPrecondition(StrCat("tag ", desc.digest.str(), " as \"", tag, "\" in ", Name(),
                                     ": the manifest is not in the layout; push it first"));
  }
  index_.SetTag(desc, tag);
  dirty_ = true;
  return OkStatus();
}

Result<std::vector<std::string>> LayoutTarget::ListTags() { return index_.Tags(); }

Result<std::vector<Descriptor>> LayoutTarget::Referrers(const Descriptor& subject,
                                                        std::string_view artifact_type) {
  if (!graph_loaded_) {
    EC_RETURN_IF_ERROR(AddReachableManifests(*this, index_.Entries(), &known_));
    graph_loaded_ = true;
  }
  return known_.Referrers(subject.digest, artifact_type);
}

Status LayoutTarget::Commit() {
  if (!dirty_) return OkStatus();
  EC_RETURN_IF_ERROR(EnsureWritable());
  // Untagged root manifests (referrers, images copied by digest) are listed too, so that the
  // layout keeps them reachable, as oras does.
  index_.AddUntagged(pushed_.Roots());
  EC_RETURN_IF_ERROR(WriteFileAtomic(dir_ / "index.json", index_.Serialize()));
  dirty_ = false;
  return OkStatus();
}

}  // namespace ec::oci
