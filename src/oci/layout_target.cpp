#include "oci/layout_target.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

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

Result<std::unique_ptr<Reader>> LayoutTarget::FetchFrom(const Descriptor& desc, std::int64_t offset) {
  auto reader = FileReader::Open(BlobPath(desc.digest), offset);
  if (!reader.ok()) {
    if (reader.status().code() == Code::kNotFound) {
      return NotFound(StrCat(Name(), ": blob ", desc.digest.str(), " not found"));
    }
    return reader.status();
  }
  return std::unique_ptr<Reader>(std::move(reader).value());
}

Result<std::unique_ptr<Reader>> LayoutTarget::Fetch(const Descriptor& desc) {
  return FetchFrom(desc, 0);
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

namespace {

// The bytes of `first`, then those of `second`.
class ConcatReader final : public Reader {
 public:
  ConcatReader(Reader& first, Reader& second) : first_(first), second_(second) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    if (!first_done_) {
      EC_ASSIGN_OR_RETURN(std::size_t n, first_.Read(buf));
      if (n > 0) return n;
      first_done_ = true;
    }
    return second_.Read(buf);
  }

 private:
  Reader& first_;
  Reader& second_;
  bool first_done_ = false;
};

}  // namespace

fs::path LayoutTarget::PartialPath(const Digest& digest) const {
  return dir_ / ".ec-partial" / StrCat(digest.algorithm_name(), "-", digest.hex());
}

Result<std::int64_t> LayoutTarget::PartialSize(const Descriptor& desc) {
  if (IsManifestType(desc.media_type)) return std::int64_t{0};
  struct stat st {};
  if (::stat(PartialPath(desc.digest).c_str(), &st) != 0) return std::int64_t{0};
  return st.st_size <= desc.size ? static_cast<std::int64_t>(st.st_size) : std::int64_t{0};
}

Status LayoutTarget::Push(const Descriptor& expected, Reader& content) {
  return PushFrom(expected, content, 0);
}

Status LayoutTarget::PushFrom(const Descriptor& expected, Reader& rest, std::int64_t offset) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
  if (exists) return OkStatus();
  EC_RETURN_IF_ERROR(EnsureWritable());
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  fs::path path = BlobPath(expected.digest);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Unavailable(StrCat(what, ": ", ec.message()));
  if (!IsManifestType(expected.media_type)) return PushBlob(expected, rest, offset, what);
  if (offset != 0) return NotSupported(StrCat(what, ": manifests are not resumed"));
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadVerifiedManifest(rest, expected, what));
  // Only a manifest that parses is stored: the layout's graph must stay walkable.
  EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(bytes, expected.media_type, StrCat(what, ": manifest")));
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  EC_RETURN_IF_ERROR(file.Write(bytes));
  EC_RETURN_IF_ERROR(file.Commit(options_.durable));
  pushed_.Add(expected, m);
  known_.Add(expected, m);
  std::lock_guard lock(mu_);
  dirty_ = true;
  return OkStatus();
}

Status LayoutTarget::PushBlob(const Descriptor& expected, Reader& rest, std::int64_t offset,
                              const std::string& what) {
  // Blobs are written to .ec-partial/<alg>-<hex> and kept there if the transfer breaks, so a
  // later push (even by another process) resumes instead of starting over.
  fs::path partial = PartialPath(expected.digest);
  std::error_code ec;
  fs::create_directories(partial.parent_path(), ec);
  if (ec) return Unavailable(StrCat(what, ": ", ec.message()));
  UniqueFd fd(::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return Unavailable(StrCat(what, ": open ", partial.string(), ": ", std::strerror(errno)));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return Unavailable(StrCat(what, ": another push of this blob is in progress; try again"));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Unavailable(StrCat(what, ": stat ", partial.string()));
  if (st.st_size != offset) {
    // What is kept is not what the caller resumes from: start over.
    if (::ftruncate(fd.get(), 0) != 0) return Unavailable(StrCat(what, ": truncate ", partial.string()));
    if (offset != 0) return Unavailable(StrCat(what, ": the partial blob changed; starting over"));
  }
  EC_ASSIGN_OR_RETURN(auto prefix, FileReader::Open(partial, 0, offset));
  ConcatReader all(*prefix, rest);
  VerifyingReader verifying(all, expected, what);
  auto drop = [&](Status s) {
    if (s.code() == Code::kDataLoss) ::unlink(partial.c_str());  // bad bytes: never resume them
    return s;
  };
  std::vector<char> buf(kCopyBufferBytes);
  std::int64_t pos = 0;
  while (true) {
    auto n = verifying.Read(buf);
    if (!n.ok()) return drop(n.status());
    if (*n == 0) break;
    std::int64_t end = pos + static_cast<std::int64_t>(*n);
    if (end > offset) {
      std::int64_t from = std::max(pos, offset);
      std::string_view part(buf.data() + (from - pos), static_cast<std::size_t>(end - from));
      EC_RETURN_IF_ERROR(PwriteAll(fd.get(), part, from, partial.string()));
    }
    pos = end;
  }
  EC_RETURN_IF_ERROR(drop(verifying.Verify()));
  if (options_.durable && ::fsync(fd.get()) != 0) {
    return Unavailable(StrCat(what, ": fsync ", partial.string(), ": ", std::strerror(errno)));
  }
  fs::path path = BlobPath(expected.digest);
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    return Unavailable(StrCat(what, ": rename into ", path.string(), ": ", std::strerror(errno)));
  }
  if (options_.durable) {
    UniqueFd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get());
  }
  fs::remove(partial.parent_path(), ec);  // only when empty: other blobs may be in flight
  return OkStatus();
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
