#include "tuf/target_files.h"

#include <memory>
#include <system_error>
#include <vector>

#include "oci/digest.h"
#include "oci/io.h"

namespace ec::tuf {
namespace {

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += n + 1;
  }
  return true;
}

Result<oci::DigestAlgorithm> Algorithm(const std::string& name) {
  if (name == "sha256") return oci::DigestAlgorithm::kSha256;
  if (name == "sha512") return oci::DigestAlgorithm::kSha512;
  return NotSupported(StrCat("hash algorithm \"", name, "\" not supported; want sha256 or sha512"));
}

}  // namespace

Status ValidateTargetPath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(StrCat("target path \"", path, "\": ", why));
  };
  if (path.empty()) return bad("empty");
  if (!ValidUtf8(path)) return bad("not valid UTF-8");
  if (path.front() == '/') return bad("starts with '/'");
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad("control character");
    if (c == '\\') return bad("backslash (use '/')");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty()) return bad("empty segment");
    if (segment == "." || segment == "..") return bad("\".\" or \"..\" segment");
    start = slash + 1;
  }
  return OkStatus();
}

Result<Hashes> HashBytes(std::string_view bytes, const Hashes& want) {
  Hashes out;
  for (const auto& [name, unused] : want) {
    EC_ASSIGN_OR_RETURN(oci::DigestAlgorithm alg, Algorithm(name));
    out[name] = oci::Digest::OfBytes(bytes, alg).hex();
  }
  return out;
}

Result<FileDigest> HashFile(const std::filesystem::path& path, const Hashes& want) {
  std::vector<std::pair<std::string, std::unique_ptr<oci::Hasher>>> hashers;
  for (const auto& [name, unused] : want) {
    EC_ASSIGN_OR_RETURN(oci::DigestAlgorithm alg, Algorithm(name));
    hashers.emplace_back(name, std::make_unique<oci::Hasher>(alg));
  }
  EC_ASSIGN_OR_RETURN(std::unique_ptr<oci::FileReader> reader, oci::FileReader::Open(path));
  std::vector<char> buf(1 << 20);
  FileDigest out;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) break;
    for (auto& [name, hasher] : hashers) hasher->Update(std::span<const char>(buf.data(), n));
    out.length += static_cast<std::int64_t>(n);
  }
  for (auto& [name, hasher] : hashers) out.hashes[name] = hasher->Finish().hex();
  return out;
}

std::string ConsistentTargetPath(std::string_view target_path, std::string_view hash_hex) {
  const std::size_t slash = target_path.rfind('/');
  if (slash == std::string_view::npos) return StrCat(hash_hex, ".", target_path);
  return StrCat(target_path.substr(0, slash), "/", hash_hex, ".", target_path.substr(slash + 1));
}

Status PlaceTargetFile(const std::filesystem::path& source, const std::filesystem::path& dest,
                       const FileDigest& digest) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) return OkStatus();
  std::filesystem::create_directories(dest.parent_path(), ec);
  if (ec) return Unavailable(StrCat("create ", dest.parent_path().string(), ": ", ec.message()));
  std::filesystem::create_hard_link(source, dest, ec);
  if (!ec) return OkStatus();
  // Linking fails across file systems (and on some mounts): copy, hashing on the way.
  EC_ASSIGN_OR_RETURN(std::unique_ptr<oci::FileReader> reader, oci::FileReader::Open(source));
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(dest));
  oci::Hasher hasher;
  std::vector<char> buf(1 << 20);
  std::int64_t length = 0;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) break;
    const std::string_view chunk(buf.data(), n);
    hasher.Update(chunk);
    EC_RETURN_IF_ERROR(file.Write(chunk));
    length += static_cast<std::int64_t>(n);
  }
  auto want = digest.hashes.find("sha256");
  if (length != digest.length ||
      (want != digest.hashes.end() && hasher.Finish().hex() != want->second)) {
    return DataLoss(StrCat("target file ", source.string(), " changed while being copied"));
  }
  return file.Commit();
}

}  // namespace ec::tuf
