#include "oci/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "oci/io.h"
#include "oci/limits.h"
#include "status.h"
#include "support/test_support.h"

namespace ec::oci {
namespace {

namespace fs = std::filesystem;

using ec::testing::ReadFile;
using ec::testing::TempDir;
using ec::testing::WriteFile;

std::string Pattern(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::mt19937 gen(seed);
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

std::string ReadEntry(const fs::path& tar, const TarEntryLocation& location) {
  auto reader = FileReader::Open(tar, location.offset, location.size);
  REQUIRE(reader.ok());
  auto bytes = ReadAll(**reader, 64u << 20, "entry");
  REQUIRE(bytes.ok());
  return *bytes;
}

std::vector<std::string> DirectoryListing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// An entry of a hand-made tar, written with libarchive directly (to build hostile archives).
struct RawEntry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string data;
  std::string symlink;
  std::string hardlink;
};

RawEntry File(std::string name, std::string data = "") {
  return {std::move(name), AE_IFREG, std::move(data), "", ""};
}
RawEntry Special(std::string name, mode_t type) { return {std::move(name), type, "", "", ""}; }
RawEntry Symlink(std::string name, std::string target) {
  return {std::move(name), AE_IFLNK, "", std::move(target), ""};
}
RawEntry Hardlink(std::string name, std::string target) {
  return {std::move(name), AE_IFREG, "", "", std::move(target)};
}

void WriteRawTar(const fs::path& path, const std::vector<RawEntry>& entries) {
  archive* a = archive_write_new();
  REQUIRE(a != nullptr);
  REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  for (const RawEntry& raw : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, raw.name.c_str());
    archive_entry_set_filetype(e, raw.type);
    archive_entry_set_perm(e, 0644);
    if (!raw.symlink.empty()) archive_entry_copy_symlink(e, raw.symlink.c_str());
    if (!raw.hardlink.empty()) archive_entry_copy_hardlink(e, raw.hardlink.c_str());
    if (raw.type == AE_IFCHR) archive_entry_set_rdev(e, makedev(1, 3));
    archive_entry_set_size(e, raw.type == AE_IFREG && raw.hardlink.empty()
                                  ? static_cast<la_int64_t>(raw.data.size())
                                  : 0);
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (!raw.data.empty()) {
      REQUIRE(archive_write_data(a, raw.data.data(), raw.data.size()) ==
              static_cast<la_ssize_t>(raw.data.size()));
    }
    archive_entry_free(e);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
}

struct ListedEntry {
  std::string name;
  mode_t type;
  mode_t perm;
  std::int64_t mtime;
  std::int64_t uid;
  std::int64_t gid;
  bool has_uname;
  bool has_gname;
  bool has_atime;
  bool has_ctime;
};

std::vector<ListedEntry> ListTar(const fs::path& path) {
  std::vector<ListedEntry> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, path.c_str(), 1 << 16) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    const char* uname = archive_entry_uname(e);
    const char* gname = archive_entry_gname(e);
    out.push_back({archive_entry_pathname(e), archive_entry_filetype(e), archive_entry_perm(e),
                   archive_entry_mtime(e), archive_entry_uid(e), archive_entry_gid(e),
                   uname != nullptr && *uname != '\0', gname != nullptr && *gname != '\0',
                   archive_entry_atime_is_set(e) != 0, archive_entry_ctime_is_set(e) != 0});
  }
  archive_read_free(a);
  return out;
}

// The entries used by the round-trip tests, with their expected contents by name.
struct Fixture {
  std::vector<TarWriteEntry> entries;
  std::map<std::string, std::string> contents;
};

