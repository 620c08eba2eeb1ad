#include "trivy/jar_scan.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "oci/io.h"

namespace ec::trivy {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPomPropertiesPrefix = "META-INF/maven/";
constexpr std::string_view kPomPropertiesSuffix = "/pom.properties";
constexpr std::string_view kJarExtension = ".jar";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The four hex digits after "\u" at raw[i], or nullopt.
std::optional<std::uint32_t> Hex4(std::string_view raw, std::size_t i) {
  if (i + 4 > raw.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    char c = raw[k];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<std::uint32_t>(d);
  }
  return v;
}

std::string Unescape(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    if (++i == raw.size()) break;  // a lone trailing backslash means nothing
    switch (raw[i]) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        std::optional<std::uint32_t> cp = Hex4(raw, i + 1);
        if (!cp) {
          out += 'u';
          break;
        }
        i += 4;
        if (*cp >= 0xD800 && *cp < 0xDC00 && i + 2 < raw.size() && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          std::optional<std::uint32_t> low = Hex4(raw, i + 3);
          if (low && *low >= 0xDC00 && *low < 0xE000) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(out, *cp >= 0xD800 && *cp < 0xE000 ? 0xFFFD : *cp);
        break;
      }
      default:
        out += raw[i];
    }
  }
  return out;
}

// Joins physical lines into logical ones: drops blank and comment lines and leading blanks,
// and continues a line that ends in an odd number of backslashes.
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continued = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + (end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n' ? 2 : 1);
    while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
    if (!continued && (line.empty() || line.front() == '#' || line.front() == '!')) continue;
    std::size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    continued = backslashes % 2 == 1;
    current.append(continued ? line.substr(0, line.size() - 1) : line);
    if (!continued) {
      lines.push_back(std::move(current));
      current.clear();
    }
  }
  if (continued) lines.push_back(std::move(current));
  return lines;
}

bool IsPomPropertiesPath(std::string_view name) {
  if (!name.starts_with(kPomPropertiesPrefix) || !name.ends_with(kPomPropertiesSuffix))
    return false;
  std::string_view middle = name.substr(kPomPropertiesPrefix.size());
  if (middle.size() <= kPomPropertiesSuffix.size()) return false;
  middle.remove_suffix(kPomPropertiesSuffix.size());  // "<g>/<a>"
  std::size_t slash = middle.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < middle.size() &&
         middle.find('/', slash + 1) == std::string_view::npos;
}

// The file name without ".jar" (or without whatever extension it has).
std::string JarStem(const fs::path& jar) {
  std::string name = jar.filename().string();
  return name.ends_with(kJarExtension) ? name.substr(0, name.size() - kJarExtension.size())
                                       : jar.stem().string();
}

// The classifier `stem` carries after "<artifact>-<version>-", or "" when it has none.
std::string ClassifierFromStem(std::string_view stem, const MavenCoordinates& c) {
  std::string base = StrCat(c.artifact_id, "-", c.version, "-");
  if (stem.size() > base.size() && stem.starts_with(base))
    return std::string(stem.substr(base.size()));
  return "";
}

bool NamesFile(std::string_view stem, const MavenCoordinates& c) {
  std::string base = StrCat(c.artifact_id, "-", c.version);
  return stem == c.artifact_id || stem == base || stem.starts_with(base + "-");
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ArchiveError(archive* a) {
  const char* s = archive_error_string(a);
  return s != nullptr ? s : "unknown error";
}

}  // namespace

std::string HexSha1(const Sha1& sha1) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : sha1) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

Result<Sha1> Sha1OfFile(const fs::path& path) {
  // O_NONBLOCK: a FIFO named *.jar must not hang the build; it is refused below.
  oci::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid())
    return Unavailable(StrCat(path.string(), ": cannot open: ", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Unavailable(StrCat(path.string(), ": cannot stat: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument(StrCat(path.string(), ": not a regular file"));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1) {
    return Internal(StrCat(path.string(), ": cannot start SHA-1"));
  }
  std::vector<char> buf(kHashBufferBytes);
  while (true) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(StrCat(path.string(), ": read error: ", std::strerror(errno)));
    if (n == 0) break;
    if (EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n)) != 1) {
      return Internal(StrCat(path.string(), ": SHA-1 update failed"));
    }
  }
  Sha1 out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return Internal(StrCat(path.string(), ": SHA-1 final failed"));
  }
  return out;
}

std::map<std::string, std::string> ParseProperties(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : LogicalLines(text)) {
    std::size_t i = 0;
    while (i < line.size() && line[i] != '=' && line[i] != ':' && !IsBlank(line[i])) {
      i += line[i] == '\\' ? 2 : 1;
    }
    i = std::min(i, line.size());
    std::string key = Unescape(std::string_view(line).substr(0, i));
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
    while (i < line.size() && IsBlank(line[i])) ++i;
    out[std::move(key)] = Unescape(std::string_view(line).substr(i));
  }
  return out;
}

