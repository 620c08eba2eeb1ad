// Tar support for the OCI archive target (a tar of an OCI image layout, optionally
// zstd-compressed, like skopeo's "oci-archive:"): compression detection, TarIndex (a safe
// index of where each regular file's bytes lie in an uncompressed tar, so entries can be read
// in place with FileReader), zstd decompression of a whole archive, and a deterministic tar
// writer. All tar parsing and writing goes through libarchive.
//
// Thread safety: the free functions share no state and may run concurrently on different
// files. A built TarIndex is immutable; its const methods may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/limits.h"
#include "status.h"

namespace ec::oci {

// kGzip is for writing only (Trivy databases are .tar.gz); archives Export Center reads are
// plain or zstd.
enum class TarCompression { kNone, kZstd, kGzip };

// Detects the compression of `file` by its magic bytes (zstd: 28 B5 2F FD), not by its name.
// A file too short to hold the magic counts as uncompressed.
Result<TarCompression> DetectTarCompression(const std::filesystem::path& file);

// Where one regular file's data lies in an uncompressed tar.
struct TarEntryLocation {
  std::int64_t offset = 0;  // byte offset of the entry's data in the uncompressed tar file
  std::int64_t size = 0;

  friend bool operator==(const TarEntryLocation&, const TarEntryLocation&) = default;
};

// An index of the regular files in an uncompressed tar: entry name -> where its data is, so
// that FileReader::Open(file, location.offset, location.size) yields the entry's bytes.
// Built by one sequential pass with libarchive; names are normalised (leading "./" removed).
// Build rejects, with an error naming the archive and the entry: empty and absolute names,
// names with "..", "." or empty components, links of any kind, device nodes, fifos, sockets,
// sparse files, duplicate file names, more than `max_entries` entries, and truncated or
// corrupt archives. Directory entries are allowed and skipped.
class TarIndex {
 public:
  static Result<TarIndex> Build(const std::filesystem::path& uncompressed_tar,
                                std::size_t max_entries = kMaxArchiveEntries);

  const std::map<std::string, TarEntryLocation>& entries() const { return entries_; }
  // Looks up a regular file by name; a leading "./" on `name` is ignored.
  std::optional<TarEntryLocation> Find(std::string_view name) const;

 private:
  TarIndex() = default;
  std::map<std::string, TarEntryLocation> entries_;
};

// Decompresses the zstd-compressed file `src` into `dest` (written atomically via AtomicFile)
// so that it can be indexed. Streams: memory does not grow with the file's size.
Status DecompressZstdFile(const std::filesystem::path& src, const std::filesystem::path& dest);

class Reader;

// One entry of a tar to write: its name and either in-memory bytes, a source file, or a
// reader opened when the entry is written (a blob streamed from its registry).
struct TarWriteEntry {
  std::string name;                  // e.g. "blobs/sha256/<hex>", "index.json", "oci-layout"
  std::optional<std::string> bytes;  // small content
  std::filesystem::path source;      // streamed in when bytes is nullopt and open is unset
  std::int64_t size = 0;             // required for source and reader entries (a length that
                                     // differs is DataLoss); 0 or bytes->size() otherwise
  std::int64_t source_offset = -1;   // >= 0: the entry is the `size` bytes at this offset of
                                     // `source` (an entry of another tar), not the whole file
  std::uint32_t mode = 0644;         // 0755 for scripts a bundle ships
  // Opened once, just before the entry's data is written, so only one is open at a time. Its
  // errors (a digest mismatch reported at the end of the stream, say) fail the whole write.
  std::function<Result<std::unique_ptr<Reader>>()> open = nullptr;
};

// An entry holding `bytes`.
inline TarWriteEntry TarBytesEntry(std::string name, std::string bytes) {
  TarWriteEntry e;
  e.name = std::move(name);
  e.size = static_cast<std::int64_t>(bytes.size());
  e.bytes = std::move(bytes);
  return e;
}

// Writes a deterministic restricted-pax tar of `entries` to `dest` atomically (nothing is left
// behind on failure). Entries are sorted by name (byte order) and each parent directory gets a
// directory entry before its contents ("blobs/", "blobs/sha256/"); every entry has mtime 0,
// uid/gid 0, empty uname/gname, the entry's mode (0644 unless set) or 0755 (directories) and no other
// metadata, so the same entries give byte-identical output in any input order. kZstd
// compresses with libarchive's zstd filter at level 3; kGzip with its gzip filter at level 6
// and no timestamp in the gzip header (mtime 0). Source files stream through in
// kCopyBufferBytes chunks. Names must be relative, non-empty, unique and free of "", "."
// and ".." components.
Status WriteDeterministicTar(const std::filesystem::path& dest, std::vector<TarWriteEntry> entries,
                             TarCompression compression);
// The same bytes written to an open descriptor (a pipe into an encryptor, say), nothing else:
// no temporary file, no fsync. `name` names the output in errors.
Status WriteDeterministicTarToFd(int fd, std::string_view name, std::vector<TarWriteEntry> entries,
                                 TarCompression compression);

}  // namespace ec::oci
