#include "oci/remote/blob_stream.h"

#include <cstring>

#include "oci/remote/registry_errors.h"

namespace ec::oci::remote {

BlobStream::BlobStream(RegistryClient& client, std::string url, std::string repository,
                       Descriptor desc, std::string what, std::int64_t offset)
    : client_(client), url_(std::move(url)), repository_(std::move(repository)),
      desc_(std::move(desc)), what_(std::move(what)), delivered_(offset) {
  thread_ = std::thread([this] { Download(); });
}

BlobStream::~BlobStream() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status BlobStream::Deliver(std::string_view chunk) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return cancelled_ || buffered_ < kStreamBufferBytes; });
  if (cancelled_) return Status(Code::kFailedPrecondition, "download cancelled");
  chunks_.emplace_back(chunk);
  buffered_ += chunk.size();
  lock.unlock();
  cv_.notify_all();
  return OkStatus();
}

void BlobStream::Download() {
  Status result;
  int attempts = client_.max_attempts();
  for (int attempt = 0; attempt < attempts; ++attempt) {
    HttpRequest req;
    req.url = url_;
    std::int64_t start = delivered_;
    if (start > 0) req.headers.push_back(StrCat("Range: bytes=", start, "-"));
    std::int64_t skip = 0;  // bytes to drop when a server ignores Range and starts over
    req.on_headers = [&](const HttpResponse& r) -> Status {
      // A 200 to a Range request is the whole blob again: drop what was handed out.
      skip = r.status == 200 ? start : 0;
      return OkStatus();
    };
    req.sink = [&](std::string_view chunk) -> Status {
      if (skip > 0) {
        auto drop = static_cast<std::size_t>(std::min<std::int64_t>(skip, static_cast<std::int64_t>(chunk.size())));
        chunk.remove_prefix(drop);
        skip -= static_cast<std::int64_t>(drop);
      }
      if (chunk.empty()) return OkStatus();
      if (delivered_ + static_cast<std::int64_t>(chunk.size()) > desc_.size) {
        return DataLoss(StrCat(what_, ": the registry sent more than the descriptor's ", desc_.size, " bytes"));
      }
      EC_RETURN_IF_ERROR(Deliver(chunk));
      delivered_ += static_cast<std::int64_t>(chunk.size());
      return OkStatus();
    };
    auto resp = client_.Send(req, repository_, "pull");
    if (!resp.ok() && resp.status().code() == Code::kFailedPrecondition) break;  // cancelled
    if (resp.ok() && (resp->status == 200 || resp->status == 206)) {
      if (delivered_ == desc_.size) {
        result = OkStatus();
        break;
      }
      result = Unavailable(StrCat(what_, ": the connection ended after ", delivered_, " of ", desc_.size, " bytes"));
      client_.Backoff(attempt, nullptr);
      continue;
    }
    if (resp.ok()) {
      result = StatusFromResponse(what_, *resp);
      if (result.code() != Code::kUnavailable || attempt + 1 == attempts) break;
      client_.Backoff(attempt, &*resp);
      continue;
    }
    result = resp.status();
    if (result.code() != Code::kUnavailable || attempt + 1 == attempts) break;
    client_.Backoff(attempt, nullptr);
  }
  {
    std::lock_guard lock(mu_);
    finished_ = true;
    result_ = result;
  }
  cv_.notify_all();
}

Result<std::size_t> BlobStream::Read(std::span<char> buf) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !chunks_.empty() || finished_; });
  if (chunks_.empty()) {
    if (!result_.ok()) return result_;
    return std::size_t{0};
  }
  std::string& front = chunks_.front();
  std::size_t n = std::min(buf.size(), front.size() - front_offset_);
  std::memcpy(buf.data(), front.data() + front_offset_, n);
  front_offset_ += n;
  if (front_offset_ == front.size()) {
    buffered_ -= front.size();
    chunks_.pop_front();
    front_offset_ = 0;
  }
  lock.unlock();
  cv_.notify_all();
  return n;
}

}  // namespace ec::oci::remote