Fixture MakeFixture(const TempDir& dir) {
  Fixture f;
  auto add_bytes = [&](std::string name, std::string bytes) {
    f.contents[name] = bytes;
    f.entries.push_back(
        {.name = std::move(name), .bytes = std::move(bytes), .source = {}, .size = 0});
  };
  auto add_source = [&](std::string name, std::size_t size, unsigned seed) {
    std::string bytes = Pattern(size, seed);
    fs::path source = dir / StrCat("source-", seed);
    WriteFile(source, bytes);
    f.contents[name] = bytes;
    f.entries.push_back({.name = std::move(name),
                         .bytes = std::nullopt,
                         .source = source,
                         .size = static_cast<std::int64_t>(size)});
  };
  add_bytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  add_bytes("index.json", R"({"schemaVersion":2,"manifests":[]})");
  add_bytes("empty", "");
  add_bytes("blobs/sha256/" + std::string(64, 'e'), Pattern(512, 1));
  add_source("blobs/sha256/" + std::string(64, 'a'), 1000, 2);
  add_source("blobs/sha256/" + std::string(64, 'b'), 513, 3);
  add_source("blobs/sha256/" + std::string(64, 'c'), 1, 4);
  // A last component longer than 100 bytes cannot use the ustar prefix: needs a pax header.
  add_source("blobs/sha256/" + std::string(150, 'd'), 511, 5);
  // Longer than 100 bytes in all, but splittable into ustar prefix and name.
  add_bytes(std::string(90, 'p') + "/" + std::string(40, 'q'), Pattern(700, 6));
  // Several copy buffers long, and not a multiple of 512.
  add_source("blobs/sha512/" + std::string(128, 'f'), 2 * kCopyBufferBytes + 777, 7);
  return f;
}

void RequireIndexMatches(const fs::path& tar, const std::map<std::string, std::string>& contents) {
  auto index = TarIndex::Build(tar);
  REQUIRE(index.ok());
  REQUIRE(index->entries().size() == contents.size());
  for (const auto& [name, bytes] : contents) {
    INFO("entry " << name);
    std::optional<TarEntryLocation> location = index->Find(name);
    REQUIRE(location.has_value());
    CHECK(location->size == static_cast<std::int64_t>(bytes.size()));
    CHECK(location->offset % 512 == 0);
    CHECK(ReadEntry(tar, *location) == bytes);
  }
}

Status BuildStatus(const fs::path& tar) { return TarIndex::Build(tar).status(); }

TEST_CASE("a written tar indexes back to every entry's exact bytes", "[oci][tar]") {
  TempDir dir;
  Fixture f = MakeFixture(dir);
  fs::path tar = dir / "out.tar";
  REQUIRE(WriteDeterministicTar(tar, f.entries, TarCompression::kNone).ok());
  RequireIndexMatches(tar, f.contents);

  auto index = TarIndex::Build(tar);
  REQUIRE(index.ok());
  CHECK(index->Find("./index.json") == index->Find("index.json"));
  CHECK_FALSE(index->Find("blobs").has_value());
  CHECK_FALSE(index->Find("blobs/").has_value());
  CHECK_FALSE(index->Find("missing").has_value());
}

TEST_CASE("the writer emits sorted entries, parent directories first, with fixed metadata",
          "[oci][tar]") {
  TempDir dir;
  std::vector<TarWriteEntry> entries = {
      {.name = "index.json", .bytes = "{}", .source = {}, .size = 0},
      {.name = "blobs/sha256/aa", .bytes = "x", .source = {}, .size = 0},
      {.name = "oci-layout", .bytes = "{}", .source = {}, .size = 0},
      {.name = "blobs/sha512/bb", .bytes = "y", .source = {}, .size = 0},
  };
  fs::path tar = dir / "out.tar";
  REQUIRE(WriteDeterministicTar(tar, entries, TarCompression::kNone).ok());
  std::vector<ListedEntry> listed = ListTar(tar);
  std::vector<std::string> names;
  for (const ListedEntry& e : listed) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"blobs/", "blobs/sha256/", "blobs/sha256/aa",
                                          "blobs/sha512/", "blobs/sha512/bb", "index.json",
                                          "oci-layout"});
  for (const ListedEntry& e : listed) {
    INFO("entry " << e.name);
    bool is_dir = e.name.ends_with('/');
    CHECK(e.type == (is_dir ? AE_IFDIR : AE_IFREG));
    CHECK(e.perm == (is_dir ? 0755 : 0644));
    CHECK(e.mtime == 0);
    CHECK(e.uid == 0);
    CHECK(e.gid == 0);
    CHECK_FALSE(e.has_uname);
    CHECK_FALSE(e.has_gname);
    CHECK_FALSE(e.has_atime);
    CHECK_FALSE(e.has_ctime);
  }
  // No padding beyond the two end-of-archive records.
  CHECK(fs::file_size(tar) == 512 * (7 + 4) + 1024);
}

