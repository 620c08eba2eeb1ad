#include "trivy/bolt_writer.h"

#include <deque>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "oci/io.h"
#include "trivy/bolt_format.h"

namespace ec::trivy {
namespace {

using bolt::BranchEntry;
using bolt::LeafEntry;

// Finished pages are collected here and written out in blocks of about this size.
constexpr std::size_t kWriteBufferBytes = 1 << 20;

// A key for error messages: printable ASCII as is, other bytes as \xNN, cut after 64 bytes.
std::string Printable(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < key.size() && i < 64; ++i) {
    auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (key.size() > 64) out += "...";
  return out + "\"";
}

// Hands out page ids sequentially from kFirstDataPgid and writes each node image, in id
// order, behind the three reserved pages (which the caller writes last).
class PageSink {
 public:
  PageSink(int fd, std::string name, std::uint32_t page_size)
      : fd_(fd), name_(std::move(name)), page_size_(page_size) {
    // Placeholders for the metas (written at the end) and the empty freelist.
    buf_.resize(3 * std::size_t{page_size});
    bolt::EncodeEmptyFreelistPage(bolt::kFreelistPgid,
                                  std::span<char>(buf_).subspan(2 * std::size_t{page_size}));
  }

  std::uint32_t page_size() const { return page_size_; }
  std::uint64_t next_pgid() const { return next_; }

  // Zero-filled room for a node of `node_size` bytes at page id *pgid; valid until the
  // next call.
  std::span<char> Allocate(std::size_t node_size, std::uint64_t* pgid) {
    std::uint64_t pages = bolt::PagesFor(node_size, page_size_);
    *pgid = next_;
    next_ += pages;
    std::size_t old = buf_.size();
    buf_.resize(old + static_cast<std::size_t>(pages) * page_size_);
    return std::span<char>(buf_).subspan(old);
  }

  Status MaybeFlush() { return buf_.size() >= kWriteBufferBytes ? Flush() : OkStatus(); }

  Status Flush() {
    EC_RETURN_IF_ERROR(oci::WriteAll(fd_, buf_, name_));
    buf_.clear();
    if (buf_.capacity() > 4 * kWriteBufferBytes) buf_.shrink_to_fit();  // after a huge value
    return OkStatus();
  }

 private:
  int fd_;
  std::string name_;
  std::uint32_t page_size_;
  std::uint64_t next_ = bolt::kFirstDataPgid;
  std::string buf_;
};

// Packs a sorted run of entries into nodes, writing each node as soon as the next entry
// does not fit, and records (first key, page id) of every node for the level above.
// A node takes entries while its image stays within `limit` bytes, but always at least
// `min_entries` (when that many remain), so one oversized entry gets a node of its own
// spanning overflow pages.
template <typename Entry>
class LevelWriter {
 public:
  LevelWriter(PageSink& sink, std::size_t limit, std::size_t min_entries)
      : sink_(sink), limit_(limit), min_entries_(min_entries) {}

  // `owned` (optional) backs entry.value until the node holding it is written.
  Status Add(Entry entry, std::string owned = {}) {
    std::size_t size = EntrySize(entry) + owned.size();  // owned becomes entry.value
    bool fits = pending_.size() < min_entries_ ||
                (size_ + size <= limit_ && pending_.size() < bolt::kMaxElementsPerPage);
    if (!fits) EC_RETURN_IF_ERROR(WriteNode());
    if (!owned.empty()) {
      owned_.push_back(std::move(owned));
      if constexpr (std::is_same_v<Entry, LeafEntry>) entry.value = owned_.back();
    }
    pending_.push_back(entry);
    size_ += size;
    return OkStatus();
  }

  // Writes the last node (an empty leaf if nothing was added) and returns every node.
  Result<std::vector<BranchEntry>> Finish() {
    if (!pending_.empty() || nodes_.empty()) EC_RETURN_IF_ERROR(WriteNode());
    return std::move(nodes_);
  }

