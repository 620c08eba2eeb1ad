#include "trivy/bolt_reader.h"

#include <cstring>
#include <stdexcept>

#include "status.h"

namespace ec::trivy::testing {
namespace {

template <typename T>
T Load(std::string_view bytes, std::size_t offset) {
  if (offset + sizeof(T) > bytes.size()) throw std::runtime_error("read past the end");
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

// Unsigned bytewise order, as bbolt's bytes.Compare.
int Compare(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  ParsedBolt Run() {
    if (file_.size() < 4096) Fail("file shorter than 4096 bytes");
    out_.meta[0] = ReadMeta(0, Load<std::uint32_t>(file_, 24));
    std::uint32_t ps = out_.meta[0].page_size;
    if (ps < 1024 || (ps & (ps - 1)) != 0) Fail(StrCat("bad page size ", ps));
    ps_ = ps;
    out_.meta[1] = ReadMeta(1, ps);
    const BoltMeta& a = out_.meta[0];
    const BoltMeta& b = out_.meta[1];
    if (a.root != b.root || a.freelist != b.freelist || a.pgid != b.pgid || b.page_size != ps) {
      Fail("metas disagree");
    }
    if (a.txid == b.txid) Fail("metas have the same txid");
    out_.pages = a.pgid;
    if (file_.size() != a.pgid * ps) {
      Fail(StrCat("file size ", file_.size(), " != pgid ", a.pgid, " x ", ps));
    }
    seen_.assign(a.pgid, false);
    seen_[0] = seen_[1] = true;
    std::string_view fl = Node(a.freelist, 0x10);
    if (Load<std::uint16_t>(fl, 10) != 0) Fail("freelist not empty");

    out_.root_order.clear();
    out_.page_buckets++;
    int depth = Walk(a.root, out_.tree, std::string_view(), nullptr, 1, &out_.root_order);
    out_.max_depth = std::max(out_.max_depth, depth);
    for (std::uint64_t i = 0; i < seen_.size(); ++i) {
      if (!seen_[i]) Fail(StrCat("page ", i, " unreachable"));
    }
    return std::move(out_);
  }

 private:
  BoltMeta ReadMeta(std::uint64_t id, std::uint32_t ps) {
    std::size_t base = id * ps;
    if (base + ps > file_.size()) Fail("meta beyond the end");
    std::string_view page = file_.substr(base, ps);
    if (Load<std::uint64_t>(page, 0) != id || Load<std::uint16_t>(page, 8) != 0x04) {
      Fail(StrCat("meta page ", id, " header"));
    }
    if (Load<std::uint32_t>(page, 16) != 0xED0CDAED) Fail("bad magic");
    if (Load<std::uint32_t>(page, 20) != 2) Fail("bad version");
    BoltMeta m;
    m.page_size = Load<std::uint32_t>(page, 24);
    if (Load<std::uint32_t>(page, 28) != 0) Fail("meta flags");
    m.root = Load<std::uint64_t>(page, 32);
    if (Load<std::uint64_t>(page, 40) != 0) Fail("root sequence");
    m.freelist = Load<std::uint64_t>(page, 48);
    m.pgid = Load<std::uint64_t>(page, 56);
    m.txid = Load<std::uint64_t>(page, 64);
    m.checksum = Load<std::uint64_t>(page, 72);
    if (m.checksum != TestFnv1a64(page.substr(16, 56))) Fail(StrCat("meta ", id, " checksum"));
    for (std::size_t i = 80; i < ps; ++i) {
      if (page[i] != 0) Fail(StrCat("meta ", id, " padding not zero"));
    }
    return m;
  }

  // The node at page `id` (all its pages), checking the header and marking pages seen.
  std::string_view Node(std::uint64_t id, std::uint16_t want_flags) {
    if (id < 2 || id >= seen_.size()) Fail(StrCat("page ", id, " out of bounds"));
    std::string_view head = file_.substr(id * ps_, ps_);
    if (Load<std::uint64_t>(head, 0) != id) Fail(StrCat("page ", id, ": header id"));
    std::uint16_t flags = Load<std::uint16_t>(head, 8);
    if ((flags & want_flags) == 0 || (flags != 0x01 && flags != 0x02 && flags != 0x10)) {
      Fail(StrCat("page ", id, ": flags ", flags));
    }
    std::uint32_t overflow = Load<std::uint32_t>(head, 12);
    if (id + overflow >= seen_.size()) Fail(StrCat("page ", id, ": overflow past pgid"));
    for (std::uint64_t p = id; p <= id + overflow; ++p) {
      if (seen_[p]) Fail(StrCat("page ", p, " referenced twice"));
      seen_[p] = true;
    }
    out_.overflow_pages += overflow;
    return file_.substr(id * ps_, (std::size_t{overflow} + 1) * ps_);
  }

  // Reads the leaf elements of `node` (a page, or an inline bucket's fake page) into `into`.
  void ReadLeaf(std::string_view node, BucketTree& into, std::string* last,
                std::vector<std::string>* order) {
    std::uint16_t count = Load<std::uint16_t>(node, 10);
    std::size_t data_end = 16 + 16 * std::size_t{count};
    for (std::size_t i = 0; i < count; ++i) {
      std::size_t elem = 16 + 16 * i;
      std::uint32_t flags = Load<std::uint32_t>(node, elem);
      std::size_t pos = Load<std::uint32_t>(node, elem + 4);
      std::size_t ksize = Load<std::uint32_t>(node, elem + 8);
      std::size_t vsize = Load<std::uint32_t>(node, elem + 12);
      if (pos != data_end - elem) Fail("leaf data not packed in element order");
      if (elem + pos + ksize + vsize > node.size()) Fail("leaf element past the node");
      std::string_view key = node.substr(elem + pos, ksize);
      std::string_view value = node.substr(elem + pos + ksize, vsize);
      data_end += ksize + vsize;
      if (key.empty()) Fail("empty key");
      if (!last->empty() && Compare(*last, key) >= 0) Fail("keys not strictly increasing");
      *last = std::string(key);
      if (order) order->push_back(*last);
      if (flags == 0) {
        into.values.emplace(key, value);
      } else if (flags == 1) {
        ReadBucket(value, into.buckets[std::string(key)]);
      } else {
        Fail(StrCat("leaf element flags ", flags));
      }
    }
    for (std::size_t i = data_end; i < node.size(); ++i) {
      if (node[i] != 0) Fail("node padding not zero");
    }
  }

  void ReadBucket(std::string_view value, BucketTree& into) {
    if (value.size() < 16) Fail("short bucket value");
    std::uint64_t root = Load<std::uint64_t>(value, 0);
    if (Load<std::uint64_t>(value, 8) != 0) Fail("bucket sequence");
    if (root != 0) {
      if (value.size() != 16) Fail("bucket header with trailing bytes");
      out_.page_buckets++;
      out_.max_depth = std::max(out_.max_depth, Walk(root, into, {}, nullptr, 1, nullptr));
      return;
    }
    std::string_view page = value.substr(16);
    if (page.size() < 16 || Load<std::uint64_t>(page, 0) != 0 ||
        Load<std::uint16_t>(page, 8) != 0x02 || Load<std::uint32_t>(page, 12) != 0) {
      Fail("inline bucket page header");
    }
    if (page.size() > ps_ / 4) Fail("inline bucket larger than a quarter page");
    out_.inline_buckets++;
    std::string last;
    ReadLeaf(page, into, &last, nullptr);
    if (!into.buckets.empty()) Fail("inline bucket with sub-buckets");
  }

  // Walks the page tree at `id`; `first` (if set) must equal the node's first key and
  // `bucket_last` carries the previous key across leaves. Returns the depth.
  int Walk(std::uint64_t id, BucketTree& into, std::string_view first, std::string* bucket_last,
           int depth, std::vector<std::string>* order) {
    std::string local_last;
    std::string* last = bucket_last ? bucket_last : &local_last;
    std::string_view node = Node(id, 0x03);
    std::uint16_t flags = Load<std::uint16_t>(node, 8);
    std::uint16_t count = Load<std::uint16_t>(node, 10);
    if (count == 0 && (flags != 0x02 || depth != 1)) Fail(StrCat("page ", id, ": empty node"));
    if (flags == 0x02) {
      out_.leaf_pages++;
      if (!first.empty() && Compare(first, node.substr(16 + Load<std::uint32_t>(node, 20),
                                                      Load<std::uint32_t>(node, 24))) != 0) {
        Fail(StrCat("page ", id, ": branch key differs from the leaf's first key"));
      }
      ReadLeaf(node, into, last, order);
      return depth;
    }
    out_.branch_pages++;
    int deepest = depth;
    std::size_t data_end = 16 + 16 * std::size_t{count};
    std::string prev;
    for (std::size_t i = 0; i < count; ++i) {
      std::size_t elem = 16 + 16 * i;
      std::size_t pos = Load<std::uint32_t>(node, elem);
      std::size_t ksize = Load<std::uint32_t>(node, elem + 4);
      std::uint64_t child = Load<std::uint64_t>(node, elem + 8);
      if (pos != data_end - elem || elem + pos + ksize > node.size()) Fail("branch element");
      data_end += ksize;
      std::string_view key = node.substr(elem + pos, ksize);
      if (i == 0 && !first.empty() && Compare(first, key) != 0) Fail("branch first key");
      if (key.empty() || (i > 0 && Compare(prev, key) >= 0)) Fail("branch keys out of order");
      prev = std::string(key);
      deepest = std::max(deepest, Walk(child, into, key, last, depth + 1, order));
    }
    for (std::size_t i = data_end; i < node.size(); ++i) {
      if (node[i] != 0) Fail("branch padding not zero");
    }
    return deepest;
  }

  std::string_view file_;
  std::size_t ps_ = 4096;
  std::vector<bool> seen_;
  ParsedBolt out_;
};

}  // namespace

std::uint64_t TestFnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

ParsedBolt ParseBolt(std::string_view file) { return Parser(file).Run(); }

std::string TreeDiff(const BucketTree& want, const BucketTree& got, const std::string& path) {
  if (want.values.size() != got.values.size()) {
    return StrCat(path, ": ", want.values.size(), " values, got ", got.values.size());
  }
  for (auto w = want.values.begin(), g = got.values.begin(); w != want.values.end(); ++w, ++g) {
    if (w->first != g->first) return StrCat(path, ": key ", w->first, ", got ", g->first);
    if (w->second != g->second) return StrCat(path, "/", w->first, ": value differs");
  }
  if (want.buckets.size() != got.buckets.size()) {
    return StrCat(path, ": ", want.buckets.size(), " buckets, got ", got.buckets.size());
  }
  for (auto w = want.buckets.begin(), g = got.buckets.begin(); w != want.buckets.end(); ++w, ++g) {
    if (w->first != g->first) return StrCat(path, ": bucket ", w->first, ", got ", g->first);
    std::string d = TreeDiff(w->second, g->second, StrCat(path, "/", w->first));
    if (!d.empty()) return d;
  }
  return "";
}

}  // namespace ec::trivy::testing
