// Streams: the pull-based Reader every blob travels through, VerifyingReader (size, then
// digest, then no trailing bytes), bounded ReadAll, files with RAII descriptors, and
// AtomicFile (temp file + fsync + rename) for everything a store writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "status.h"

namespace ec::oci {

class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to buf.size() bytes into buf; returns 0 only at end of stream.
  virtual Result<std::size_t> Read(std::span<char> buf) = 0;
};

class StringReader final : public Reader {
 public:
  explicit StringReader(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::size_t> Read(std::span<char> buf) override;

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.Release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) { Reset(); fd_ = o.Release(); }
    return *this;
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { int fd = fd_; fd_ = -1; return fd; }
  void Reset();

 private:
  int fd_ = -1;
};

// Reads a file, or the byte range [offset, offset + length) of it.
class FileReader final : public Reader {
 public:
  static Result<std::unique_ptr<FileReader>> Open(const std::filesystem::path& path,
                                                  std::int64_t offset = 0,
                                                  std::int64_t length = -1);
  // Reads an already open file (e.g. an unlinked spool file) from its start.
  static std::unique_ptr<FileReader> FromFd(UniqueFd fd, std::string name);
  Result<std::size_t> Read(std::span<char> buf) override;

 private:
  FileReader(UniqueFd fd, std::string path, std::int64_t offset, std::int64_t end)
      : fd_(std::move(fd)), path_(std::move(path)), pos_(offset), end_(end) {}
  UniqueFd fd_;
  std::string path_;
  std::int64_t pos_;
  std::int64_t end_;  // -1: to end of file
};

// Wraps `inner` (which must outlive it) and checks it yields exactly the bytes of
// `expected`: never reads past expected.size, fails on a short stream, and Verify() checks
// the digest and that the inner stream has nothing left. `what` names the blob's origin.
class VerifyingReader final : public Reader {
 public:
  VerifyingReader(Reader& inner, const Descriptor& expected, std::string what);
  Result<std::size_t> Read(std::span<char> buf) override;
  // Call after reading to the end: size, then digest, then no trailing bytes.
  Status Verify();

 private:
  Reader& inner_;
  Descriptor expected_;
  std::string what_;
  Hasher hasher_;
  std::int64_t read_ = 0;
};

// Reads all of `in`, failing if it holds more than `limit` bytes.
Result<std::string> ReadAll(Reader& in, std::size_t limit, std::string_view what);

// Writes the whole buffer to `fd`, retrying short writes.
Status WriteAll(int fd, std::string_view bytes, std::string_view what);
// Writes the whole buffer at `offset` of `fd` (pwrite), retrying short writes.
Status PwriteAll(int fd, std::string_view bytes, std::int64_t offset, std::string_view what);

// A file written under a temporary name in the destination's directory and renamed over
// the destination by Commit() after an fsync; dropped without Commit() it leaves nothing.
class AtomicFile {
 public:
  static Result<AtomicFile> Create(const std::filesystem::path& dest);
  AtomicFile(AtomicFile&&) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  int fd() const { return fd_.get(); }
  const std::filesystem::path& temp_path() const { return temp_; }
  Status Write(std::string_view bytes) { return WriteAll(fd_.get(), bytes, temp_.string()); }
  // Streams `in` to the file; returns the byte count.
  Result<std::int64_t> WriteFrom(Reader& in);
  // fsync (when `durable`), close, rename over the destination, fsync the directory.
  Status Commit(bool durable = true);

 private:
  AtomicFile(UniqueFd fd, std::filesystem::path temp, std::filesystem::path dest)
      : fd_(std::move(fd)), temp_(std::move(temp)), dest_(std::move(dest)) {}
  UniqueFd fd_;
  std::filesystem::path temp_;
  std::filesystem::path dest_;
  bool committed_ = false;
};

// Writes `bytes` to `dest` atomically.
Status WriteFileAtomic(const std::filesystem::path& dest, std::string_view bytes);
// Reads a small file whole, bounded by `limit`.
Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t limit);

}  // namespace ec::oci
