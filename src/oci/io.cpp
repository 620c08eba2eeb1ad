#include "oci/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "oci/limits.h"

namespace ec::oci {
namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

Result<std::size_t> StringReader::Read(std::span<char> buf) {
  std::size_t n = std::min(buf.size(), bytes_.size() - pos_);
  std::memcpy(buf.data(), bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<std::unique_ptr<FileReader>> FileReader::Open(const std::filesystem::path& path,
                                                     std::int64_t offset, std::int64_t length) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return NotFound(StrCat("open ", path.string(), ": no such file"));
    return Unavailable(StrCat("open ", path.string(), ": ", Errno()));
  }
  ::posix_fadvise(fd.get(), offset, length < 0 ? 0 : length, POSIX_FADV_SEQUENTIAL);
  std::int64_t end = length < 0 ? -1 : offset + length;
  return std::unique_ptr<FileReader>(new FileReader(std::move(fd), path.string(), offset, end));
}

std::unique_ptr<FileReader> FileReader::FromFd(UniqueFd fd, std::string name) {
  return std::unique_ptr<FileReader>(new FileReader(std::move(fd), std::move(name), 0, -1));
}

Result<std::size_t> FileReader::Read(std::span<char> buf) {
  std::size_t want = buf.size();
  if (end_ >= 0) want = static_cast<std::size_t>(std::min<std::int64_t>(end_ - pos_, static_cast<std::int64_t>(want)));
  if (want == 0) return std::size_t{0};
  while (true) {
    ssize_t n = ::pread(fd_.get(), buf.data(), want, pos_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(StrCat("read ", path_, ": ", Errno()));
    pos_ += n;
    return static_cast<std::size_t>(n);
  }
}

VerifyingReader::VerifyingReader(Reader& inner, const Descriptor& expected, std::string what)
    : inner_(inner), expected_(expected), what_(std::move(what)), hasher_(expected.digest.algorithm()) {}

Result<std::size_t> VerifyingReader::Read(std::span<char> buf) {
  std::int64_t left = expected_.size - read_;
  if (left <= 0) return std::size_t{0};
  auto want = static_cast<std::size_t>(std::min<std::int64_t>(left, static_cast<std::int64_t>(buf.size())));
  EC_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(buf.first(want)));
  if (n == 0) {
    return DataLoss(StrCat(what_, ": blob ", expected_.digest.str(), " is truncated; got ", read_,
                           " bytes, want ", expected_.size));
  }
  hasher_.Update(buf.first(n));
  read_ += static_cast<std::int64_t>(n);
  return n;
}

Status VerifyingReader::Verify() {
  if (read_ != expected_.size) {
    return DataLoss(StrCat(what_, ": blob ", expected_.digest.str(), " was not read to its end; got ",
                           read_, " bytes, want ", expected_.size));
  }
  Digest got = hasher_.Finish();
  if (got != expected_.digest) {
    return DataLoss(StrCat(what_, ": digest mismatch after ", read_, " bytes; got ", got.str(),
                           ", want ", expected_.digest.str()));
  }
  char extra;
  EC_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(std::span<char>(&extra, 1)));
  if (n != 0) {
    return DataLoss(StrCat(what_, ": blob ", expected_.digest.str(),
                           " has trailing data; got more than ", expected_.size, " bytes, want ",
                           expected_.size));
  }
  return OkStatus();
}

Result<std::string> ReadAll(Reader& in, std::size_t limit, std::string_view what) {
  std::string out;
  std::vector<char> buf(64 * 1024);
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, in.Read(buf));
    if (n == 0) return out;
    if (out.size() + n > limit) {
      return InvalidArgument(StrCat(what, ": larger than the limit of ", limit, " bytes"));
    }
    out.append(buf.data(), n);
  }
}

Status WriteAll(int fd, std::string_view bytes, std::string_view what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(StrCat("write ", what, ": ", Errno()));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

Status PwriteAll(int fd, std::string_view bytes, std::int64_t offset, std::string_view what) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(StrCat("write ", what, ": ", Errno()));
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += n;
  }
  return OkStatus();
}

Result<AtomicFile> AtomicFile::Create(const std::filesystem::path& dest) {
  std::string tmpl = (dest.parent_path() / StrCat(".", dest.filename().string(), ".tmp-XXXXXX")).string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return Unavailable(StrCat("create temporary file for ", dest.string(), ": ", Errno()));
  ::fchmod(fd, 0644);
  return AtomicFile(UniqueFd(fd), tmpl, dest);
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : fd_(std::move(o.fd_)), temp_(std::move(o.temp_)), dest_(std::move(o.dest_)),
      committed_(o.committed_) {
  o.committed_ = true;  // the moved-from object owns nothing to clean up
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    fd_.Reset();
    ::unlink(temp_.c_str());
  }
}

Result<std::int64_t> AtomicFile::WriteFrom(Reader& in) {
  std::vector<char> buf(kCopyBufferBytes);
  std::int64_t total = 0;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, in.Read(buf));
    if (n == 0) return total;
    EC_RETURN_IF_ERROR(WriteAll(fd_.get(), std::string_view(buf.data(), n), temp_.string()));
    total += static_cast<std::int64_t>(n);
  }
}

Status AtomicFile::Commit(bool durable) {
  if (durable && ::fsync(fd_.get()) != 0) return Unavailable(StrCat("fsync ", temp_.string(), ": ", Errno()));
  fd_.Reset();
  if (::rename(temp_.c_str(), dest_.c_str()) != 0) {
    return Unavailable(StrCat("rename ", temp_.string(), " to ", dest_.string(), ": ", Errno()));
  }
  committed_ = true;
  if (durable) {
    UniqueFd dir(::open(dest_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get());
  }
  return OkStatus();
}

Status WriteFileAtomic(const std::filesystem::path& dest, std::string_view bytes) {
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(dest));
  EC_RETURN_IF_ERROR(file.Write(bytes));
  return file.Commit();
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t limit) {
  EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(path));
  return ReadAll(*reader, limit, path.string());
}

}  // namespace ec::oci