Result<std::vector<MavenCoordinates>> ReadPomProperties(const fs::path& jar) {
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) return Internal(StrCat(jar.string(), ": cannot allocate an archive reader"));
  // The seekable reader trusts the central directory, as the JVM and Trivy do; the streaming
  // one would stumble on entries whose sizes only follow their data.
  archive_read_support_format_zip_seekable(a.get());
  if (archive_read_open_filename(a.get(), jar.c_str(), kHashBufferBytes) != ARCHIVE_OK) {
    return DataLoss(StrCat(jar.string(), ": not a readable zip archive: ", ArchiveError(a.get())));
  }
  std::vector<MavenCoordinates> out;
  std::size_t entries = 0, poms = 0;
  std::vector<char> buf(16u << 10);
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return DataLoss(
          StrCat(jar.string(), ": not a readable zip archive: ", ArchiveError(a.get())));
    }
    if (++entries > kMaxJarEntries) {
      return InvalidArgument(StrCat(jar.string(), ": more than ", kMaxJarEntries, " entries"));
    }
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr || !IsPomPropertiesPath(name)) continue;  // next_header skips the data
    if (++poms > kMaxPomPropertiesPerJar) {
      return InvalidArgument(
          StrCat(jar.string(), ": more than ", kMaxPomPropertiesPerJar, " pom.properties entries"));
    }
    std::string too_big =
        StrCat(jar.string(), ": ", name, " is larger than ", kMaxPomPropertiesBytes, " bytes");
    if (archive_entry_size_is_set(entry) &&
        archive_entry_size(entry) > static_cast<la_int64_t>(kMaxPomPropertiesBytes)) {
      return InvalidArgument(too_big);
    }
    std::string text;
    while (true) {  // the declared size may lie: the bound holds on what is actually read
      la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) {
        return DataLoss(StrCat(jar.string(), ": cannot read ", name, ": ", ArchiveError(a.get())));
      }
      if (n == 0) break;
      if (text.size() + static_cast<std::size_t>(n) > kMaxPomPropertiesBytes)
        return InvalidArgument(too_big);
      text.append(buf.data(), static_cast<std::size_t>(n));
    }
    std::map<std::string, std::string> props = ParseProperties(text);
    MavenCoordinates c{std::string(TrimAscii(props["groupId"])),
                       std::string(TrimAscii(props["artifactId"])),
                       std::string(TrimAscii(props["version"])), ""};
    if (!c.group_id.empty() && !c.artifact_id.empty() && !c.version.empty())
      out.push_back(std::move(c));
  }
  return out;
}

std::optional<MavenCoordinates> CoordinatesFromRepositoryPath(const fs::path& root,
                                                              const fs::path& jar) {
  fs::path rel = jar.lexically_relative(root);
  std::vector<std::string> parts;
  for (const fs::path& part : rel) parts.push_back(part.string());
  if (parts.size() < 4) return std::nullopt;  // <group...>/<artifact>/<version>/<file>
  for (const std::string& part : parts) {
    if (part.empty() || part == "." || part == "..") return std::nullopt;
  }
  const std::string& file = parts.back();
  if (!file.ends_with(kJarExtension)) return std::nullopt;
  MavenCoordinates c;
  c.artifact_id = parts[parts.size() - 3];
  c.version = parts[parts.size() - 2];
  std::string stem = JarStem(fs::path(file));
  if (stem != StrCat(c.artifact_id, "-", c.version)) {
    c.classifier = ClassifierFromStem(stem, c);
    if (c.classifier.empty()) return std::nullopt;
  }
  for (std::size_t i = 0; i + 3 < parts.size(); ++i) {
    c.group_id += (i == 0 ? "" : ".") + parts[i];
  }
  return c;
}

Result<MavenCoordinates> ChooseCoordinates(const fs::path& jar,
                                           const std::vector<MavenCoordinates>& poms,
                                           const std::optional<MavenCoordinates>& from_path) {
  std::string stem = JarStem(jar);
  if (from_path) {
    for (const MavenCoordinates& pom : poms) {
      if (pom.group_id == from_path->group_id && pom.artifact_id == from_path->artifact_id) {
        MavenCoordinates c = pom;
        c.classifier = from_path->classifier;
        return c;
      }
    }
  }
  const MavenCoordinates* chosen = nullptr;
  if (poms.size() == 1) {
    chosen = &poms.front();
  } else {
    int named = 0;
    for (const MavenCoordinates& pom : poms) {
      if (NamesFile(stem, pom)) {
        chosen = &pom;
        ++named;
      }
    }
    if (named != 1) chosen = nullptr;
  }
  if (chosen != nullptr) {
    MavenCoordinates c = *chosen;
    c.classifier = ClassifierFromStem(stem, c);
    return c;
  }
  if (from_path) return *from_path;
  if (poms.empty()) {
    return InvalidArgument(StrCat(jar.string(),
                                  ": no pom.properties with groupId, artifactId and "
                                  "version, and not in a Maven repository layout"));
  }
  return InvalidArgument(StrCat(jar.string(), ": ", poms.size(),
                                " pom.properties files and none matches the file name"));
}

Result<ScannedJar> ScanJar(const fs::path& root, const fs::path& jar) {
  ScannedJar out;
  out.path = jar;
  EC_ASSIGN_OR_RETURN(out.sha1, Sha1OfFile(jar));
  EC_ASSIGN_OR_RETURN(std::vector<MavenCoordinates> poms, ReadPomProperties(jar));
  EC_ASSIGN_OR_RETURN(out.coordinates,
                      ChooseCoordinates(jar, poms, CoordinatesFromRepositoryPath(root, jar)));
  return out;
}

}  // namespace ec::trivy
