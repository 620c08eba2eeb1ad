#include "oci/archive_target.h"

#include <stdlib.h>

#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/reference.h"

namespace ec::oci {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kBlobsPrefix = "blobs/";

std::string BlobEntryName(const Digest& d) {
  return StrCat(kBlobsPrefix, d.algorithm_name(), "/", d.hex());
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<std::unique_ptr<ArchiveTarget>> ArchiveTarget::Open(const fs::path& file,
                                                           ArchiveOptions options) {
  std::unique_ptr<ArchiveTarget> t(new ArchiveTarget(file, options));
  std::error_code ec;
  if (fs::exists(file, ec)) {
    if (!fs::is_regular_file(file, ec)) {
      return InvalidArgument(StrCat("open oci-archive:", file.string(), ": not a regular file"));
    }
    EC_RETURN_IF_ERROR(t->Load());
    return t;
  }
  if (!options.create) return NotFound(StrCat("open oci-archive:", file.string(), ": no such file"));
  fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (!fs::is_directory(parent, ec)) {
    return NotFound(StrCat("open oci-archive:", file.string(), ": directory ", parent.string(),
                           " does not exist"));
  }
  t->compression_ = options.compression.value_or(
      EndsWith(file.string(), ".zst") ? TarCompression::kZstd : TarCompression::kNone);
  t->dirty_ = true;  // a new archive is written by Commit() even if empty
  return t;
}

ArchiveTarget::~ArchiveTarget() {
  staging_.reset();
  if (!work_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(work_dir_, ec);
  }
}

Result<fs::path> ArchiveTarget::WorkDir() {
  if (!work_dir_.empty()) return work_dir_;
  fs::path parent = file_.parent_path().empty() ? fs::path(".") : file_.parent_path();
  std::string tmpl = (parent / StrCat(".", file_.filename().string(), ".work-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Unavailable(StrCat(Name(), ": create work directory in ", parent.string(), " failed"));
  }
  work_dir_ = tmpl;
  return work_dir_;
}

Status ArchiveTarget::Load() {
  EC_ASSIGN_OR_RETURN(compression_, DetectTarCompression(file_));
  base_tar_ = file_;
  if (compression_ == TarCompression::kZstd) {
    EC_ASSIGN_OR_RETURN(fs::path work, WorkDir());
    base_tar_ = work / "base.tar";
    EC_RETURN_IF_ERROR(DecompressZstdFile(file_, base_tar_).WithPrefix(StrCat("open ", Name())));
  }
  // TarIndex's errors already name the archive ("archive FILE: entry ...").
  EC_ASSIGN_OR_RETURN(base_, TarIndex::Build(base_tar_));
  for (const auto& [name, loc] : base_->entries()) {
    if (name.rfind(kBlobsPrefix, 0) != 0) continue;
    std::string rest = name.substr(kBlobsPrefix.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos || !Digest::Parse(rest.substr(0, slash) + ":" + rest.substr(slash + 1)).ok()) {
      return InvalidArgument(StrCat("open ", Name(), ": entry \"", name,
                                    "\" is not a blob name; want blobs/ALGORITHM/HEX"));
    }
  }
  auto read_entry = [&](std::string_view name, std::size_t limit) -> Result<std::string> {
    auto loc = base_->Find(name);
    if (!loc) {
      return InvalidArgument(StrCat("open ", Name(), ": not an OCI archive (no ", name, " entry)"));
    }
    if (static_cast<std::size_t>(loc->size) > limit) {
      return InvalidArgument(StrCat("open ", Name(), ": ", name, " is larger than the limit of ",
                                    limit, " bytes"));
    }
    EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(base_tar_, loc->offset, loc->size));
    return ReadAll(*reader, limit, StrCat(Name(), ": ", name));
  };
  EC_ASSIGN_OR_RETURN(std::string marker, read_entry("oci-layout", kMaxLayoutMarkerBytes));
  EC_RETURN_IF_ERROR(CheckLayoutMarker(marker, Name()));
  EC_ASSIGN_OR_RETURN(std::string index_json, read_entry("index.json", kMaxLayoutIndexBytes));
  EC_ASSIGN_OR_RETURN(index_, LayoutIndex::Parse(index_json, Name()));
  return OkStatus();
}

Status ArchiveTarget::EnsureStaging() {
  std::lock_guard lock(mu_);
  dirty_ = true;
  if (staging_) return OkStatus();
  EC_ASSIGN_OR_RETURN(fs::path work, WorkDir());
  LayoutOptions lo;
  lo.create = true;
  lo.durable = false;  // Commit() fsyncs the archive itself
  EC_ASSIGN_OR_RETURN(staging_, LayoutTarget::Open(work / "staging", lo));
  return OkStatus();
}

std::optional<TarEntryLocation> ArchiveTarget::FindBlob(const Digest& digest) const {
  if (!base_) return std::nullopt;
  return base_->Find(BlobEntryName(digest));
}

Result<std::unique_ptr<Reader>> ArchiveTarget::Fetch(const Descriptor& desc) {
  if (staging_) {
    EC_ASSIGN_OR_RETURN(bool staged, staging_->Exists(desc));
    if (staged) return staging_->Fetch(desc);
  }
  auto loc = FindBlob(desc.digest);
  if (!loc) return NotFound(StrCat(Name(), ": blob ", desc.digest.str(), " not found"));
  EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(base_tar_, loc->offset, loc->size));
  return std::unique_ptr<Reader>(std::move(reader));
}

Result<bool> ArchiveTarget::Exists(const Descriptor& desc) {
  auto loc = FindBlob(desc.digest);
  if (loc && loc->size == desc.size) return true;
  if (staging_) return staging_->Exists(desc);
  return false;
}

Result<Descriptor> ArchiveTarget::Stat(const Digest& digest) {
  if (auto loc = FindBlob(digest)) {
    Descriptor d;
    d.media_type = std::string(kOctetStream);
    d.digest = digest;
    d.size = loc->size;
    return d;
  }
  if (staging_) return staging_->Stat(digest);
  return NotFound(StrCat(Name(), ": blob ", digest.str(), " not found"));
}

Status ArchiveTarget::Push(const Descriptor& expected, Reader& content) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
  if (exists) return OkStatus();
  EC_RETURN_IF_ERROR(EnsureStaging());
  if (!IsManifestType(expected.media_type)) {
    return staging_->Push(expected, content).WithPrefix(Name());
  }
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  if (static_cast<std::size_t>(expected.size) > kMaxManifestBytes) {
    return InvalidArgument(StrCat(what, ": manifest of ", expected.size,
                                  " bytes is over the limit of ", kMaxManifestBytes));
  }
  VerifyingReader verifying(content, expected, what);
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadAll(verifying, kMaxManifestBytes, what));
  EC_RETURN_IF_ERROR(verifying.Verify());
  EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(bytes, expected.media_type, StrCat(what, ": manifest")));
  EC_RETURN_IF_ERROR(PushBytes(*staging_, expected, bytes));
  pushed_.Add(expected, m);
  known_.Add(expected, m);
  return OkStatus();
}

