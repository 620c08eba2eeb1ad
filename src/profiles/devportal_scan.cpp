#include "profiles/devportal_scan.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include "oci/digest.h"
#include "oci/io.h"
#include "oci/limits.h"

namespace ec::profiles {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kCategories = {"changelog", "portal", "sdks", "specs"};
constexpr std::string_view kAllowedFolders = "portal/, specs/, sdks/<name>/, changelog/";

// `name` in double quotes, with bytes that would garble a message escaped as \xNN.
std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (unsigned char c : name) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string_view TypeProblem(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo:
      return "is a fifo";
    case fs::file_type::socket:
      return "is a socket";
    case fs::file_type::block:
    case fs::file_type::character:
      return "is a device node";
    default:
      return "has an unsupported file type";
  }
}

class Walker {
 public:
  Walker(const fs::path& source, const DevportalScanLimits& limits)
      : source_(source), where_(StrCat("devportal source ", source.string())), limits_(limits) {}

  // Visits the children of `dir` (`rel` relative to the source, "" for the source itself).
  Status Walk(const fs::path& dir, const std::string& rel, int depth, std::string_view category) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) {
      return Unavailable(StrCat(where_, ": cannot list ", Quoted(rel.empty() ? "." : rel), ": ",
                                ec.message()));
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string child = rel.empty() ? name : StrCat(rel, "/", name);
      EC_RETURN_IF_ERROR(Visit(dir / name, child, depth, category.empty() ? name : category));
    }
    return OkStatus();
  }

  Result<std::vector<DevportalEntry>> Finish() && {
    if (entries_.empty()) {
      return InvalidArgument(StrCat(where_, " holds no files; put the inputs under ",
                                    kAllowedFolders));
    }
    // The walk sorts each folder's names; whole paths sort differently ("a-b/x" < "a/x").
    std::sort(entries_.begin(), entries_.end(),
              [](const DevportalEntry& x, const DevportalEntry& y) { return x.path < y.path; });
    return std::move(entries_);
  }

 private:
  Status Visit(const fs::path& path, const std::string& rel, int depth, std::string_view category) {
    auto at = [&](std::string_view shown) { return StrCat(where_, ": ", Quoted(shown)); };
    if (rel.find("..") != std::string::npos) {
      return InvalidArgument(StrCat(at(rel), " contains \"..\"; such names are refused"));
    }
    if (!IsPortableDevportalName(rel)) {
      return InvalidArgument(StrCat(at(rel),
                                    " has a non-portable name; allowed characters are "
                                    "A-Z a-z 0-9 . _ - and / between folders"));
    }
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (ec) return Unavailable(StrCat(at(rel), ": cannot stat: ", ec.message()));
    const fs::file_type type = st.type();
    if (type == fs::file_type::symlink) {
      return InvalidArgument(StrCat(at(rel), " is a symlink; symlinks are refused, copy the "
                                             "file or folder into the source instead"));
    }
    if (type != fs::file_type::regular && type != fs::file_type::directory) {
      return InvalidArgument(StrCat(at(rel), " ", TypeProblem(type),
                                    "; only regular files and folders are allowed"));
    }
    const bool is_dir = type == fs::file_type::directory;
    if (depth == 0) {
      bool known = std::find(kCategories.begin(), kCategories.end(), rel) != kCategories.end();
      if (!known && is_dir) {
        return InvalidArgument(StrCat(at(rel + "/"), " is not an allowed folder; inputs go under ",
                                      kAllowedFolders));
      }
      if (!known) {
        return InvalidArgument(StrCat(at(rel), " is outside the allowed folders ",
                                      kAllowedFolders));
      }
      if (!is_dir) {
        return InvalidArgument(StrCat(at(rel), " is a file; it must be a folder"));
      }
    }
    if (is_dir) {
      if (depth + 1 > limits_.max_depth) {
        return InvalidArgument(StrCat(at(rel + "/"), " is nested more than ", limits_.max_depth,
                                      " folders deep"));
      }
      return Walk(path, rel, depth + 1, category);
    }
    if (category == "sdks" && depth == 1) {
      return InvalidArgument(StrCat(at(rel), " lies directly in sdks/; SDK files go under "
                                             "sdks/<name>/"));
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return Unavailable(StrCat(at(rel), ": cannot stat: ", ec.message()));
    if (entries_.size() >= limits_.max_files) {
      return InvalidArgument(StrCat(where_, ": more than ", limits_.max_files,
                                    " files (the limit); reached at ", Quoted(rel)));
    }
    total_ += static_cast<std::int64_t>(size);
    if (total_ > limits_.max_total_bytes) {
      return InvalidArgument(StrCat(where_, ": more than ", limits_.max_total_bytes,
                                    " bytes in total (the limit); reached at ", Quoted(rel)));
    }
    DevportalEntry entry;
    entry.category = std::string(category);
    entry.path = rel;
    entry.file = path;
    entry.size = static_cast<std::int64_t>(size);
    if (category == "sdks") entry.sdk = rel.substr(5, rel.find('/', 5) - 5);
    entries_.push_back(std::move(entry));
    return OkStatus();
  }

  fs::path source_;
  std::string where_;
  DevportalScanLimits limits_;
  std::vector<DevportalEntry> entries_;
  std::int64_t total_ = 0;
};

// Hashes `entry`'s file by streaming it through `buf`; the file must still be the regular
// file of the recorded size (opened without following a symlink swapped in since the scan).
Status HashEntry(const std::string& where, DevportalEntry& entry, std::vector<char>& buf) {
  const std::string what = StrCat(where, ": \"", entry.path, "\"");
  oci::UniqueFd fd(::open(entry.file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    return Unavailable(StrCat(what, ": cannot open: ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Unavailable(StrCat(what, ": cannot stat: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode) || st.st_size != entry.size) {
    return DataLoss(StrCat(what, " changed while the bundle was being written"));
  }
  std::unique_ptr<oci::FileReader> reader = oci::FileReader::FromFd(std::move(fd), what);
  oci::Hasher hasher;
  std::int64_t read = 0;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) break;
    hasher.Update(std::span<const char>(buf.data(), n));
    read += static_cast<std::int64_t>(n);
  }
  if (read != entry.size) {
    return DataLoss(StrCat(what, " changed while the bundle was being written; read ", read,
                           " bytes, want ", entry.size));
  }
  entry.sha256 = hasher.Finish().hex();
  return OkStatus();
}

}  // namespace

bool IsPortableDevportalName(std::string_view name) {
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '/' || c == '-';
  });
}

Result<std::vector<DevportalEntry>> ScanDevportalSource(const fs::path& source,
                                                        const DevportalScanLimits& limits) {
  const std::string where = StrCat("devportal source ", source.string());
  std::error_code ec;
  const fs::file_status st = fs::status(source, ec);
  if (st.type() == fs::file_type::not_found) return NotFound(StrCat(where, " does not exist"));
  if (ec) return Unavailable(StrCat(where, ": cannot stat: ", ec.message()));
  if (st.type() != fs::file_type::directory) {
    return InvalidArgument(StrCat(where, " is not a directory"));
  }
  Walker walker(source, limits);
  EC_RETURN_IF_ERROR(walker.Walk(source, "", 0, ""));
  EC_ASSIGN_OR_RETURN(std::vector<DevportalEntry> entries, std::move(walker).Finish());
  std::vector<char> buf(oci::kCopyBufferBytes);
  for (DevportalEntry& entry : entries) EC_RETURN_IF_ERROR(HashEntry(where, entry, buf));
  return entries;
}

}  // namespace ec::profiles