 private:
  static std::size_t EntrySize(const Entry& e) {
    if constexpr (std::is_same_v<Entry, LeafEntry>) {
      return bolt::LeafEntrySize(e);
    } else {
      return bolt::BranchEntrySize(e);
    }
  }

  Status WriteNode() {
    std::uint64_t pgid = 0;
    std::span<char> out = sink_.Allocate(size_, &pgid);
    if constexpr (std::is_same_v<Entry, LeafEntry>) {
      bolt::EncodeLeafPage(pending_, pgid, sink_.page_size(), out);
    } else {
      bolt::EncodeBranchPage(pending_, pgid, sink_.page_size(), out);
    }
    nodes_.push_back({pending_.empty() ? std::string_view() : pending_.front().key, pgid});
    pending_.clear();
    owned_.clear();
    size_ = bolt::kPageHeaderSize;
    return sink_.MaybeFlush();
  }

  PageSink& sink_;
  std::size_t limit_;
  std::size_t min_entries_;
  std::vector<Entry> pending_;
  std::deque<std::string> owned_;  // stable addresses for pending_ values
  std::size_t size_ = bolt::kPageHeaderSize;
  std::vector<BranchEntry> nodes_;
};

// The depth-first pass over the tree. Keys and values are views into the tree, which
// outlives the writer.
class TreeWriter {
 public:
  TreeWriter(PageSink& sink, const BoltWriteOptions& options)
      : sink_(sink),
        limit_(std::size_t{options.page_size} * static_cast<std::size_t>(options.fill_percent) / 100),
        max_inline_(options.page_size / 4) {}

  // Writes every page below the root bucket; returns the root bucket's root page id.
  Result<std::uint64_t> WriteRoot(const BucketTree& root) {
    if (!root.values.empty()) {
      return InvalidArgument(StrCat("bbolt: top-level key ", Printable(root.values.begin()->first),
                                    " is a value; the top level may hold only buckets"));
    }
    return WriteBucketPages(root);
  }

 private:
  Status CheckEntry(std::string_view key, std::size_t value_size) const {
    if (key.empty()) return InvalidArgument(StrCat("bbolt: bucket ", Path(), ": empty key"));
    if (key.size() > bolt::kMaxKeySize) {
      return InvalidArgument(StrCat("bbolt: bucket ", Path(), ": key ", Printable(key), " has ",
                                    key.size(), " bytes; the limit is ", bolt::kMaxKeySize));
    }
    if (value_size > bolt::kMaxValueSize) {
      return InvalidArgument(StrCat("bbolt: bucket ", Path(), ": value of key ", Printable(key),
                                    " has ", value_size, " bytes; the limit is ",
                                    bolt::kMaxValueSize));
    }
    return OkStatus();
  }

  std::string Path() const {
    if (path_.empty()) return "(root)";
    std::string out;
    for (std::string_view p : path_) out += (out.empty() ? "" : "/") + Printable(p);
    return out;
  }

  // Inline when there are no sub-buckets and the fake leaf page fits in max_inline_.
  bool Inlineable(const BucketTree& b) const {
    if (!b.buckets.empty()) return false;
    std::size_t size = bolt::kPageHeaderSize;
    for (const auto& [key, value] : b.values) {
      size += bolt::kElementSize + key.size() + value.size();
      if (size > max_inline_) return false;
    }
    return true;
  }

  // The value stored for sub-bucket `b` in its parent.
  Result<std::string> BucketValue(const BucketTree& b) {
    if (Inlineable(b)) {
      std::vector<LeafEntry> entries;
      entries.reserve(b.values.size());
      for (const auto& [key, value] : b.values) {
        EC_RETURN_IF_ERROR(CheckEntry(key, value.size()));
        entries.push_back({key, value, 0});
      }
      return bolt::EncodeInlineBucket(entries);
    }
    EC_ASSIGN_OR_RETURN(std::uint64_t root, WriteBucketPages(b));
    return bolt::EncodeBucketHeader(root);
  }