Result<Descriptor> ArchiveTarget::Resolve(std::string_view reference) {
  if (reference.find(':') != std::string_view::npos) {
    EC_ASSIGN_OR_RETURN(Digest digest, Digest::Parse(reference));
    if (auto d = index_.FindDigest(digest)) return *d;
    return DescribeManifest(*this, digest);
  }
  if (auto d = index_.FindTag(reference)) return *d;
  return NotFound(StrCat(Name(), ": tag \"", reference, "\" not found"));
}

Status ArchiveTarget::Tag(const Descriptor& desc, std::string_view tag) {
  EC_RETURN_IF_ERROR(ValidateTag(tag));
  EC_ASSIGN_OR_RETURN(bool exists, Exists(desc));
  if (!exists) {
    return FailedPrecondition(StrCat("tag ", desc.digest.str(), " as \"", tag, "\" in ", Name(),
                                     ": the manifest is not in the archive; push it first"));
  }
  index_.SetTag(desc, tag);
  dirty_ = true;
  return OkStatus();
}

Result<std::vector<std::string>> ArchiveTarget::ListTags() { return index_.Tags(); }

Result<std::vector<Descriptor>> ArchiveTarget::Referrers(const Descriptor& subject,
                                                         std::string_view artifact_type) {
  if (!graph_loaded_) {
    EC_RETURN_IF_ERROR(AddReachableManifests(*this, index_.Entries(), &known_));
    graph_loaded_ = true;
  }
  return known_.Referrers(subject.digest, artifact_type);
}

Status ArchiveTarget::Commit() {
  if (!dirty_) return OkStatus();
  index_.AddUntagged(pushed_.Roots());
  std::vector<TarWriteEntry> entries;
  entries.push_back({"oci-layout", std::string(kOciLayoutMarker), {}, 0, 0});
  entries.push_back({"index.json", index_.Serialize(), {}, 0, 0});
  if (base_) {
    // Everything the old archive held is carried over from where it lies in the old tar.
    for (const auto& [name, loc] : base_->entries()) {
      if (name == "oci-layout" || name == "index.json") continue;
      entries.push_back({name, std::nullopt, base_tar_, loc.size, loc.offset});
    }
  }
  if (staging_) {
    std::error_code ec;
    for (const auto& alg : fs::directory_iterator(staging_->dir() / "blobs", ec)) {
      for (const auto& blob : fs::directory_iterator(alg.path(), ec)) {
        std::string hex = blob.path().filename().string();
        if (hex.empty() || hex[0] == '.') continue;  // a temporary file
        std::string name = StrCat(kBlobsPrefix, alg.path().filename().string(), "/", hex);
        if (base_ && base_->Find(name)) continue;
        entries.push_back({name, std::nullopt, blob.path(),
                           static_cast<std::int64_t>(blob.file_size()), 0});
      }
    }
    if (ec) return Unavailable(StrCat("commit ", Name(), ": list staged blobs: ", ec.message()));
  }
  EC_RETURN_IF_ERROR(
      WriteDeterministicTar(file_, std::move(entries), compression_).WithPrefix(StrCat("write ", Name())));
  // The tar this object indexed has been replaced: read the new one from now on.
  Reset();
  return Load();
}

void ArchiveTarget::Reset() {
  staging_.reset();
  base_.reset();
  if (!work_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(work_dir_, ec);
    work_dir_.clear();
  }
  dirty_ = false;
  graph_loaded_ = false;
  index_ = LayoutIndex();
  pushed_.Clear();
  known_.Clear();
}

}  // namespace ec::oci