TEST_CASE("the same entries give byte-identical tars whatever their order", "[oci][tar]") {
  TempDir dir;
  Fixture f = MakeFixture(dir);
  for (TarCompression compression : {TarCompression::kNone, TarCompression::kZstd}) {
    INFO("zstd " << (compression == TarCompression::kZstd));
    fs::path first = dir / "first.tar";
    REQUIRE(WriteDeterministicTar(first, f.entries, compression).ok());
    std::string first_bytes = ReadFile(first);
    std::mt19937 gen(42);
    for (int round = 0; round < 3; ++round) {
      std::vector<TarWriteEntry> shuffled = f.entries;
      std::shuffle(shuffled.begin(), shuffled.end(), gen);
      fs::path again = dir / "again.tar";
      REQUIRE(WriteDeterministicTar(again, shuffled, compression).ok());
      CHECK(ReadFile(again) == first_bytes);
    }
    // Nothing identifying the writing process leaks into the archive.
    CHECK(first_bytes.find(StrCat("PaxHeader.", ::getpid())) == std::string::npos);
  }
}

TEST_CASE("a zstd tar is detected, decompressed and indexed", "[oci][tar]") {
  TempDir dir;
  Fixture f = MakeFixture(dir);
  fs::path plain = dir / "plain.tar";
  fs::path compressed = dir / "out.tar.zst";
  fs::path decompressed = dir / "decompressed.tar";
  REQUIRE(WriteDeterministicTar(plain, f.entries, TarCompression::kNone).ok());
  REQUIRE(WriteDeterministicTar(compressed, f.entries, TarCompression::kZstd).ok());
  CHECK(fs::file_size(compressed) < fs::file_size(plain));

  auto plain_kind = DetectTarCompression(plain);
  REQUIRE(plain_kind.ok());
  CHECK(*plain_kind == TarCompression::kNone);
  auto kind = DetectTarCompression(compressed);
  REQUIRE(kind.ok());
  CHECK(*kind == TarCompression::kZstd);

  Status indexed_compressed = BuildStatus(compressed);
  CHECK(indexed_compressed.code() == Code::kInvalidArgument);
  CHECK_THAT(indexed_compressed.message(),
             Catch::Contains("is zstd-compressed; decompress it before indexing"));

  REQUIRE(DecompressZstdFile(compressed, decompressed).ok());
  CHECK(ReadFile(decompressed) == ReadFile(plain));
  RequireIndexMatches(decompressed, f.contents);
}

TEST_CASE("compression is detected by magic bytes, not by file name", "[oci][tar]") {
  TempDir dir;
  WriteFile(dir / "looks.tar", std::string("\x28\xb5\x2f\xfd", 4) + "rest");
  WriteFile(dir / "looks.tar.zst", "plain");
  WriteFile(dir / "tiny", "\x28\xb5");
  CHECK(*DetectTarCompression(dir / "looks.tar") == TarCompression::kZstd);
  CHECK(*DetectTarCompression(dir / "looks.tar.zst") == TarCompression::kNone);
  CHECK(*DetectTarCompression(dir / "tiny") == TarCompression::kNone);
  auto missing = DetectTarCompression(dir / "missing");
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains("missing"));
}

