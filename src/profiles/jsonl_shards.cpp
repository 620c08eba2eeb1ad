#include "profiles/jsonl_shards.h"

#include <zstd.h>

#include <cstdio>
#include <memory>

#include "oci/io.h"

namespace ec::profiles {
namespace {

Result<ExportFile> CompressShard(std::string lines, std::int64_t records, std::filesystem::path dest, int level) {
  using Ctx = std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)>;
  Ctx ctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  if (!ctx) return Internal("zstd: out of memory");
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(lines.size()), '\0');
  std::size_t n = ZSTD_compress2(ctx.get(), out.data(), out.size(), lines.data(), lines.size());
  if (ZSTD_isError(n)) return Internal(StrCat("zstd compress ", dest.string(), ": ", ZSTD_getErrorName(n)));
  out.resize(n);
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dest, out));
  ExportFile f;
  f.path = dest.filename().string();
  f.file = dest;
  f.digest = oci::Digest::OfBytes(out);
  f.bytes = static_cast<std::int64_t>(out.size());
  f.records = records;
  f.content_type = std::string(kJsonlZstdType);
  return f;
}

}  // namespace

ShardWriter::ShardWriter(std::filesystem::path dir, std::string prefix, std::int64_t shard_bytes, int level)
    : dir_(std::move(dir)), prefix_(std::move(prefix)), shard_bytes_(shard_bytes), level_(level) {}

ShardWriter::~ShardWriter() {
  for (auto& f : pending_) {
    if (f.valid()) f.wait();
  }
}

Status ShardWriter::Add(std::string_view line) {
  const auto grown = static_cast<std::int64_t>(buffer_.size() + line.size() + 1);
  if (!buffer_.empty() && grown > shard_bytes_) EC_RETURN_IF_ERROR(Flush());
  buffer_.append(line);
  buffer_.push_back('\n');
  ++lines_;
  return OkStatus();
}

Status ShardWriter::Flush() {
  char name[32];
  std::snprintf(name, sizeof name, "-%04zu.jsonl.zst", pending_.size());
  std::filesystem::path dest = dir_ / (prefix_ + name);
  // One shard compresses in the background while the next fills; wait for the one before,
  // so at most two shards are in memory.
  if (!pending_.empty()) pending_.back().wait();
  pending_.push_back(std::async(std::launch::async, CompressShard, std::move(buffer_), lines_, dest, level_));
  buffer_.clear();
  lines_ = 0;
  return OkStatus();
}

Result<std::vector<ExportFile>> ShardWriter::Finish() {
  if (!buffer_.empty()) EC_RETURN_IF_ERROR(Flush());
  std::vector<ExportFile> out;
  for (auto& f : pending_) {
    Result<ExportFile> r = f.get();
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  pending_.clear();
  return out;
}

}  // namespace ec::profiles
