#include "mirror/pack.h"

#include <algorithm>
#include <cstdio>

#include "oci/io.h"
#include "oci/limits.h"
#include "oci/tar.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPartSuffix = ".part0000";

std::string PartName(const fs::path& file, std::size_t i) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, ".part%04zu", i);
  return file.string() + suffix;
}

// Joins FILE.part0000, FILE.part0001, … into `joined`.
Status JoinParts(const fs::path& first, const fs::path& joined) {
  const std::string base = first.string().substr(0, first.string().size() - kPartSuffix.size());
  EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(joined));
  std::error_code ec;
  std::size_t i = 0;
  for (; fs::exists(PartName(base, i), ec); ++i) {
    EC_ASSIGN_OR_RETURN(auto in, oci::FileReader::Open(PartName(base, i)));
    EC_RETURN_IF_ERROR(out.WriteFrom(*in).status());
  }
  return out.Commit(false);
}

}  // namespace

Result<std::vector<oci::TarWriteEntry>> BundleTarEntries(const fs::path& dir) {
  std::vector<oci::TarWriteEntry> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec)) return InvalidArgument(StrCat("pack ", it->path().string(), ": a bundle holds no links"));
    if (!it->is_regular_file(ec)) continue;
    oci::TarWriteEntry e;
    e.name = fs::relative(it->path(), dir).generic_string();
    e.source = it->path();
    e.size = static_cast<std::int64_t>(it->file_size(ec));
    entries.push_back(std::move(e));
  }
  if (ec) return Unavailable(StrCat("pack ", dir.string(), ": ", ec.message()));
  return entries;
}

Status PackBundle(const fs::path& dir, const fs::path& file) {
  EC_ASSIGN_OR_RETURN(std::vector<oci::TarWriteEntry> entries, BundleTarEntries(dir));
  const auto compression = file.extension() == ".zst" ? oci::TarCompression::kZstd : oci::TarCompression::kNone;
  return oci::WriteDeterministicTar(file, std::move(entries), compression);
}

Result<std::vector<fs::path>> SplitIntoParts(const fs::path& file, std::int64_t part_bytes) {
  if (part_bytes < 1 << 20) return InvalidArgument(StrCat("part size ", part_bytes, ": want at least 1 MiB"));
  std::error_code ec;
  const auto total = static_cast<std::int64_t>(fs::file_size(file, ec));
  if (ec) return NotFound(StrCat("split ", file.string(), ": ", ec.message()));
  std::vector<fs::path> parts;
  for (std::int64_t offset = 0, i = 0; offset < total || i == 0; offset += part_bytes, ++i) {
    const fs::path part = PartName(file, static_cast<std::size_t>(i));
    EC_ASSIGN_OR_RETURN(auto in, oci::FileReader::Open(file, offset, std::min(part_bytes, total - offset)));
    EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(part));
    EC_RETURN_IF_ERROR(out.WriteFrom(*in).status());
    EC_RETURN_IF_ERROR(out.Commit());
    parts.push_back(part);
  }
  fs::remove(file, ec);
  return parts;
}

Status UnpackBundle(const fs::path& file, const fs::path& dir, const fs::path& scratch) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return FailedPrecondition(StrCat("unpack into ", dir.string(), ": not empty"));
  }
  fs::path archive = file;
  if (file.string().ends_with(kPartSuffix)) {
    archive = scratch / "joined.tar";
    EC_RETURN_IF_ERROR(JoinParts(file, archive));
  }
  EC_ASSIGN_OR_RETURN(oci::TarCompression compression, oci::DetectTarCompression(archive));
  if (compression == oci::TarCompression::kZstd) {
    const fs::path plain = scratch / "bundle.tar";
    EC_RETURN_IF_ERROR(oci::DecompressZstdFile(archive, plain));
    archive = plain;
  }
  EC_ASSIGN_OR_RETURN(oci::TarIndex index, oci::TarIndex::Build(archive));
  for (const auto& [name, loc] : index.entries()) {
    const fs::path dest = dir / name;
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return Unavailable(StrCat("create ", dest.parent_path().string(), ": ", ec.message()));
    EC_ASSIGN_OR_RETURN(auto in, oci::FileReader::Open(archive, loc.offset, loc.size));
    EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(dest));
    EC_RETURN_IF_ERROR(out.WriteFrom(*in).status());
    EC_RETURN_IF_ERROR(out.Commit(false));
  }
  return OkStatus();
}

}  // namespace ec::mirror
