// Size-bounded JSONL shards compressed with zstd: lines go in, in the caller's (deterministic)
// order; a shard closes before it would pass the size bound, so no line is ever split. Each
// shard is compressed in one call (single-threaded zstd, fixed level, checksum on): the same
// lines give the same bytes. Compression of a full shard runs on a helper thread while the
// caller fills the next.
#pragma once

#include <cstdint>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "oci/digest.h"
#include "status.h"

namespace ec::profiles {

// One file of an export: a shard, manifest.json, a policy file.
struct ExportFile {
  std::string path;  // the name in the bundle (also the OCI layer title)
  std::filesystem::path file;
  oci::Digest digest = oci::Digest::OfBytes("");
  std::int64_t bytes = 0;
  std::int64_t records = -1;  // -1: not a record file
  std::string content_type;
};

inline constexpr std::string_view kJsonlZstdType = "application/vnd.export-center.jsonl+zstd";
inline constexpr std::int64_t kDefaultShardBytes = 32ll << 20;
inline constexpr int kDefaultZstdLevel = 3;  // zstd's own default: ~4x faster than 9 here, ~13% larger

class ShardWriter {
 public:
  // Shards are named "<prefix>-0000.jsonl.zst", "<prefix>-0001.jsonl.zst", … in `dir`.
  ShardWriter(std::filesystem::path dir, std::string prefix, std::int64_t shard_bytes, int level);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends one line (without its newline).
  Status Add(std::string_view line);
  // Closes the last shard and returns every shard in order; a writer that got no lines
  // writes no shard.
  Result<std::vector<ExportFile>> Finish();

 private:
  Status Flush();
  std::filesystem::path dir_;
  std::string prefix_;
  std::int64_t shard_bytes_;
  int level_;
  std::string buffer_;
  std::int64_t lines_ = 0;
  std::vector<std::future<Result<ExportFile>>> pending_;
};

}  // namespace ec::profiles
