#include "oci/archive_target.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/reference.h"
#include "oci/tar_direct.h"

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
  t->is_new_ = true;
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

const ArchiveTarget::Slot* ArchiveTarget::WrittenSlot(const Digest& digest) {
  if (!direct_file_) return nullptr;
  std::lock_guard lock(mu_);
  auto it = direct_slots_.find(BlobEntryName(digest));
  return it != direct_slots_.end() && it->second.written ? &it->second : nullptr;
}

Result<std::unique_ptr<Reader>> ArchiveTarget::Fetch(const Descriptor& desc) {
  if (const Slot* slot = WrittenSlot(desc.digest)) {
    EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(direct_file_->temp_path(), slot->offset, slot->size));
    return std::unique_ptr<Reader>(std::move(reader));
  }
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
  if (const Slot* slot = WrittenSlot(desc.digest)) return slot->size == desc.size;
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
  if (const Slot* slot = WrittenSlot(digest)) {
    Descriptor d;
    d.media_type = std::string(kOctetStream);
    d.digest = digest;
    d.size = slot->size;
    return d;
  }
  if (staging_) return staging_->Stat(digest);
  return NotFound(StrCat(Name(), ": blob ", digest.str(), " not found"));
}

Status ArchiveTarget::Prepare(const std::vector<Descriptor>& incoming) {
  // Only a new, uncompressed archive can be laid out ahead; anything else stages.
  if (!is_new_ || compression_ != TarCompression::kNone || staging_ || direct_file_ || incoming.empty()) {
    return OkStatus();
  }
  std::map<std::string, std::int64_t> sizes;
  for (const auto& d : incoming) sizes.emplace(BlobEntryName(d.digest), d.size);
  std::vector<std::string> names;
  for (const auto& [name, size] : sizes) names.push_back(name);
  std::vector<internal::TarItem> items;
  for (const auto& dir : internal::TarParentDirectories(names)) items.push_back({dir, nullptr});
  std::vector<TarWriteEntry> files;
  files.reserve(sizes.size());
  for (const auto& [name, size] : sizes) files.push_back({name, std::nullopt, {}, size, -1});
  for (const auto& f : files) items.push_back({f.name, &f});
  std::sort(items.begin(), items.end(), [](const internal::TarItem& a, const internal::TarItem& b) {
    return a.tar_name < b.tar_name;
  });
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(file_));
  std::string what = StrCat("write ", Name());
  std::int64_t offset = 0;
  std::map<std::string, Slot> slots;
  for (const auto& item : items) {
    EC_ASSIGN_OR_RETURN(std::string header, internal::TarHeaderBytes(item, what));
    EC_RETURN_IF_ERROR(PwriteAll(file.fd(), header, offset, file.temp_path().string()));
    offset += static_cast<std::int64_t>(header.size());
    if (item.file == nullptr) continue;
    slots[item.tar_name] = Slot{offset, item.file->size, false};
    offset += item.file->size + internal::TarPadding(item.file->size);
  }
  // Reserve the space in one go, so the file stays contiguous although pushes land in it
  // concurrently and out of order (a fragmented archive reads slowly); padding and
  // not-yet-written data read as zeros.
  if (::posix_fallocate(file.fd(), 0, offset) != 0 && ::ftruncate(file.fd(), offset) != 0) {
    return Unavailable(StrCat(what, ": extend ", file.temp_path().string(), " failed"));
  }
  std::lock_guard lock(mu_);
  direct_file_.emplace(std::move(file));
  direct_slots_ = std::move(slots);
  direct_end_ = offset;
  return OkStatus();
}

