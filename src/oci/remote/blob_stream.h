// BlobStream: a Reader over a registry blob download that runs in its own thread, so that a
// copy streams GET into PUT without spooling the blob anywhere. The download thread fills a
// bounded buffer (kStreamBufferBytes); after a broken connection, a 5xx or a 429 it backs off
// (honouring Retry-After) and resumes with Range from the bytes already handed out. Memory
// stays bounded whatever the blob size. Not thread-safe: one reader.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "oci/descriptor.h"
#include "oci/io.h"
#include "oci/remote/registry_client.h"

namespace ec::oci::remote {

inline constexpr std::size_t kStreamBufferBytes = 8u << 20;

class BlobStream final : public Reader {
 public:
  // Starts downloading `url` (a blob of `desc`) for `repository` through `client`, which
  // must outlive the stream.
  // Starts at byte `offset` of the blob (a resumed push asks for the rest only).
  BlobStream(RegistryClient& client, std::string url, std::string repository, Descriptor desc,
             std::string what, std::int64_t offset = 0);
  ~BlobStream() override;
  Result<std::size_t> Read(std::span<char> buf) override;

 private:
  void Download();
  Status Deliver(std::string_view chunk);

  RegistryClient& client_;
  std::string url_;
  std::string repository_;
  Descriptor desc_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;  // guarded by mu_
  std::size_t buffered_ = 0;        // guarded by mu_
  std::size_t front_offset_ = 0;    // consumed bytes of chunks_.front()
  bool finished_ = false;           // guarded by mu_
  bool cancelled_ = false;          // guarded by mu_
  Status result_;                   // guarded by mu_, final once finished_
  std::int64_t delivered_ = 0;      // download thread only
  std::thread thread_;
};

}  // namespace ec::oci::remote
