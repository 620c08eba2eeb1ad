#include "oci/tar_direct.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "oci/io.h"
#include "oci/limits.h"

namespace ec::oci::internal {
namespace {

constexpr std::int64_t kBlock = 512;

struct Capture {
  std::string bytes;
  bool stopped = false;
};

la_ssize_t CaptureWrite(archive*, void* client, const void* buf, size_t len) {
  auto* c = static_cast<Capture*>(client);
  if (!c->stopped) c->bytes.append(static_cast<const char*>(buf), len);
  return static_cast<la_ssize_t>(len);
}

// The header bytes libarchive's restricted-pax writer emits for one entry (an extended
// header first when the name needs one), with the same fixed metadata as the full writer.
}  // namespace

Result<std::string> TarHeaderBytes(const TarItem& item, std::string_view what) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), &archive_write_free);
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), &archive_entry_free);
  if (!a || !e) return Internal(StrCat(what, ": cannot allocate a libarchive writer"));
  Capture capture;
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||
      archive_write_open2(a.get(), &capture, nullptr, CaptureWrite, nullptr, nullptr) != ARCHIVE_OK) {
    return Internal(StrCat(what, ": cannot set up libarchive: ", archive_error_string(a.get())));
  }
  bool dir = item.file == nullptr;
  archive_entry_copy_pathname(e.get(), item.tar_name.c_str());
  archive_entry_set_filetype(e.get(), dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), dir ? 0755 : item.file->mode);
  archive_entry_set_size(e.get(), dir ? 0 : item.file->size);
  archive_entry_set_mtime(e.get(), 0, 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) {
    return Internal(StrCat(what, ": ", archive_error_string(a.get())));
  }
  // Whatever libarchive writes from here on (zeros standing in for the data) is not ours.
  capture.stopped = true;
  if (capture.bytes.empty() || capture.bytes.size() % kBlock != 0) {
    return Internal(StrCat(what, ": libarchive produced a header of ", capture.bytes.size(),
                           " bytes; want a non-empty multiple of 512"));
  }
  return std::move(capture.bytes);
}

std::int64_t TarPadding(std::int64_t size) { return (kBlock - size % kBlock) % kBlock; }

std::vector<std::string> TarParentDirectories(const std::vector<std::string>& names) {
  std::set<std::string> dirs;
  for (const std::string& name : names) {
    for (std::size_t slash = name.find('/'); slash != std::string::npos;
         slash = name.find('/', slash + 1)) {
      dirs.insert(name.substr(0, slash + 1));
    }
  }
  return {dirs.begin(), dirs.end()};
}

namespace {

// Copies `len` bytes at `offset` of `src` to the end of `dst`, in the kernel when it can.
Status CopyRange(int src, std::int64_t offset, std::int64_t len, int dst, std::string_view what,
                 const std::string& src_name) {
  loff_t in = offset;
  std::int64_t left = len;
  bool kernel_copy = true;
  std::vector<char> buf;
  while (left > 0) {
    if (kernel_copy) {
      ssize_t n = ::copy_file_range(src, &in, dst, nullptr, static_cast<size_t>(left), 0);
      if (n > 0) {
        left -= n;
        continue;
      }
      if (n == 0) break;  // the source ended early
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
        return Unavailable(StrCat(what, ": copy from ", src_name, ": ", std::strerror(errno)));
      }
      kernel_copy = false;  // another filesystem or no support: copy through a buffer
      buf.resize(kCopyBufferBytes);
    }
    ssize_t n = ::pread(src, buf.data(), static_cast<size_t>(std::min<std::int64_t>(left, static_cast<std::int64_t>(buf.size()))), in);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(StrCat(what, ": read ", src_name, ": ", std::strerror(errno)));
    if (n == 0) break;
    EC_RETURN_IF_ERROR(WriteAll(dst, std::string_view(buf.data(), static_cast<std::size_t>(n)), what));
    in += n;
    left -= n;
  }
  if (left > 0) {
    return DataLoss(StrCat(what, ": source ", src_name,
                           " is shorter than its declared size; got ", len - left, " bytes, want ", len));
  }
  return OkStatus();
}

Status WriteFileData(int fd, const TarWriteEntry& e, std::string_view what) {
  UniqueFd src(::open(e.source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!src.valid()) {
    return errno == ENOENT ? NotFound(StrCat(what, ": open ", e.source.string(), ": no such file"))
                           : Unavailable(StrCat(what, ": open ", e.source.string(), ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(src.get(), &st) != 0) {
    return Unavailable(StrCat(what, ": stat ", e.source.string(), ": ", std::strerror(errno)));
  }
  std::int64_t offset = e.source_offset >= 0 ? e.source_offset : 0;
  if (e.source_offset < 0 && st.st_size > e.size) {
    return DataLoss(StrCat(what, ": source ", e.source.string(),
                           " is longer than its declared size; got more than ", e.size,
                           " bytes, want ", e.size));
  }
  return CopyRange(src.get(), offset, e.size, fd, what, e.source.string());
}

}  // namespace

Status WriteUncompressedTar(int fd, const std::vector<TarItem>& items, std::string_view what) {
  static const std::string kZeros(2 * kBlock, '\0');
  std::vector<char> buf;
  for (const TarItem& item : items) {
    std::string entry_what = StrCat(what, ": entry \"", item.tar_name, "\"");
    EC_ASSIGN_OR_RETURN(std::string header, TarHeaderBytes(item, entry_what));
    EC_RETURN_IF_ERROR(WriteAll(fd, header, entry_what));
    if (item.file == nullptr) continue;
    if (item.file->bytes) {
      EC_RETURN_IF_ERROR(WriteAll(fd, *item.file->bytes, entry_what));
    } else if (item.file->open) {
      if (buf.empty()) buf.resize(kCopyBufferBytes);
      EC_RETURN_IF_ERROR(StreamEntryData(*item.file, buf, entry_what,
                                         [&](std::string_view chunk) { return WriteAll(fd, chunk, entry_what); }));
    } else {
      EC_RETURN_IF_ERROR(WriteFileData(fd, *item.file, entry_what));
    }
    std::int64_t pad = TarPadding(item.file->size);
    EC_RETURN_IF_ERROR(WriteAll(fd, std::string_view(kZeros.data(), static_cast<std::size_t>(pad)), entry_what));
  }
  return WriteAll(fd, kZeros, what);  // the end-of-archive marker
}

}  // namespace ec::oci::internal