Status ArchiveTarget::PushDirect(const Descriptor& expected, Reader& content, std::int64_t offset) {
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  VerifyingReader verifying(content, expected, what);
  std::string manifest_bytes;
  bool is_manifest = IsManifestType(expected.media_type);
  std::vector<char> buf(is_manifest ? 0 : kCopyBufferBytes);
  int fd = direct_file_->fd();
  if (is_manifest) {
    EC_ASSIGN_OR_RETURN(manifest_bytes, ReadAll(verifying, kMaxManifestBytes, what));
    EC_RETURN_IF_ERROR(PwriteAll(fd, manifest_bytes, offset, what));
  } else {
    std::int64_t pos = offset;
    while (true) {
      EC_ASSIGN_OR_RETURN(std::size_t n, verifying.Read(buf));
      if (n == 0) break;
      EC_RETURN_IF_ERROR(PwriteAll(fd, std::string_view(buf.data(), n), pos, what));
      pos += static_cast<std::int64_t>(n);
    }
  }
  // A slot whose bytes did not verify stays unwritten: Commit() will not use it.
  EC_RETURN_IF_ERROR(verifying.Verify());
  if (is_manifest) {
    EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(manifest_bytes, expected.media_type,
                                                    StrCat(what, ": manifest")));
    pushed_.Add(expected, m);
    known_.Add(expected, m);
  }
  std::lock_guard lock(mu_);
  direct_slots_[BlobEntryName(expected.digest)].written = true;
  return OkStatus();
}

Status ArchiveTarget::Push(const Descriptor& expected, Reader& content) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
  if (exists) return OkStatus();
  if (direct_file_) {
    auto it = direct_slots_.find(BlobEntryName(expected.digest));
    if (it != direct_slots_.end() && it->second.size == expected.size) {
      return PushDirect(expected, content, it->second.offset);
    }
  }
  EC_RETURN_IF_ERROR(EnsureStaging());
  if (!IsManifestType(expected.media_type)) {
    return staging_->Push(expected, content).WithPrefix(Name());
  }
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadVerifiedManifest(content, expected, what));
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

Status ArchiveTarget::CommitDirect() {
  // Everything sorts after "blobs/": index.json, then oci-layout, then the end marker.
  std::string what = StrCat("write ", Name());
  std::vector<TarWriteEntry> tail = {{"index.json", index_.Serialize(), {}, 0, -1},
                                     {"oci-layout", std::string(kOciLayoutMarker), {}, 0, -1}};
  std::int64_t offset = direct_end_;
  int fd = direct_file_->fd();
  for (auto& e : tail) {
    e.size = static_cast<std::int64_t>(e.bytes->size());
    EC_ASSIGN_OR_RETURN(std::string header, internal::TarHeaderBytes({e.name, &e}, what));
    std::string padding(static_cast<std::size_t>(internal::TarPadding(e.size)), '\0');
    for (const std::string* part : {&header, &*e.bytes, &padding}) {
      EC_RETURN_IF_ERROR(PwriteAll(fd, *part, offset, what));
      offset += static_cast<std::int64_t>(part->size());
    }
  }
  EC_RETURN_IF_ERROR(PwriteAll(fd, std::string(1024, '\0'), offset, what));
  Status s = direct_file_->Commit();
  direct_file_.reset();
  return s;
}

Status ArchiveTarget::Commit() {
  if (!dirty_) return OkStatus();
  index_.AddUntagged(pushed_.Roots());
  if (direct_file_) {
    bool complete = !staging_;
    for (const auto& [name, slot] : direct_slots_) complete = complete && slot.written;
    if (complete) {
      EC_RETURN_IF_ERROR(CommitDirect());
      Reset();
      return Load();
    }
  }
  std::vector<TarWriteEntry> entries;
  entries.push_back({"oci-layout", std::string(kOciLayoutMarker), {}, 0, -1});
  entries.push_back({"index.json", index_.Serialize(), {}, 0, -1});
  if (base_) {
    // Everything the old archive held is carried over from where it lies in the old tar.
    for (const auto& [name, loc] : base_->entries()) {
      if (name == "oci-layout" || name == "index.json") continue;
      entries.push_back({name, std::nullopt, base_tar_, loc.size, loc.offset});
    }
  }
  if (direct_file_) {
    // Some announced content never arrived: write the archive from what did.
    for (const auto& [name, slot] : direct_slots_) {
      if (slot.written) entries.push_back({name, std::nullopt, direct_file_->temp_path(), slot.size, slot.offset});
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
                           static_cast<std::int64_t>(blob.file_size()), -1});
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
  direct_file_.reset();
  direct_slots_.clear();
  is_new_ = false;
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