TEST_CASE("decompressing rejects plain and truncated zstd files", "[oci][tar]") {
  TempDir dir;
  Fixture f = MakeFixture(dir);
  fs::path compressed = dir / "out.tar.zst";
  REQUIRE(WriteDeterministicTar(compressed, f.entries, TarCompression::kZstd).ok());

  fs::path plain = dir / "plain.tar";
  WriteFile(plain, "not compressed at all");
  Status not_zstd = DecompressZstdFile(plain, dir / "x.tar");
  CHECK(not_zstd.code() == Code::kInvalidArgument);
  CHECK(not_zstd.message() == StrCat("file ", plain.string(), " is not zstd-compressed"));

  fs::resize_file(compressed, fs::file_size(compressed) / 2);
  Status truncated = DecompressZstdFile(compressed, dir / "x.tar");
  CHECK(truncated.code() == Code::kDataLoss);
  CHECK(truncated.message() == StrCat("zstd file ", compressed.string(),
                                      ": truncated or corrupt: Truncated zstd input"));
  CHECK_FALSE(fs::exists(dir / "x.tar"));
  // Nothing left behind: no temporary file next to the destination.
  for (const std::string& name : DirectoryListing(dir.path())) {
    CHECK(name.find(".tmp-") == std::string::npos);
  }
}

TEST_CASE("the index rejects unsafe entry names", "[oci][tar]") {
  TempDir dir;
  struct Case {
    std::string name;
    std::string want;
  };
  std::vector<Case> cases = {
      {"../evil", "entry \"../evil\" has a \"..\" component"},
      {"blobs/../../evil", "entry \"blobs/../../evil\" has a \"..\" component"},
      {"./../evil", "entry \"./../evil\" has a \"..\" component"},
      {"/abs", "entry \"/abs\" has an absolute name"},
      {"a//b", "entry \"a//b\" has an empty or \".\" component"},
      {"a/./b", "entry \"a/./b\" has an empty or \".\" component"},
  };
  for (const Case& c : cases) {
    INFO("name " << c.name);
    fs::path tar = dir / "bad.tar";
    WriteRawTar(tar, {File("ok", "fine"), File(c.name, "pwned")});
    Status s = BuildStatus(tar);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() == StrCat("archive ", tar.string(), ": ", c.want));
  }
}

TEST_CASE("the index rejects symlinks and hard links", "[oci][tar]") {
  TempDir dir;
  fs::path symlink_tar = dir / "symlink.tar";
  WriteRawTar(symlink_tar, {File("target", "x"),
                            Symlink("link", "/etc/passwd")});
  Status s = BuildStatus(symlink_tar);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() ==
        StrCat("archive ", symlink_tar.string(),
               ": entry \"link\" is a link; links are not allowed in an OCI archive"));

  fs::path hardlink_tar = dir / "hardlink.tar";
  WriteRawTar(hardlink_tar,
              {File("target", "x"), Hardlink("hard", "target")});
  Status h = BuildStatus(hardlink_tar);
  CHECK(h.code() == Code::kInvalidArgument);
  CHECK(h.message() ==
        StrCat("archive ", hardlink_tar.string(),
               ": entry \"hard\" is a link; links are not allowed in an OCI archive"));
}

TEST_CASE("the index rejects device nodes and fifos but skips directories", "[oci][tar]") {
  TempDir dir;
  fs::path device = dir / "device.tar";
  WriteRawTar(device, {Special("dev/null", AE_IFCHR)});
  Status d = BuildStatus(device);
  CHECK(d.code() == Code::kInvalidArgument);
  CHECK_THAT(d.message(), Catch::Contains("entry \"dev/null\" is a device node"));

  fs::path fifo = dir / "fifo.tar";
  WriteRawTar(fifo, {Special("pipe", AE_IFIFO)});
  Status p = BuildStatus(fifo);
  CHECK(p.code() == Code::kInvalidArgument);
  CHECK_THAT(p.message(), Catch::Contains("entry \"pipe\" is a fifo"));

  fs::path dirs = dir / "dirs.tar";
  WriteRawTar(dirs, {Special("./", AE_IFDIR),
                     Special("./blobs/", AE_IFDIR),
                     File("./blobs/x", "hello")});
  auto index = TarIndex::Build(dirs);
  REQUIRE(index.ok());
  REQUIRE(index->entries().size() == 1);
  REQUIRE(index->entries().begin()->first == "blobs/x");
  CHECK(ReadEntry(dirs, index->entries().begin()->second) == "hello");
}

