#include "oci/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <span>
#include <utility>

#include "oci/io.h"
#include "oci/tar_direct.h"

namespace ec::oci {
namespace {

constexpr std::array<unsigned char, 4> kZstdMagic = {0x28, 0xB5, 0x2F, 0xFD};
// Tar headers and entry data are aligned to 512-byte records.
constexpr std::int64_t kTarRecordBytes = 512;
// Bytes of each entry's data compared between libarchive's view and a pread at the computed
// offset, as a check that the offset is exact.
constexpr std::size_t kOffsetCheckBytes = 512;
// Read size of the callback that feeds libarchive.
constexpr std::size_t kReadChunkBytes = 256u << 10;

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchiveReadPtr = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWritePtr = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveEntryPtr = std::unique_ptr<archive_entry, ArchiveEntryFree>;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string LibarchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

// Reads up to buf.size() bytes at `offset`, retrying short reads; returns the count read
// (less than buf.size() only at end of file), or -1 with errno set.
ssize_t PreadFull(int fd, std::span<char> buf, std::int64_t offset) {
  std::size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::pread(fd, buf.data() + got, buf.size() - got, offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(got);
}

// A regular file fed to libarchive through read and skip callbacks. The skip callback never
// moves past the end of the file, so libarchive notices truncation instead of seeking into
// the void. Must outlive the archive handle it is registered with.
struct FdSource {
  UniqueFd fd;
  std::string path;
  std::int64_t size = 0;  // at open time
  std::int64_t pos = 0;   // next byte the read callback hands to libarchive
  std::vector<char> buf;
  Status io_error;  // set when a read failed, so the caller reports it rather than "corrupt"
};

Result<std::unique_ptr<FdSource>> OpenSource(const std::filesystem::path& path,
                                             std::string_view what) {
  auto src = std::make_unique<FdSource>();
  src->path = path.string();
  src->fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!src->fd.valid()) {
    int err = errno;
    if (err == ENOENT) return NotFound(StrCat("open ", what, " ", src->path, ": no such file"));
    return Unavailable(StrCat("open ", what, " ", src->path, ": ", ErrnoText(err)));
  }
  struct stat st {};
  if (::fstat(src->fd.get(), &st) != 0) {
    return Unavailable(StrCat("stat ", what, " ", src->path, ": ", ErrnoText(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument(StrCat(what, " ", src->path, " is not a regular file"));
  }
  src->size = static_cast<std::int64_t>(st.st_size);
  src->buf.resize(kReadChunkBytes);
  return src;
}

la_ssize_t SourceRead(archive* a, void* client, const void** out) {
  auto* src = static_cast<FdSource*>(client);
  while (true) {
    ssize_t n = ::pread(src->fd.get(), src->buf.data(), src->buf.size(), src->pos);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      src->io_error = Unavailable(StrCat("read ", src->path, ": ", ErrnoText(err)));
      archive_set_error(a, err, "read error");
      return -1;
    }
    src->pos += n;
    *out = src->buf.data();
    return n;
  }
}

la_int64_t SourceSkip(archive* /*a*/, void* client, la_int64_t request) {
  auto* src = static_cast<FdSource*>(client);
  if (request <= 0) return 0;
  std::int64_t left = std::max<std::int64_t>(0, src->size - src->pos);
  std::int64_t skip = std::min<std::int64_t>(request, left);
  src->pos += skip;
  return skip;
}

Status ReadFailure(archive* a, const FdSource& src, std::string_view where) {
  if (!src.io_error.ok()) return src.io_error;
  return DataLoss(StrCat(where, ": truncated or corrupt: ", LibarchiveError(a)));
}

Result<bool> HasZstdMagic(const FdSource& src) {
  std::array<char, kZstdMagic.size()> magic{};
  ssize_t n = PreadFull(src.fd.get(), magic, 0);
  if (n < 0) return Unavailable(StrCat("read ", src.path, ": ", ErrnoText(errno)));
  return static_cast<std::size_t>(n) == magic.size() &&
         std::memcmp(magic.data(), kZstdMagic.data(), magic.size()) == 0;
}

Result<ArchiveReadPtr> OpenArchiveReader(FdSource& src, bool zstd, std::string_view where) {
  ArchiveReadPtr a(archive_read_new());
  if (a == nullptr) return Internal(StrCat(where, ": cannot allocate a libarchive reader"));
  int r = zstd ? archive_read_support_filter_zstd(a.get()) : ARCHIVE_OK;
  if (r == ARCHIVE_OK) {
    r = zstd ? archive_read_support_format_raw(a.get()) : archive_read_support_format_tar(a.get());
  }
  if (r != ARCHIVE_OK) {
    return Internal(StrCat(where, ": cannot set up libarchive: ", LibarchiveError(a.get())));
  }
  if (archive_read_open2(a.get(), &src, nullptr, SourceRead, SourceSkip, nullptr) != ARCHIVE_OK) {
    return ReadFailure(a.get(), src, where);
  }
  return a;
}

// Normalises a tar entry name: drops leading "./" (and a directory's trailing "/"). Returns
// nullopt for the archive's root directory ("." or "./"). Rejects empty and absolute names
// and names with "..", "." or empty components.
Result<std::optional<std::string>> NormaliseName(std::string_view where, const std::string& raw,
                                                 bool is_dir) {
  if (raw.empty()) return InvalidArgument(StrCat(where, ": entry with an empty name"));
  auto entry = [&] { return StrCat(where, ": entry \"", raw, "\""); };
  if (raw.front() == '/') return InvalidArgument(StrCat(entry(), " has an absolute name"));
  std::string_view name = raw;
  while (name.starts_with("./")) name.remove_prefix(2);
  if (is_dir) {
    while (name.ends_with('/')) name.remove_suffix(1);
    if (name.empty() || name == ".") return std::optional<std::string>();
  }
  if (name.empty()) return InvalidArgument(StrCat(entry(), " has an empty name"));
  std::string_view rest = name;
  bool unclean = false;
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    if (component == "..") return InvalidArgument(StrCat(entry(), " has a \"..\" component"));
    if (component.empty() || component == ".") unclean = true;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (unclean) return InvalidArgument(StrCat(entry(), " has an empty or \".\" component"));
  return std::optional<std::string>(std::string(name));
}

// Checks that `location` is exact: the first bytes libarchive yields for the entry equal the
// bytes at location.offset in the file. Consumes at most one data block of the entry.
Status CheckDataOffset(archive* a, const FdSource& src, std::string_view where,
                       const std::string& raw, const TarEntryLocation& location) {
  if (location.size == 0) return OkStatus();
  const void* block = nullptr;
  std::size_t block_size = 0;
  la_int64_t block_offset = 0;
  if (archive_read_data_block(a, &block, &block_size, &block_offset) != ARCHIVE_OK) {
    return ReadFailure(a, src, where);
  }
  if (block_offset != 0 || block_size == 0) {
    return Internal(StrCat(where, ": entry \"", raw,
                           "\": libarchive returned data at entry offset ", block_offset,
                           " first; got ", block_size, " bytes"));
  }
  std::size_t n = std::min(block_size, kOffsetCheckBytes);
  std::array<char, kOffsetCheckBytes> on_disk{};
  ssize_t got = PreadFull(src.fd.get(), std::span<char>(on_disk.data(), n), location.offset);
  if (got < 0) return Unavailable(StrCat("read ", src.path, ": ", ErrnoText(errno)));
  if (static_cast<std::size_t>(got) != n || std::memcmp(on_disk.data(), block, n) != 0) {
    return Internal(StrCat(where, ": entry \"", raw, "\": data offset ", location.offset,
                           " does not hold the entry's bytes"));
  }
  return OkStatus();
}

std::string EntryTypeProblem(mode_t type) {
  switch (type) {
    case AE_IFCHR:
    case AE_IFBLK:
      return "is a device node; device nodes are not allowed in an OCI archive";
    case AE_IFIFO:
      return "is a fifo; fifos are not allowed in an OCI archive";
    case AE_IFSOCK:
      return "is a socket; sockets are not allowed in an OCI archive";
    default:
      return "has an unsupported type; only regular files and directories are allowed in an OCI "
             "archive";
  }
}

// Checks a name given to WriteDeterministicTar: relative, non-empty, no "", "." or ".."
// components, no NUL bytes.
Status ValidateWriteName(std::string_view where, const std::string& name) {
  if (name.empty()) return InvalidArgument(StrCat(where, ": entry with an empty name"));
  auto entry = [&] { return StrCat(where, ": entry \"", name, "\""); };
  if (name.find('\0') != std::string::npos) {
    return InvalidArgument(StrCat(entry(), " contains a NUL byte"));
  }
  if (name.front() == '/') return InvalidArgument(StrCat(entry(), " has an absolute name"));
  std::string_view rest = name;
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    if (component.empty() || component == "." || component == "..") {
      return InvalidArgument(StrCat(entry(), " has an empty, \".\" or \"..\" component"));
    }
    if (slash == std::string_view::npos) return OkStatus();
    rest.remove_prefix(slash + 1);
  }
}

// Where libarchive's writer sends its output: the AtomicFile's descriptor.
struct FdSink {
  int fd = -1;
  std::string path;
  Status error;
};

la_ssize_t SinkWrite(archive* a, void* client, const void* buf, size_t len) {
  auto* sink = static_cast<FdSink*>(client);
  Status s = WriteAll(sink->fd, std::string_view(static_cast<const char*>(buf), len), sink->path);
  if (!s.ok()) {
    sink->error = s;
    archive_set_error(a, EIO, "%s", s.message().c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(len);
}

Status WriteFailure(archive* a, const FdSink& sink, std::string_view what) {
  if (!sink.error.ok()) return sink.error;
  return Internal(StrCat(what, ": ", LibarchiveError(a)));
}

Status WriteData(archive* a, const FdSink& sink, std::string_view bytes, std::string_view what) {
  while (!bytes.empty()) {
    la_ssize_t n = archive_write_data(a, bytes.data(), bytes.size());
    if (n <= 0) return WriteFailure(a, sink, what);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

Status StreamSource(archive* a, const FdSink& sink, const TarWriteEntry& e, std::vector<char>& buf,
                    std::string_view what) {
  return internal::StreamEntryData(e, buf, what, [&](std::string_view chunk) { return WriteData(a, sink, chunk, what); });
}

}  // namespace

namespace internal {

Status StreamEntryData(const TarWriteEntry& e, std::vector<char>& buf, std::string_view what,
                       const std::function<Status(std::string_view)>& write) {
  const std::string source = e.open ? std::string("its reader") : e.source.string();
  std::unique_ptr<Reader> reader;
  if (e.open) {
    auto opened = e.open();
    if (!opened.ok()) return opened.status().WithPrefix(what);
    reader = std::move(opened).value();
  } else {
    auto opened = e.source_offset >= 0 ? FileReader::Open(e.source, e.source_offset, e.size) : FileReader::Open(e.source);
    if (!opened.ok()) return opened.status().WithPrefix(what);
    reader = std::move(opened).value();
  }
  if (buf.size() < kCopyBufferBytes) buf.resize(kCopyBufferBytes);
  std::int64_t total = 0;
  while (true) {
    auto n = reader->Read(buf);
    if (!n.ok()) return n.status().WithPrefix(what);
    if (*n == 0) break;
    if (static_cast<std::int64_t>(*n) > e.size - total) {
      return DataLoss(StrCat(what, ": source ", source, " is longer than its declared size; got more than ", e.size,
                             " bytes, want ", e.size));
    }
    EC_RETURN_IF_ERROR(write(std::string_view(buf.data(), *n)));
    total += static_cast<std::int64_t>(*n);
  }
  if (total != e.size) {
    return DataLoss(StrCat(what, ": source ", source, " is shorter than its declared size; got ", total,
                           " bytes, want ", e.size));
  }
  return OkStatus();
}

}  // namespace internal

Result<TarCompression> DetectTarCompression(const std::filesystem::path& file) {
  EC_ASSIGN_OR_RETURN(std::unique_ptr<FdSource> src, OpenSource(file, "archive"));
  EC_ASSIGN_OR_RETURN(bool zstd, HasZstdMagic(*src));
  return zstd ? TarCompression::kZstd : TarCompression::kNone;
}

Result<TarIndex> TarIndex::Build(const std::filesystem::path& uncompressed_tar,
                                 std::size_t max_entries) {
  const std::string where = StrCat("archive ", uncompressed_tar.string());
  // `src` is declared before `a` so that it outlives the libarchive handle using it.
  EC_ASSIGN_OR_RETURN(std::unique_ptr<FdSource> src, OpenSource(uncompressed_tar, "archive"));
  EC_ASSIGN_OR_RETURN(bool zstd, HasZstdMagic(*src));
  if (zstd) {
    return InvalidArgument(StrCat(where, " is zstd-compressed; decompress it before indexing"));
  }
  EC_ASSIGN_OR_RETURN(ArchiveReadPtr a, OpenArchiveReader(*src, /*zstd=*/false, where));

  TarIndex index;
  std::size_t count = 0;
  while (true) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return ReadFailure(a.get(), *src, where);
    if (++count > max_entries) {
      return InvalidArgument(
          StrCat(where, ": more than ", max_entries, " entries; the limit is ", max_entries));
    }
    const char* raw_name = archive_entry_pathname_utf8(entry);
    if (raw_name == nullptr) raw_name = archive_entry_pathname(entry);
    const std::string raw = raw_name != nullptr ? raw_name : "";
    const mode_t type = archive_entry_filetype(entry);
    EC_ASSIGN_OR_RETURN(std::optional<std::string> name,
                        NormaliseName(where, raw, type == AE_IFDIR));
    if (archive_entry_hardlink(entry) != nullptr || archive_entry_symlink(entry) != nullptr ||
        type == AE_IFLNK) {
      return InvalidArgument(StrCat(where, ": entry \"", raw,
                                    "\" is a link; links are not allowed in an OCI archive"));
    }
    if (type == AE_IFDIR) {
      if (archive_read_data_skip(a.get()) != ARCHIVE_OK) return ReadFailure(a.get(), *src, where);
      continue;
    }
    if (type != AE_IFREG) {
      return InvalidArgument(StrCat(where, ": entry \"", raw, "\" ", EntryTypeProblem(type)));
    }
    if (archive_entry_sparse_count(entry) > 0) {
      return InvalidArgument(StrCat(where, ": entry \"", raw,
                                    "\" is a sparse file; sparse files are not allowed in an OCI "
                                    "archive"));
    }
    if (!archive_entry_size_is_set(entry) || archive_entry_size(entry) < 0) {
      return DataLoss(StrCat(where, ": truncated or corrupt: entry \"", raw, "\" has no size"));
    }
    // libarchive has consumed every header record of this entry (pax, GNU long name, ustar)
    // and none of its data, so the bytes consumed so far are the data's offset.
    TarEntryLocation location{.offset = archive_filter_bytes(a.get(), 0),
                              .size = archive_entry_size(entry)};
    if (location.offset < 0 || location.offset % kTarRecordBytes != 0) {
      return Internal(StrCat(where, ": entry \"", raw, "\": data offset ", location.offset,
                             " is not a multiple of ", kTarRecordBytes));
    }
    EC_RETURN_IF_ERROR(CheckDataOffset(a.get(), *src, where, raw, location));
    // Skipping the rest of the data makes libarchive check that it is all there.
    if (archive_read_data_skip(a.get()) != ARCHIVE_OK) return ReadFailure(a.get(), *src, where);
    if (location.offset > src->size || location.size > src->size - location.offset) {
      return DataLoss(StrCat(where, ": truncated or corrupt: entry \"", raw, "\" ends at byte ",
                             location.offset + location.size, "; got a file of ", src->size,
                             " bytes"));
    }
    if (!index.entries_.emplace(*std::move(name), location).second) {
      return InvalidArgument(StrCat(where, ": entry \"", raw,
                                    "\" is a duplicate; a file may appear only once"));
    }
  }
  if (!src->io_error.ok()) return src->io_error;
  return index;
}

std::optional<TarEntryLocation> TarIndex::Find(std::string_view name) const {
  while (name.starts_with("./")) name.remove_prefix(2);
  auto it = entries_.find(std::string(name));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

Status DecompressZstdFile(const std::filesystem::path& src, const std::filesystem::path& dest) {
  const std::string where = StrCat("zstd file ", src.string());
  EC_ASSIGN_OR_RETURN(std::unique_ptr<FdSource> source, OpenSource(src, "zstd file"));
  EC_ASSIGN_OR_RETURN(bool zstd, HasZstdMagic(*source));
  if (!zstd) return InvalidArgument(StrCat("file ", src.string(), " is not zstd-compressed"));
  EC_ASSIGN_OR_RETURN(ArchiveReadPtr a, OpenArchiveReader(*source, /*zstd=*/true, where));
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r != ARCHIVE_OK && r != ARCHIVE_EOF) return ReadFailure(a.get(), *source, where);
  if (archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_ZSTD) {
    return InvalidArgument(StrCat("file ", src.string(), " is not zstd-compressed"));
  }
  EC_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(dest));
  std::int64_t written = 0;
  while (r == ARCHIVE_OK) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int rd = archive_read_data_block(a.get(), &block, &size, &offset);
    if (rd == ARCHIVE_EOF) break;
    if (rd != ARCHIVE_OK) return ReadFailure(a.get(), *source, where);
    if (offset != written) {
      return Internal(StrCat(where, ": libarchive returned data out of order; got offset ", offset,
                             ", want ", written));
    }
    EC_RETURN_IF_ERROR(out.Write(std::string_view(static_cast<const char*>(block), size)));
    written += static_cast<std::int64_t>(size);
  }
  if (!source->io_error.ok()) return source->io_error;
  return out.Commit();
}

namespace {

// Validates and sorts `entries` and lists the tar's items: every parent directory, then the
// entries, in name order. `entries` must outlive the items.
Result<std::vector<internal::TarItem>> PlanTar(std::vector<TarWriteEntry>& entries, const std::string& where) {
  for (TarWriteEntry& e : entries) {
    EC_RETURN_IF_ERROR(ValidateWriteName(where, e.name));
    if (e.bytes.has_value()) {
      auto want = static_cast<std::int64_t>(e.bytes->size());
      if (e.size != 0 && e.size != want) {
        return InvalidArgument(StrCat(where, ": entry \"", e.name,
                                      "\": size does not match its bytes; got ", e.size,
                                      ", want ", want));
      }
      e.size = want;
    } else if (e.source.empty() && !e.open) {
      return InvalidArgument(
          StrCat(where, ": entry \"", e.name, "\" has neither bytes, a source file nor a reader"));
    } else if (e.size < 0) {
      return InvalidArgument(
          StrCat(where, ": entry \"", e.name, "\" has a negative size; got ", e.size));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const TarWriteEntry& x, const TarWriteEntry& y) { return x.name < y.name; });
  auto dup = std::adjacent_find(entries.begin(), entries.end(),
                                [](const TarWriteEntry& x, const TarWriteEntry& y) {
                                  return x.name == y.name;
                                });
  if (dup != entries.end()) {
    return InvalidArgument(StrCat(where, ": entry \"", dup->name, "\" is given more than once"));
  }

  // Every parent directory, with a trailing "/": a prefix of its contents, so it sorts first.
  std::vector<std::string> names;
  for (const TarWriteEntry& e : entries) names.push_back(e.name);
  std::vector<std::string> dirs = internal::TarParentDirectories(names);
  using Item = internal::TarItem;
  std::vector<Item> items;
  items.reserve(dirs.size() + entries.size());
  for (const std::string& dir : dirs) {
    std::string plain = dir.substr(0, dir.size() - 1);
    auto clash = std::lower_bound(
        entries.begin(), entries.end(), plain,
        [](const TarWriteEntry& e, const std::string& n) { return e.name < n; });
    if (clash != entries.end() && clash->name == plain) {
      return InvalidArgument(StrCat(where, ": entry \"", plain,
                                    "\" is both a file and the directory of other entries"));
    }
    items.push_back({dir, nullptr});
  }
  for (const TarWriteEntry& e : entries) items.push_back({e.name, &e});
  std::sort(items.begin(), items.end(),
            [](const Item& x, const Item& y) { return x.tar_name < y.tar_name; });
  return items;
}

// The tar through libarchive, written to `fd` (a file or a pipe).
Status WriteTarWithLibarchive(int fd, const std::string& fd_name, const std::vector<internal::TarItem>& items,
                              TarCompression compression, const std::string& where) {
  using Item = internal::TarItem;
  FdSink sink{.fd = fd, .path = fd_name, .error = OkStatus()};
  // Declared after `file` and `sink`: freed (and flushed) before they go away.
  ArchiveWritePtr a(archive_write_new());
  if (a == nullptr) return Internal(StrCat(where, ": cannot allocate a libarchive writer"));
  bool setup_ok = archive_write_set_format_pax_restricted(a.get()) == ARCHIVE_OK;
  if (setup_ok && compression == TarCompression::kZstd) {
    setup_ok = archive_write_add_filter_zstd(a.get()) == ARCHIVE_OK &&
               archive_write_set_filter_option(a.get(), "zstd", "compression-level", "3") ==
                   ARCHIVE_OK;
  }
  if (setup_ok && compression == TarCompression::kGzip) {
    // "timestamp" off: the gzip header's mtime is 0, so the bytes do not depend on the clock.
    setup_ok = archive_write_add_filter_gzip(a.get()) == ARCHIVE_OK &&
               archive_write_set_filter_option(a.get(), "gzip", "compression-level", "6") ==
                   ARCHIVE_OK &&
               archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) == ARCHIVE_OK;
  }
  // No padding after the end-of-archive records (it would also corrupt a zstd stream).
  setup_ok = setup_ok && archive_write_set_bytes_in_last_block(a.get(), 1) == ARCHIVE_OK;
  // libarchive's default 10 KiB blocks cost one write(2) each; 1 MiB blocks keep the tar
  // writer at disk speed. The block size does not change the bytes written.
  setup_ok = setup_ok && archive_write_set_bytes_per_block(
                             a.get(), static_cast<int>(kCopyBufferBytes)) == ARCHIVE_OK;
  if (!setup_ok) {
    return Internal(StrCat(where, ": cannot set up libarchive: ", LibarchiveError(a.get())));
  }
  if (archive_write_open2(a.get(), &sink, nullptr, SinkWrite, nullptr, nullptr) != ARCHIVE_OK) {
    return WriteFailure(a.get(), sink, where);
  }

  std::vector<char> buf;
  for (const Item& item : items) {
    const std::string what = StrCat(where, ": entry \"", item.tar_name, "\"");
    ArchiveEntryPtr entry(archive_entry_new());
    if (entry == nullptr) return Internal(StrCat(what, ": cannot allocate a libarchive entry"));
    archive_entry_copy_pathname(entry.get(), item.tar_name.c_str());
    archive_entry_set_filetype(entry.get(), item.file == nullptr ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), item.file == nullptr ? 0755 : item.file->mode);
    archive_entry_set_size(entry.get(), item.file == nullptr ? 0 : item.file->size);
    archive_entry_set_mtime(entry.get(), 0, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return WriteFailure(a.get(), sink, what);
    }
    if (item.file == nullptr) continue;
    if (item.file->bytes.has_value()) {
      EC_RETURN_IF_ERROR(WriteData(a.get(), sink, *item.file->bytes, what));
    } else {
      if (buf.empty()) buf.resize(kCopyBufferBytes);
      EC_RETURN_IF_ERROR(StreamSource(a.get(), sink, *item.file, buf, what));
    }
    if (archive_write_finish_entry(a.get()) != ARCHIVE_OK) return WriteFailure(a.get(), sink, what);
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return WriteFailure(a.get(), sink, where);
  return OkStatus();
}

}  // namespace

Status WriteDeterministicTar(const std::filesystem::path& dest, std::vector<TarWriteEntry> entries,
                             TarCompression compression) {
  const std::string where = StrCat("tar ", dest.string());
  EC_ASSIGN_OR_RETURN(std::vector<internal::TarItem> items, PlanTar(entries, where));
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(dest));
  if (compression == TarCompression::kNone) {
    // Uncompressed: the kernel copies entry data (tar_direct.h); same bytes, cp's speed.
    EC_RETURN_IF_ERROR(internal::WriteUncompressedTar(file.fd(), items, where));
  } else {
    EC_RETURN_IF_ERROR(WriteTarWithLibarchive(file.fd(), file.temp_path().string(), items, compression, where));
  }
  return file.Commit();
}

Status WriteDeterministicTarToFd(int fd, std::string_view name, std::vector<TarWriteEntry> entries,
                                 TarCompression compression) {
  const std::string where = StrCat("tar ", name);
  EC_ASSIGN_OR_RETURN(std::vector<internal::TarItem> items, PlanTar(entries, where));
  return WriteTarWithLibarchive(fd, std::string(name), items, compression, where);
}

}  // namespace ec::oci
