// Upload sessions of the distribution API: bytes appended in order to uploads/<id>, hashed as
// they arrive, published into blobs/ once the client names the digest.
#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "oci/store/sqlite.h"
#include "oci/store/store.h"

namespace ec::oci::store {
namespace {

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// A random UUID (version 4 layout), as registries name upload sessions.
std::string NewUploadId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // Fall back to time and address entropy; uniqueness is also enforced by O_EXCL.
    for (std::size_t i = 0; i < sizeof b; ++i) {
      b[i] = static_cast<unsigned char>((Now() >> (i % 8)) ^ (reinterpret_cast<std::uintptr_t>(&b) >> i));
    }
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

bool IsUploadId(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Status Upload::Append(std::string_view bytes) {
  if (closed_) return FailedPrecondition(StrCat("upload ", id_, " has ended"));
  hasher_->Update(bytes);
  size_ += static_cast<std::int64_t>(bytes.size());
  last_used_ = Now();
  if (buffer_.size() + bytes.size() <= kUploadBufferBytes) {
    buffer_.append(bytes);
    return OkStatus();
  }
  EC_RETURN_IF_ERROR(Flush());
  if (bytes.size() >= kUploadBufferBytes) {
    Status written = PwriteAll(fd_.get(), bytes, written_, path_.string());
    if (!written.ok()) {
      closed_ = true;  // the file and the running hash now disagree: the session cannot go on
      return written;
    }
    written_ += static_cast<std::int64_t>(bytes.size());
    return OkStatus();
  }
  buffer_.append(bytes);
  return OkStatus();
}

Status Upload::Flush() {
  if (buffer_.empty()) return OkStatus();
  Status written = PwriteAll(fd_.get(), buffer_, written_, path_.string());
  if (!written.ok()) {
    closed_ = true;  // see Append
    return written;
  }
  written_ += static_cast<std::int64_t>(buffer_.size());
  buffer_.clear();
  return OkStatus();
}

void Store::ExpireUploads() {
  const std::int64_t cutoff = Now() - kUploadIdleSeconds;
  std::lock_guard lock(uploads_mu_);
  for (auto it = uploads_.begin(); it != uploads_.end();) {
    std::unique_lock session(it->second->mutex(), std::try_to_lock);
    if (session.owns_lock() && it->second->last_used_ < cutoff) {
      ::unlink(it->second->path_.c_str());
      it->second->closed_ = true;
      session.unlock();
      it = uploads_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::shared_ptr<Upload>> Store::StartUpload(std::string_view repository) {
  ExpireUploads();
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string id = NewUploadId();
    std::filesystem::path path = dir_ / "uploads" / id;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return Unavailable(StrCat("create ", path.string(), ": ", std::strerror(errno)));
    std::shared_ptr<Upload> upload(new Upload(id, std::string(repository), path, UniqueFd(fd)));
    upload->last_used_ = Now();
    std::lock_guard lock(uploads_mu_);
    uploads_[id] = upload;
    return upload;
  }
  return Internal("could not allocate an upload id");
}

Result<std::shared_ptr<Upload>> Store::FindUpload(std::string_view repository, std::string_view id) {
  if (IsUploadId(id)) {
    std::lock_guard lock(uploads_mu_);
    auto it = uploads_.find(id);
    if (it != uploads_.end() && it->second->repository() == repository) return it->second;
  }
  return NotFound(StrCat("upload ", id, " not found in repository ", repository));
}

void Store::CancelUpload(Upload& upload) {
  upload.closed_ = true;
  ::unlink(upload.path_.c_str());
  std::lock_guard lock(uploads_mu_);
  uploads_.erase(upload.id());
}

Status Store::CompleteUpload(Upload& upload, const Digest& digest) {
  if (upload.closed_) return FailedPrecondition(StrCat("upload ", upload.id(), " has ended"));
  EC_RETURN_IF_ERROR(upload.Flush());
  Digest got = digest;
  if (digest.algorithm() == DigestAlgorithm::kSha256) {
    got = upload.hasher_->Finish();
    upload.hasher_ = std::make_unique<Hasher>();  // Finish consumed it
  } else {
    // Uploads hash with sha256 as they stream; another algorithm costs one re-read.
    Hasher rehash(digest.algorithm());
    EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(upload.path_));
    std::string buf(1 << 20, '\0');
    while (true) {
      EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(std::span<char>(buf.data(), buf.size())));
      if (n == 0) break;
      rehash.Update(std::string_view(buf.data(), n));
    }
    got = rehash.Finish();
  }
  if (got != digest) {
    CancelUpload(upload);
    return DataLoss(StrCat("upload ", upload.id(), ": digest mismatch: got ", got.str(),
                           ", want ", digest.str()));
  }
  if (options_.durable && ::fsync(upload.fd_.get()) != 0) {
    return Unavailable(StrCat("fsync ", upload.path_.string(), ": ", std::strerror(errno)));
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  Status published = Publish(*db, upload.path_, digest, upload.size_, upload.repository());
  CancelUpload(upload);  // ends the session; the file is gone already when published
  return published;
}

}  // namespace ec::oci::store