TEST_CASE("the index rejects duplicate file names", "[oci][tar]") {
  TempDir dir;
  fs::path tar = dir / "dup.tar";
  WriteRawTar(tar, {File("index.json", "one"), File("./index.json", "two")});
  Status s = BuildStatus(tar);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() ==
        StrCat("archive ", tar.string(),
               ": entry \"./index.json\" is a duplicate; a file may appear only once"));
}

TEST_CASE("the index enforces its entry limit", "[oci][tar]") {
  TempDir dir;
  fs::path tar = dir / "many.tar";
  WriteRawTar(tar, {File("a", "1"), File("b", "2"), File("c")});
  CHECK(TarIndex::Build(tar, 3).ok());
  Status s = TarIndex::Build(tar, 2).status();
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() == StrCat("archive ", tar.string(), ": more than 2 entries; the limit is 2"));
}

TEST_CASE("the index rejects truncated and corrupt tars", "[oci][tar]") {
  TempDir dir;
  std::string big = Pattern(5000, 9);
  fs::path tar = dir / "t.tar";
  std::vector<TarWriteEntry> entries = {
      {.name = "a", .bytes = "first", .source = {}, .size = 0},
      {.name = "b", .bytes = big, .source = {}, .size = 0},
      {.name = "c", .bytes = "last", .source = {}, .size = 0},
  };
  REQUIRE(WriteDeterministicTar(tar, entries, TarCompression::kNone).ok());
  auto index = TarIndex::Build(tar);
  REQUIRE(index.ok());
  TarEntryLocation b = *index->Find("b");

  SECTION("cut in the middle of an entry's data") {
    fs::resize_file(tar, static_cast<std::uintmax_t>(b.offset + 100));
    Status s = BuildStatus(tar);
    CHECK(s.code() == Code::kDataLoss);
    CHECK_THAT(s.message(), Catch::StartsWith(StrCat("archive ", tar.string(),
                                                     ": truncated or corrupt: ")));
    CHECK_THAT(s.message(), Catch::EndsWith("Truncated input file (needed 5120 bytes, only 100 "
                                            "available)"));
  }
  SECTION("cut in the middle of a header") {
    fs::resize_file(tar, static_cast<std::uintmax_t>(b.offset - 200));
    Status s = BuildStatus(tar);
    CHECK(s.code() == Code::kDataLoss);
    CHECK(s.message() ==
          StrCat("archive ", tar.string(), ": truncated or corrupt: Truncated tar archive"));
  }
  SECTION("a damaged header checksum") {
    std::string bytes = ReadFile(tar);
    bytes[static_cast<std::size_t>(b.offset - 512)] ^= 0x01;  // first byte of b's name
    WriteFile(tar, bytes);
    Status s = BuildStatus(tar);
    CHECK(s.code() == Code::kDataLoss);
    CHECK_THAT(s.message(), Catch::Contains("truncated or corrupt: Damaged tar archive"));
  }
  SECTION("not a tar at all") {
    WriteFile(tar, std::string(2000, 'x'));
    Status s = BuildStatus(tar);
    CHECK(s.code() == Code::kDataLoss);
    CHECK_THAT(s.message(), Catch::Contains("truncated or corrupt"));
  }
}

TEST_CASE("the writer rejects a source whose length differs from its size", "[oci][tar]") {
  TempDir dir;
  fs::path source = dir / "source";
  WriteFile(source, Pattern(3000, 11));
  fs::path tar = dir / "out.tar";
  for (std::int64_t declared : {2999, 3001}) {
    INFO("declared " << declared);
    std::vector<TarWriteEntry> entries = {
        {.name = "blob", .bytes = std::nullopt, .source = source, .size = declared},
    };
    Status s = WriteDeterministicTar(tar, entries, TarCompression::kNone);
    CHECK(s.code() == Code::kDataLoss);
    CHECK_THAT(s.message(),
               Catch::StartsWith(StrCat("tar ", tar.string(), ": entry \"blob\": source ",
                                        source.string())));
    CHECK_THAT(s.message(), Catch::Contains(declared < 3000 ? "got more than 2999 bytes, want 2999"
                                                            : "got 3000 bytes, want 3001"));
    CHECK(DirectoryListing(dir.path()) == std::vector<std::string>{"source"});
  }

  std::vector<TarWriteEntry> missing = {
      {.name = "blob", .bytes = std::nullopt, .source = dir / "nope", .size = 1},
  };
  Status m = WriteDeterministicTar(tar, missing, TarCompression::kZstd);
  CHECK(m.code() == Code::kNotFound);
  CHECK(DirectoryListing(dir.path()) == std::vector<std::string>{"source"});
}