  // Writes the leaf pages of `b` (sub-buckets first, as they come), then branch levels
  // until one root page remains.
  Result<std::uint64_t> WriteBucketPages(const BucketTree& b) {
    LevelWriter<LeafEntry> leaves(sink_, limit_, 1);
    auto v = b.values.begin();
    auto s = b.buckets.begin();
    while (v != b.values.end() || s != b.buckets.end()) {
      if (v != b.values.end() && s != b.buckets.end() && v->first == s->first) {
        return InvalidArgument(StrCat("bbolt: bucket ", Path(), ": key ", Printable(v->first),
                                      " is both a value and a bucket"));
      }
      if (s == b.buckets.end() || (v != b.values.end() && v->first < s->first)) {
        EC_RETURN_IF_ERROR(CheckEntry(v->first, v->second.size()));
        EC_RETURN_IF_ERROR(leaves.Add({v->first, v->second, 0}));
        ++v;
      } else {
        EC_RETURN_IF_ERROR(CheckEntry(s->first, 0));
        path_.push_back(s->first);
        Result<std::string> value = BucketValue(s->second);
        path_.pop_back();
        if (!value.ok()) return value.status();
        EC_RETURN_IF_ERROR(
            leaves.Add({s->first, {}, bolt::kBucketLeafFlag}, std::move(value).value()));
        ++s;
      }
    }
    EC_ASSIGN_OR_RETURN(std::vector<BranchEntry> level, leaves.Finish());
    // Branch nodes take at least two children so that every level shrinks.
    while (level.size() > 1) {
      LevelWriter<BranchEntry> branches(sink_, limit_, 2);
      for (const BranchEntry& child : level) EC_RETURN_IF_ERROR(branches.Add(child));
      EC_ASSIGN_OR_RETURN(level, branches.Finish());
    }
    return level.front().pgid;
  }

  PageSink& sink_;
  std::size_t limit_;
  std::size_t max_inline_;
  std::vector<std::string_view> path_;  // bucket names from the root, for messages
};

Status CheckOptions(const BoltWriteOptions& o) {
  bool power_of_two = o.page_size != 0 && (o.page_size & (o.page_size - 1)) == 0;
  if (!power_of_two || o.page_size < 1024 || o.page_size > 65536) {
    return InvalidArgument(
        StrCat("bbolt: page size ", o.page_size, " is not a power of two in [1024, 65536]"));
  }
  if (o.txid == 0) return InvalidArgument("bbolt: txid must be at least 1");
  if (o.fill_percent < 10 || o.fill_percent > 100) {
    return InvalidArgument(StrCat("bbolt: fill percent ", o.fill_percent, " is not in [10, 100]"));
  }
  return OkStatus();
}

}  // namespace

Status WriteBoltFile(const BucketTree& root, const std::filesystem::path& dest,
                     const BoltWriteOptions& options) {
  EC_RETURN_IF_ERROR(CheckOptions(options));
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(dest));
  const std::string name = file.temp_path().string();

  PageSink sink(file.fd(), name, options.page_size);
  TreeWriter writer(sink, options);
  Result<std::uint64_t> root_pgid = writer.WriteRoot(root);
  if (!root_pgid.ok()) return root_pgid.status().WithPrefix(StrCat("write ", dest.string()));
  EC_RETURN_IF_ERROR(sink.Flush());

  // Both metas describe the same tree; the one with the higher txid wins on open.
  bolt::Meta meta;
  meta.page_size = options.page_size;
  meta.root = *root_pgid;
  meta.freelist = bolt::kFreelistPgid;
  meta.pgid = sink.next_pgid();
  std::string metas(2 * std::size_t{options.page_size}, '\0');
  std::span<char> out(metas);
  for (std::uint64_t id : {bolt::kMeta0Pgid, bolt::kMeta1Pgid}) {
    meta.txid = (options.txid % 2 == id) ? options.txid : options.txid - 1;
    bolt::EncodeMetaPage(meta, id, out.subspan(id * options.page_size, options.page_size));
  }
  EC_RETURN_IF_ERROR(oci::PwriteAll(file.fd(), metas, 0, name));
  return file.Commit(options.durable);
}

}  // namespace ec::trivy
