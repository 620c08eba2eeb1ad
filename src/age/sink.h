// Where age output goes: a push-style byte sink. Encryption writes ciphertext into one and
// decryption writes plaintext into one, so neither side needs the other's bytes on disk.
#pragma once

#include <string>
#include <string_view>

#include "oci/io.h"
#include "status.h"

namespace ec::age {

class Sink {
 public:
  virtual ~Sink() = default;
  // Takes all of `bytes` or fails.
  virtual Status Write(std::string_view bytes) = 0;
};

// Writes to an open descriptor it does not own (a pipe, a socket, stdout).
class FdSink final : public Sink {
 public:
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Status Write(std::string_view bytes) override { return oci::WriteAll(fd_, bytes, name_); }

 private:
  int fd_;
  std::string name_;
};

// Appends to a string: small data and tests.
class StringSink final : public Sink {
 public:
  Status Write(std::string_view bytes) override {
    out_.append(bytes);
    return OkStatus();
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

// Writes into an AtomicFile (which must outlive the sink); the caller commits it only after
// Encrypt / Decrypt succeeded, so a failed run leaves no partial file behind.
class AtomicFileSink final : public Sink {
 public:
  explicit AtomicFileSink(oci::AtomicFile& file) : file_(file) {}
  Status Write(std::string_view bytes) override { return file_.Write(bytes); }

 private:
  oci::AtomicFile& file_;
};

}  // namespace ec::age