TEST_CASE("the writer rejects unsafe, duplicate and clashing names", "[oci][tar]") {
  TempDir dir;
  fs::path tar = dir / "out.tar";
  auto write = [&](std::vector<std::string> names) {
    std::vector<TarWriteEntry> entries;
    for (std::string& n : names) {
      entries.push_back({.name = std::move(n), .bytes = "x", .source = {}, .size = 0});
    }
    return WriteDeterministicTar(tar, std::move(entries), TarCompression::kNone);
  };
  std::string prefix = StrCat("tar ", tar.string(), ": ");
  CHECK(write({""}).message() == prefix + "entry with an empty name");
  CHECK(write({"/abs"}).message() == prefix + "entry \"/abs\" has an absolute name");
  CHECK(write({"../x"}).message() ==
        prefix + "entry \"../x\" has an empty, \".\" or \"..\" component");
  CHECK(write({"a/"}).message() == prefix + "entry \"a/\" has an empty, \".\" or \"..\" component");
  CHECK(write({"a", "b", "a"}).message() == prefix + "entry \"a\" is given more than once");
  CHECK(write({"blobs", "blobs/x"}).message() ==
        prefix + "entry \"blobs\" is both a file and the directory of other entries");
  CHECK(write({"a"}).ok());

  std::vector<TarWriteEntry> mismatch = {{.name = "a", .bytes = "abc", .source = {}, .size = 2}};
  Status s = WriteDeterministicTar(tar, mismatch, TarCompression::kNone);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() == prefix + "entry \"a\": size does not match its bytes; got 2, want 3");
}

TEST_CASE("an empty entry list gives an empty tar that indexes to nothing", "[oci][tar]") {
  TempDir dir;
  fs::path tar = dir / "empty.tar";
  REQUIRE(WriteDeterministicTar(tar, {}, TarCompression::kNone).ok());
  CHECK(fs::file_size(tar) == 1024);
  auto index = TarIndex::Build(tar);
  REQUIRE(index.ok());
  CHECK(index->entries().empty());
}

}  // namespace
TEST_CASE("an entry can be a byte range of another file, plain or compressed", "[oci][tar]") {
  TempDir dir;
  fs::path source = dir / "source";
  std::string bytes = Pattern(100000, 5);
  WriteFile(source, bytes);
  std::vector<TarWriteEntry> entries = {
      {.name = "blobs/range", .bytes = std::nullopt, .source = source, .size = 4321,
       .source_offset = 777},
  };
  for (TarCompression c : {TarCompression::kNone, TarCompression::kZstd}) {
    fs::path tar = dir / (c == TarCompression::kNone ? "out.tar" : "out.tar.zst");
    REQUIRE(WriteDeterministicTar(tar, entries, c).ok());
    fs::path plain = tar;
    if (c == TarCompression::kZstd) {
      plain = dir / "decompressed.tar";
      REQUIRE(DecompressZstdFile(tar, plain).ok());
      CHECK(ReadFile(plain) == ReadFile(dir / "out.tar"));
    }
    auto index = TarIndex::Build(plain);
    REQUIRE(index.ok());
    auto loc = index->Find("blobs/range");
    REQUIRE(loc);
    CHECK(ReadFile(plain).substr(static_cast<std::size_t>(loc->offset), 4321) == bytes.substr(777, 4321));
  }
  entries[0].source_offset = 99000;  // runs past the end of the source
  Status s = WriteDeterministicTar(dir / "short.tar", entries, TarCompression::kNone);
  CHECK(s.code() == Code::kDataLoss);
  CHECK_THAT(s.message(), Catch::EndsWith("got 1000 bytes, want 4321"));
}

}  // namespace ec::oci
