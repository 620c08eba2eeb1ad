#include "service/profile.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <set>
#include <utility>

#include "age/bech32.h"
#include "json/canonical.h"
#include "json/parse.h"
#include "json/yaml.h"
#include "oci/digest.h"
#include "oci/reference.h"

namespace ec::service {
namespace {

using json::Json;

// ---------------------------------------------------------------------------------------
// Kinds and which blocks of spec apply to them.

struct KindInfo {
  ProfileKind kind;
  std::string_view name;
  std::string_view family;
  std::string_view variant;
};

constexpr std::array<KindInfo, 7> kKinds = {{
    {ProfileKind::kJsonRaw, "json:raw", "json", "raw"},
    {ProfileKind::kJsonPolicy, "json:policy", "json", "policy"},
    {ProfileKind::kTrivyDb, "trivy:db", "trivy", "db"},
    {ProfileKind::kTrivyJavaDb, "trivy:java-db", "trivy", "java-db"},
    {ProfileKind::kMirrorFull, "mirror:full", "mirror", "full"},
    {ProfileKind::kMirrorDelta, "mirror:delta", "mirror", "delta"},
    {ProfileKind::kDevportalOffline, "devportal:offline", "devportal", "offline"},
}};

const KindInfo& Info(ProfileKind kind) {
  for (const KindInfo& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[0];
}

using KindSet = unsigned;
constexpr KindSet Bit(ProfileKind k) { return 1u << static_cast<unsigned>(k); }
constexpr KindSet kJsonKinds = Bit(ProfileKind::kJsonRaw) | Bit(ProfileKind::kJsonPolicy);
constexpr KindSet kTrivyKinds = Bit(ProfileKind::kTrivyDb) | Bit(ProfileKind::kTrivyJavaDb);
constexpr KindSet kMirrorKinds = Bit(ProfileKind::kMirrorFull) | Bit(ProfileKind::kMirrorDelta);
constexpr KindSet kAllKinds = (1u << kKinds.size()) - 1;

// "json:raw, json:policy"
std::string KindList(KindSet set) {
  std::string out;
  for (const KindInfo& k : kKinds) {
    if ((set & Bit(k.kind)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

// The blocks of spec after `kind`, in the order they are parsed and written.
struct Block {
  std::string_view field;
  KindSet applies;
  KindSet required;
};

constexpr std::array<Block, 11> kBlocks = {{
    {"selectors", kJsonKinds, 0},
    {"policy", Bit(ProfileKind::kJsonPolicy), Bit(ProfileKind::kJsonPolicy)},
    {"json", kJsonKinds, 0},
    {"trivy", kTrivyKinds, kTrivyKinds},
    {"mirror", kMirrorKinds, kMirrorKinds},
    {"devportal", Bit(ProfileKind::kDevportalOffline), Bit(ProfileKind::kDevportalOffline)},
    {"compression", kJsonKinds | kMirrorKinds, 0},
    {"encryption", kMirrorKinds, 0},
    {"signing", kAllKinds, 0},
    {"distribution", kAllKinds, kAllKinds},
    {"retention", kAllKinds, 0},
}};

// ---------------------------------------------------------------------------------------
// Strict field readers. Paths are dotted ("spec.selectors.kinds[2]"); absent and null are
// the same; YAML gives every scalar as a string, so numbers and booleans are accepted in
// either form.

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

// A value for an error message: short, and never a whole list or mapping.
std::string Shown(const Json& v) {
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a mapping";
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

const Json* Member(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status CheckFields(const Json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) {
    return InvalidArgument(StrCat(path.empty() ? "document" : path, ": got ", obj.type_name(), ", want a mapping"));
  }
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string want;
    for (std::string_view a : allowed) want += want.empty() ? std::string(a) : StrCat(", ", a);
    return InvalidArgument(StrCat(Join(path, key), ": unknown field, want one of ", want));
  }
  return OkStatus();
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A string field: "" when absent; refused when too long or holding control characters.
Result<std::string> Text(const Json& obj, std::string_view key, const std::string& path,
                         std::size_t max_bytes = kMaxPathBytes) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return std::string();
  const std::string at = Join(path, key);
  if (!v->is_string()) return InvalidArgument(StrCat(at, ": got ", v->type_name(), ", want a string"));
  std::string text = v->get<std::string>();
  if (text.size() > max_bytes) {
    return InvalidArgument(StrCat(at, ": ", text.size(), " bytes, want at most ", max_bytes));
  }
  if (HasControl(text)) return InvalidArgument(StrCat(at, ": holds a control character"));
  return text;
}

Result<std::vector<std::string>> TextList(const Json& obj, std::string_view key, const std::string& path,
                                          std::size_t max_items, std::size_t max_bytes = kMaxPathBytes) {
  std::vector<std::string> out;
  const Json* v = Member(obj, key);
  if (v == nullptr) return out;
  const std::string at = Join(path, key);
  if (!v->is_array()) return InvalidArgument(StrCat(at, ": got ", v->type_name(), ", want a list"));
  if (v->size() > max_items) {
    return InvalidArgument(StrCat(at, ": ", v->size(), " items, want at most ", max_items));
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    const std::string item_at = StrCat(at, "[", i, "]");
    if (!item.is_string()) return InvalidArgument(StrCat(item_at, ": got ", item.type_name(), ", want a string"));
    const std::string& text = item.get_ref<const std::string&>();
    if (text.size() > max_bytes) {
      return InvalidArgument(StrCat(item_at, ": ", text.size(), " bytes, want at most ", max_bytes));
    }
    if (HasControl(text)) return InvalidArgument(StrCat(item_at, ": holds a control character"));
    out.push_back(text);
  }
  return out;
}

Result<bool> Bool(const Json& obj, std::string_view key, const std::string& path, bool fallback) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
  return InvalidArgument(StrCat(Join(path, key), ": got ", Shown(*v), ", want true or false"));
}

// An integer in [min, max]; nullopt when absent.
Result<std::optional<std::int64_t>> Integer(const Json& obj, std::string_view key, const std::string& path,
                                            std::int64_t min, std::int64_t max) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return std::optional<std::int64_t>();
  const std::string at = Join(path, key);
  std::int64_t n = 0;
  bool ok = false;
  if (v->is_number_unsigned()) {
    const std::uint64_t u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) return InvalidArgument(StrCat(at, " ", u, ": want ", min, " to ", max));
    n = static_cast<std::int64_t>(u);
    ok = true;
  } else if (v->is_number_integer()) {
    n = v->get<std::int64_t>();
    ok = true;
  } else if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, n);
    ok = !s.empty() && ec == std::errc() && ptr == end;
  }
  if (!ok) return InvalidArgument(StrCat(at, ": got ", Shown(*v), ", want an integer from ", min, " to ", max));
  if (n < min || n > max) return InvalidArgument(StrCat(at, " ", n, ": want ", min, " to ", max));
  return std::optional<std::int64_t>(n);
}

// One of `names`; "" when absent.
Result<std::string> Enum(const Json& obj, std::string_view key, const std::string& path,
                         std::initializer_list<std::string_view> names) {
  EC_ASSIGN_OR_RETURN(std::string text, Text(obj, key, path, 64));
  if (text.empty() && Member(obj, key) == nullptr) return text;
  if (std::find(names.begin(), names.end(), text) != names.end()) return text;
  std::string want;
  for (std::string_view n : names) want += want.empty() ? std::string(n) : StrCat(", ", n);
  return InvalidArgument(StrCat(Join(path, key), " \"", text, "\": want one of ", want));
}

bool IsSlugChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// [a-z0-9] and inner '-', within [min, max] characters.
bool IsSlug(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && s.front() != '-' && s.back() != '-' &&
         std::all_of(s.begin(), s.end(), IsSlugChar);
}

// ---------------------------------------------------------------------------------------
// JSON input: nlohmann keeps the last of duplicate keys; a profile refuses them, as YAML does.

class DuplicateKeyCheck : public nlohmann::json_sax<Json> {
 public:
  const std::string& error() const { return error_; }

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool start_object(std::size_t) override {
    frames_.push_back(Frame{true, NextPath(), {}, 0});
    return true;
  }
  bool key(string_t& name) override {
    Frame& top = frames_.back();
    key_path_ = Join(top.path, name);
    if (!top.keys.insert(name).second) {
      error_ = StrCat(key_path_, ": duplicate key");
      return false;
    }
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    frames_.push_back(Frame{false, NextPath(), {}, 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }

 private:
  struct Frame {
    bool object = false;
    std::string path;
    std::set<std::string> keys;
    std::size_t next = 0;
  };

  // The path of the value that starts now.
  std::string NextPath() {
    if (frames_.empty()) return "";
    Frame& top = frames_.back();
    if (top.object) return key_path_;
    return StrCat(top.path, "[", top.next++, "]");
  }
  bool Scalar() {
    NextPath();
    return true;
  }

  std::vector<Frame> frames_;
  std::string key_path_;
  std::string error_;
};

Result<Json> ReadDocument(std::string_view bytes, std::string_view where) {
  std::size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || bytes[first] != '{') return json::ParseYaml(bytes, where);
  EC_ASSIGN_OR_RETURN(Json doc, json::Parse(bytes, where));
  DuplicateKeyCheck check;
  bool ok = false;
  try {
    ok = Json::sax_parse(bytes.begin(), bytes.end(), &check);
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(where, ": not valid JSON: ", e.what()));
  }
  if (!ok) return InvalidArgument(StrCat(where, ": ", check.error()));
  return doc;
}

// ---------------------------------------------------------------------------------------
// metadata

Status ParseMetadata(const Json& m, ExportProfile& p) {
  const std::string path = "metadata";
  EC_RETURN_IF_ERROR(CheckFields(m, path, {"name", "tenant", "revision", "labels"}));
  EC_ASSIGN_OR_RETURN(p.name, Text(m, "name", path, 256));
  if (p.name.empty()) return InvalidArgument("metadata.name: required");
  if (!IsSlug(p.name, 3, 64)) {
    return InvalidArgument(
        StrCat("metadata.name \"", p.name, "\": want 3-64 characters of a-z, 0-9 and inner '-'"));
  }
  EC_ASSIGN_OR_RETURN(p.tenant, Text(m, "tenant", path, 256));
  if (p.tenant.empty()) return InvalidArgument("metadata.tenant: required");
  // The tenant is also the selectors' tenant: one rule for both ("tenant \"…\": want …").
  if (Status s = evidence::ValidateTenant(p.tenant); !s.ok()) return InvalidArgument(StrCat("metadata.", s.message()));
  EC_ASSIGN_OR_RETURN(p.revision, Text(m, "revision", path, 256));
  if (p.revision.empty()) p.revision = "r1";
  const std::string_view digits = std::string_view(p.revision).substr(1);
  if (p.revision[0] != 'r' || digits.empty() || digits.size() > 9 || digits[0] == '0' ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return InvalidArgument(StrCat("metadata.revision \"", p.revision, "\": want r<N> with N >= 1 (r1, r2, …)"));
  }
  std::from_chars(digits.data(), digits.data() + digits.size(), p.revision_number);
  if (const Json* labels = Member(m, "labels")) {
    if (!labels->is_object()) {
      return InvalidArgument(StrCat("metadata.labels: got ", labels->type_name(), ", want a mapping"));
    }
    if (labels->size() > kMaxLabels) {
      return InvalidArgument(StrCat("metadata.labels: ", labels->size(), " labels, want at most ", kMaxLabels));
    }
    for (const auto& item : labels->items()) {
      const std::string& key = item.key();
      const bool key_ok = !key.empty() && key.size() <= kMaxLabelKeyBytes && std::isalnum(static_cast<unsigned char>(key[0])) &&
                          std::all_of(key.begin(), key.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/';
                          });
      if (!key_ok) {
        return InvalidArgument(StrCat("metadata.labels.", key, ": want a key of 1-", kMaxLabelKeyBytes,
                                      " characters of A-Z, a-z, 0-9, '.', '_', '-' and '/', starting with a letter or digit"));
      }
      EC_ASSIGN_OR_RETURN(p.labels[key], Text(*labels, key, "metadata.labels", kMaxLabelValueBytes));
    }
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------------------
// spec blocks

// NormaliseSelectors speaks in CLI flags; the profile in field paths.
std::string SelectorMessage(std::string message) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kFlags = {{
      {"--kind", "spec.selectors.kinds"},
      {"--ecosystem", "spec.selectors.ecosystems"},
      {"--purl", "spec.selectors.purls"},
      {"--vulnerability", "spec.selectors.vulnerabilities"},
      {"--modified-since", "spec.selectors.modifiedSince"},
      {"--modified-until", "spec.selectors.modifiedUntil"},
      {"--severity", "spec.selectors.severity"},
  }};
  // Only at the start and as a word of the sentence ("… is not after --modified-since …"), never
  // inside a quoted value.
  for (const auto& [flag, field] : kFlags) {
    for (std::size_t at = message.find(flag); at != std::string::npos; at = message.find(flag, at + 1)) {
      const std::size_t end = at + flag.size();
      const bool word = (at == 0 || message[at - 1] == ' ') && (end == message.size() || message[end] == ' ');
      if (!word) continue;
      message.replace(at, flag.size(), field);
      at += field.size() - 1;
    }
  }
  return message;
}

Result<evidence::Selectors> ParseSelectors(const Json* j, const std::string& tenant) {
  const std::string path = "spec.selectors";
  evidence::Selectors s;
  s.tenant = tenant;
  if (j != nullptr) {
    if (j->is_object() && j->contains("tenant")) {
      return InvalidArgument("spec.selectors.tenant: unknown field; the tenant is metadata.tenant");
    }
    EC_RETURN_IF_ERROR(CheckFields(*j, path, {"kinds", "ecosystems", "purls", "vulnerabilities", "modifiedSince",
                                              "modifiedUntil", "severity"}));
    EC_ASSIGN_OR_RETURN(s.kinds, TextList(*j, "kinds", path, kMaxSelectorValues));
    EC_ASSIGN_OR_RETURN(s.ecosystems, TextList(*j, "ecosystems", path, kMaxSelectorValues));
    EC_ASSIGN_OR_RETURN(s.purl_globs, TextList(*j, "purls", path, kMaxSelectorValues));
    EC_ASSIGN_OR_RETURN(s.vulnerabilities, TextList(*j, "vulnerabilities", path, kMaxSelectorValues));
    EC_ASSIGN_OR_RETURN(s.modified_since, Text(*j, "modifiedSince", path, 64));
    EC_ASSIGN_OR_RETURN(s.modified_until, Text(*j, "modifiedUntil", path, 64));
    if (const Json* sev = Member(*j, "severity"); sev != nullptr && !sev->is_string()) {
      return InvalidArgument(StrCat("spec.selectors.severity: got ", sev->type_name(),
                                    ", want a string: the lowest severity taken (critical, high, medium, low or none)"));
    }
    EC_ASSIGN_OR_RETURN(s.min_severity, Text(*j, "severity", path, 64));
  }
  if (Status st = evidence::NormaliseSelectors(s); !st.ok()) {
    return Status(st.code(), SelectorMessage(st.message()));
  }
  return s;
}

Result<PolicySource> ParsePolicy(const Json& j) {
  const std::string path = "spec.policy";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"repository", "ref", "file"}));
  PolicySource p;
  EC_ASSIGN_OR_RETURN(p.repository, Text(j, "repository", path));
  if (p.repository.empty()) return InvalidArgument("spec.policy.repository: required");
  if (std::size_t scheme = p.repository.find("://"); scheme != std::string::npos) {
    std::string name = p.repository.substr(0, scheme);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != "file") {
      return InvalidArgument(StrCat("spec.policy.repository \"", p.repository,
                                    "\": want a local path or a file:// URL (policy is never fetched)"));
    }
  }
  EC_ASSIGN_OR_RETURN(std::string ref, Text(j, "ref", path, 256));
  if (!ref.empty()) p.ref = ref;
  if (p.ref[0] == '-' || p.ref.find(' ') != std::string::npos) {
    return InvalidArgument(StrCat("spec.policy.ref \"", p.ref, "\": want a branch, tag or commit"));
  }
  EC_ASSIGN_OR_RETURN(p.file, Text(j, "file", path, 1024));
  if (!p.file.empty()) {
    bool ok = p.file[0] != '/';
    for (std::size_t start = 0; ok && start <= p.file.size();) {
      std::size_t slash = p.file.find('/', start);
      if (slash == std::string::npos) slash = p.file.size();
      const std::string_view part = std::string_view(p.file).substr(start, slash - start);
      ok = !part.empty() && part != "." && part != "..";
      start = slash + 1;
    }
    if (!ok) {
      return InvalidArgument(StrCat("spec.policy.file \"", p.file,
                                    "\": want a relative path inside the repository (no empty, . or .. parts)"));
    }
  }
  return p;
}

Result<JsonOptions> ParseJsonOptions(const Json* j) {
  JsonOptions o;
  if (j == nullptr) return o;
  const std::string path = "spec.json";
  EC_RETURN_IF_ERROR(CheckFields(*j, path, {"shardMiB", "imageCompatible"}));
  EC_ASSIGN_OR_RETURN(auto shard, Integer(*j, "shardMiB", path, 1, kMaxShardMiB));
  if (shard) o.shard_mib = *shard;
  EC_ASSIGN_OR_RETURN(o.image_compatible, Bool(*j, "imageCompatible", path, false));
  return o;
}

// "90s", "15m", "24h", "3d": a positive whole number and its unit.
std::optional<std::int64_t> DurationSeconds(std::string_view text) {
  if (text.size() < 2 || text.size() > 10) return std::nullopt;
  const char unit = text.back();
  const std::int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (scale == 0 || digits[0] == '0' || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return n * scale;
}

Result<TrivyOptions> ParseTrivy(const Json& j, ProfileKind kind) {
  const std::string path = "spec.trivy";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"sources", "nextUpdate"}));
  TrivyOptions o;
  EC_ASSIGN_OR_RETURN(o.sources, TextList(j, "sources", path, kMaxTrivySources));
  if (o.sources.empty()) return InvalidArgument("spec.trivy.sources: required: at least one file or directory");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < o.sources.size(); ++i) {
    if (o.sources[i].empty()) return InvalidArgument(StrCat("spec.trivy.sources[", i, "]: empty, want a path"));
    if (!seen.insert(o.sources[i]).second) {
      return InvalidArgument(StrCat("spec.trivy.sources[", i, "] \"", o.sources[i], "\": listed twice"));
    }
  }
  EC_ASSIGN_OR_RETURN(o.next_update, Text(j, "nextUpdate", path, 64));
  if (o.next_update.empty()) o.next_update = kind == ProfileKind::kTrivyJavaDb ? "72h" : "24h";
  auto seconds = DurationSeconds(o.next_update);
  if (!seconds) {
    return InvalidArgument(StrCat("spec.trivy.nextUpdate \"", o.next_update,
                                  "\": want a positive duration such as 90m, 24h or 3d"));
  }
  o.next_update_seconds = *seconds;
  return o;
}

Result<MirrorOptions> ParseMirror(const Json& j, ProfileKind kind) {
  const std::string path = "spec.mirror";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"spec", "base"}));
  MirrorOptions o;
  const Json* spec = Member(j, "spec");
  if (spec == nullptr) return InvalidArgument("spec.mirror.spec: required");
  if (!spec->is_object()) {
    return InvalidArgument(StrCat("spec.mirror.spec: got ", spec->type_name(), ", want a mapping (an inline MirrorSpec)"));
  }
  Json inline_spec = *spec;
  if (!inline_spec.contains("apiVersion")) inline_spec["apiVersion"] = std::string(kProfileApiVersion);
  if (!inline_spec.contains("kind")) inline_spec["kind"] = "MirrorSpec";
  Result<std::string> bytes = json::CanonicalChecked(inline_spec);
  if (!bytes.ok()) return bytes.status().WithPrefix("spec.mirror.spec");
  EC_ASSIGN_OR_RETURN(o.spec, mirror::ParseMirrorSpec(*bytes, "spec.mirror.spec"));
  EC_ASSIGN_OR_RETURN(o.base, Text(j, "base", path));
  if (kind == ProfileKind::kMirrorDelta && o.base.empty()) {
    return InvalidArgument("spec.mirror.base: required for mirror:delta");
  }
  if (kind != ProfileKind::kMirrorDelta && !o.base.empty()) {
    return InvalidArgument("spec.mirror.base: applies to mirror:delta only");
  }
  return o;
}

Result<DevportalOptions> ParseDevportal(const Json& j) {
  const std::string path = "spec.devportal";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"source", "releaseVersion", "imageCompatible"}));
  DevportalOptions o;
  EC_ASSIGN_OR_RETURN(o.source, Text(j, "source", path));
  if (o.source.empty()) return InvalidArgument("spec.devportal.source: required");
  EC_ASSIGN_OR_RETURN(std::string version, Text(j, "releaseVersion", path, 256));
  if (!version.empty()) o.release_version = version;
  const bool ok = o.release_version.size() <= 64 && std::isalnum(static_cast<unsigned char>(o.release_version[0])) &&
                  std::all_of(o.release_version.begin(), o.release_version.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
                  });
  if (!ok) {
    return InvalidArgument(StrCat("spec.devportal.releaseVersion \"", o.release_version,
                                  "\": want 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit"));
  }
  EC_ASSIGN_OR_RETURN(o.image_compatible, Bool(j, "imageCompatible", path, false));
  return o;
}

Result<Compression> ParseCompression(const Json* j, ProfileKind kind) {
  Compression c;
  if (j == nullptr) return c;
  const std::string path = "spec.compression";
  EC_RETURN_IF_ERROR(CheckFields(*j, path, {"codec", "level"}));
  EC_ASSIGN_OR_RETURN(std::string codec, Enum(*j, "codec", path, {"zstd", "gzip", "none"}));
  if (codec.empty()) codec = "zstd";
  c.codec = codec == "zstd" ? Codec::kZstd : codec == "gzip" ? Codec::kGzip : Codec::kNone;
  const std::string_view kind_name = ProfileKindName(kind);
  if (IsJsonKind(kind) && c.codec != Codec::kZstd) {
    return InvalidArgument(StrCat("spec.compression.codec \"", codec, "\": ", kind_name, " writes zstd shards; want zstd"));
  }
  if (IsMirrorKind(kind) && c.codec == Codec::kGzip) {
    return InvalidArgument(StrCat("spec.compression.codec \"", codec, "\": ", kind_name,
                                  " bundles are .tar.zst or .tar; want zstd or none"));
  }
  if (c.codec == Codec::kNone) {
    if (Member(*j, "level") != nullptr) return InvalidArgument("spec.compression.level: applies to codec zstd only");
    c.level = 0;
    return c;
  }
  EC_ASSIGN_OR_RETURN(auto level, Integer(*j, "level", path, 1, 19));
  if (level) c.level = static_cast<int>(*level);
  if (IsMirrorKind(kind) && c.level != 3) {
    return InvalidArgument(StrCat("spec.compression.level ", c.level, ": ", kind_name,
                                  " bundles are written at zstd level 3"));
  }
  return c;
}

Result<Encryption> ParseEncryption(const Json& j) {
  const std::string path = "spec.encryption";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"recipients", "strict"}));
  Encryption e;
  EC_ASSIGN_OR_RETURN(e.recipients, TextList(j, "recipients", path, kMaxRecipients, 256));
  if (e.recipients.empty()) return InvalidArgument("spec.encryption.recipients: required: at least one age1… recipient");
  for (std::size_t i = 0; i < e.recipients.size(); ++i) {
    if (Status s = age::ParseRecipient(e.recipients[i]).status(); !s.ok()) {
      return s.WithPrefix(StrCat("spec.encryption.recipients[", i, "]"));
    }
  }
  std::sort(e.recipients.begin(), e.recipients.end());
  e.recipients.erase(std::unique(e.recipients.begin(), e.recipients.end()), e.recipients.end());
  EC_ASSIGN_OR_RETURN(e.strict, Bool(j, "strict", path, true));
  if (!e.strict) {
    return InvalidArgument("spec.encryption.strict: false is not supported: an encrypted bundle is never written in plaintext");
  }
  return e;
}

Result<std::string> ParseSigning(const Json& j) {
  EC_RETURN_IF_ERROR(CheckFields(j, "spec.signing", {"key"}));
  const Json* key = Member(j, "key");
  if (key == nullptr) return InvalidArgument("spec.signing.key: required");
  if (!key->is_string()) return InvalidArgument(StrCat("spec.signing.key: got ", key->type_name(), ", want a string"));
  const std::string& name = key->get_ref<const std::string&>();
  const bool ok = !name.empty() && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0])) &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                  });
  // Never quoted: what was given may be key material.
  if (!ok) {
    return InvalidArgument("spec.signing.key: want the name of a key the server holds (1-64 characters of a-z, 0-9, "
                           "'.', '_' and '-'), never key material");
  }
  return name;
}

Result<std::vector<Distribution>> ParseDistribution(const Json& j, ProfileKind kind) {
  const std::string path = "spec.distribution";
  if (!j.is_array()) return InvalidArgument(StrCat(path, ": got ", j.type_name(), ", want a list"));
  if (j.empty()) return InvalidArgument("spec.distribution: want at least one of registry, download, layout");
  if (j.size() > kMaxDistributions) {
    return InvalidArgument(StrCat(path, ": ", j.size(), " items, want at most ", kMaxDistributions));
  }
  std::vector<Distribution> out;
  std::map<std::string, std::size_t> seen;  // identity → index
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = StrCat(path, "[", i, "]");
    EC_RETURN_IF_ERROR(CheckFields(j[i], at, {"type", "ref", "path"}));
    EC_ASSIGN_OR_RETURN(std::string type, Enum(j[i], "type", at, {"registry", "download", "layout"}));
    if (type.empty()) return InvalidArgument(StrCat(at, ".type: required"));
    Distribution d;
    d.type = type == "registry" ? DistributionType::kRegistry
             : type == "layout" ? DistributionType::kLayout
                                : DistributionType::kDownload;
    EC_ASSIGN_OR_RETURN(d.ref, Text(j[i], "ref", at));
    EC_ASSIGN_OR_RETURN(d.path, Text(j[i], "path", at));
    std::string identity = type;
    if (d.type == DistributionType::kRegistry) {
      if (IsMirrorKind(kind)) {
        return InvalidArgument(StrCat(at, ".type \"registry\": ", ProfileKindName(kind),
                                      " bundles are files; want download or layout"));
      }
      if (d.ref.empty()) return InvalidArgument(StrCat(at, ".ref: required for type registry"));
      auto ref = oci::Reference::Parse(d.ref);
      if (!ref.ok()) return ref.status().WithPrefix(StrCat(at, ".ref"));
      if (ref->digest.has_value()) {
        return InvalidArgument(StrCat(at, ".ref \"", d.ref, "\": want host/repository[:tag]; a push cannot name a digest"));
      }
      identity += ":" + ref->str();
    } else if (!d.ref.empty()) {
      return InvalidArgument(StrCat(at, ".ref: applies to type registry only"));
    }
    if (d.type == DistributionType::kLayout) {
      if (d.path.empty()) return InvalidArgument(StrCat(at, ".path: required for type layout"));
      identity += ":" + d.path;
    } else if (!d.path.empty()) {
      return InvalidArgument(StrCat(at, ".path: applies to type layout only"));
    }
    if (auto [it, fresh] = seen.emplace(identity, i); !fresh) {
      return InvalidArgument(StrCat(at, ": same as spec.distribution[", it->second, "]"));
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<Retention> ParseRetention(const Json& j) {
  const std::string path = "spec.retention";
  EC_RETURN_IF_ERROR(CheckFields(j, path, {"days", "keep"}));
  EC_ASSIGN_OR_RETURN(auto days, Integer(j, "days", path, 1, kMaxRetentionDays));
  EC_ASSIGN_OR_RETURN(auto keep, Integer(j, "keep", path, 1, kMaxRetentionKeep));
  if (days.has_value() == keep.has_value()) {
    return InvalidArgument("spec.retention: want either days (keep runs N days) or keep (keep the newest N runs)");
  }
  Retention r;
  r.days = days.value_or(0);
  r.keep = keep.value_or(0);
  return r;
}

Status ParseSpec(const Json& spec, ExportProfile& p) {
  EC_RETURN_IF_ERROR(CheckFields(spec, "spec", {"kind", "selectors", "policy", "json", "trivy", "mirror", "devportal",
                                                "compression", "encryption", "signing", "distribution", "retention"}));
  const Json* kind = Member(spec, "kind");
  if (kind == nullptr) return InvalidArgument("spec.kind: required");
  EC_ASSIGN_OR_RETURN(std::string kind_name, Enum(spec, "kind", "spec", {"json:raw", "json:policy", "trivy:db",
                                                                        "trivy:java-db", "mirror:full", "mirror:delta",
                                                                        "devportal:offline"}));
  p.kind = *ProfileKindFromName(kind_name);
  const KindSet bit = Bit(p.kind);
  for (const Block& b : kBlocks) {
    const bool present = Member(spec, b.field) != nullptr;
    if (present && (b.applies & bit) == 0) {
      return InvalidArgument(StrCat("spec.", b.field, ": applies to ", KindList(b.applies), " only"));
    }
    if (!present && (b.required & bit) != 0) {
      return InvalidArgument(b.required == kAllKinds
                                 ? StrCat("spec.", b.field, ": required")
                                 : StrCat("spec.", b.field, ": required for ", kind_name));
    }
  }
  if (IsJsonKind(p.kind)) {
    EC_ASSIGN_OR_RETURN(p.selectors, ParseSelectors(Member(spec, "selectors"), p.tenant));
    EC_ASSIGN_OR_RETURN(p.json, ParseJsonOptions(Member(spec, "json")));
  }
  // (EC_ASSIGN_OR_RETURN is several statements: always in braces.)
  if (p.kind == ProfileKind::kJsonPolicy) {
    EC_ASSIGN_OR_RETURN(p.policy, ParsePolicy(*Member(spec, "policy")));
  }
  if (IsTrivyKind(p.kind)) {
    EC_ASSIGN_OR_RETURN(p.trivy, ParseTrivy(*Member(spec, "trivy"), p.kind));
  }
  if (IsMirrorKind(p.kind)) {
    EC_ASSIGN_OR_RETURN(p.mirror, ParseMirror(*Member(spec, "mirror"), p.kind));
  }
  if (p.kind == ProfileKind::kDevportalOffline) {
    EC_ASSIGN_OR_RETURN(p.devportal, ParseDevportal(*Member(spec, "devportal")));
  }
  if (IsJsonKind(p.kind) || IsMirrorKind(p.kind)) {
    EC_ASSIGN_OR_RETURN(p.compression, ParseCompression(Member(spec, "compression"), p.kind));
  }
  if (const Json* e = Member(spec, "encryption")) {
    EC_ASSIGN_OR_RETURN(p.encryption, ParseEncryption(*e));
  }
  if (const Json* s = Member(spec, "signing")) {
    EC_ASSIGN_OR_RETURN(p.signing_key, ParseSigning(*s));
  }
  EC_ASSIGN_OR_RETURN(p.distribution, ParseDistribution(*Member(spec, "distribution"), p.kind));
  if (const Json* r = Member(spec, "retention")) {
    EC_ASSIGN_OR_RETURN(p.retention, ParseRetention(*r));
  }
  if (p.encryption) {
    for (std::size_t i = 0; i < p.distribution.size(); ++i) {
      if (p.distribution[i].type == DistributionType::kLayout) {
        return InvalidArgument(StrCat("spec.distribution[", i,
                                      "]: an encrypted bundle is a file, and layout writes a directory; want download"));
      }
    }
  }
  return OkStatus();
}

Result<ExportProfile> ProfileFromJson(const Json& doc) {
  EC_RETURN_IF_ERROR(CheckFields(doc, "", {"apiVersion", "kind", "metadata", "spec"}));
  auto constant = [&](std::string_view key, std::string_view want) -> Status {
    const Json* v = Member(doc, key);
    if (v != nullptr && v->is_string() && *v == want) return OkStatus();
    return InvalidArgument(StrCat(key, ": got ", v == nullptr ? "nothing" : Shown(*v), ", want ", want));
  };
  EC_RETURN_IF_ERROR(constant("apiVersion", kProfileApiVersion));
  EC_RETURN_IF_ERROR(constant("kind", kProfileDocumentKind));
  ExportProfile p;
  const Json* metadata = Member(doc, "metadata");
  if (metadata == nullptr) return InvalidArgument("metadata: required");
  EC_RETURN_IF_ERROR(ParseMetadata(*metadata, p));
  const Json* spec = Member(doc, "spec");
  if (spec == nullptr) return InvalidArgument("spec: required");
  EC_RETURN_IF_ERROR(ParseSpec(*spec, p));
  return p;
}

// ---------------------------------------------------------------------------------------
// The normalised document.

Json MirrorSpecJson(const mirror::MirrorSpec& spec) {
  Json out = {{"apiVersion", kProfileApiVersion}, {"kind", "MirrorSpec"}};
  if (!spec.name.empty()) out["metadata"] = {{"name", spec.name}};
  if (!spec.repositories.empty()) {
    Json repos = Json::array();
    for (const mirror::RepositorySelection& r : spec.repositories) {
      Json j = {{"source", r.source}, {"target", r.target}, {"referrers", r.referrers}, {"cosignTags", r.cosign_tags}};
      if (!r.tags.empty()) j["tags"] = r.tags;
      if (!r.tag_regex.empty()) j["tagRegex"] = r.tag_regex;
      if (!r.semver.empty()) j["semver"] = r.semver;
      if (!r.digests.empty()) j["digests"] = r.digests;
      if (!r.platforms.empty()) {
        Json platforms = Json::array();
        for (const oci::Platform& pl : r.platforms) platforms.push_back(pl.str());
        j["platforms"] = platforms;
      }
      repos.push_back(std::move(j));
    }
    out["repositories"] = repos;
  }
  if (!spec.exports.empty()) {
    Json exports = Json::array();
    for (const mirror::ExportSelection& e : spec.exports) exports.push_back({{"ref", e.ref}, {"target", e.target}});
    out["exports"] = exports;
  }
  return out;
}

Json ProfileJson(const ExportProfile& p) {
  Json metadata = {{"name", p.name}, {"tenant", p.tenant}, {"revision", p.revision}};
  if (!p.labels.empty()) metadata["labels"] = p.labels;
  Json spec = {{"kind", ProfileKindName(p.kind)}};
  if (p.selectors) {
    Json s = evidence::SelectorsToJson(*p.selectors);
    s.erase("tenant");
    spec["selectors"] = s;
  }
  if (p.policy) {
    Json j = {{"repository", p.policy->repository}, {"ref", p.policy->ref}};
    if (!p.policy->file.empty()) j["file"] = p.policy->file;
    spec["policy"] = j;
  }
  if (p.json) spec["json"] = {{"shardMiB", p.json->shard_mib}, {"imageCompatible", p.json->image_compatible}};
  if (p.trivy) spec["trivy"] = {{"sources", p.trivy->sources}, {"nextUpdate", p.trivy->next_update}};
  if (p.mirror) {
    Json j = {{"spec", MirrorSpecJson(p.mirror->spec)}};
    if (!p.mirror->base.empty()) j["base"] = p.mirror->base;
    spec["mirror"] = j;
  }
  if (p.devportal) {
    spec["devportal"] = {{"source", p.devportal->source},
                         {"releaseVersion", p.devportal->release_version},
                         {"imageCompatible", p.devportal->image_compatible}};
  }
  if (p.compression) {
    Json j = {{"codec", CodecName(p.compression->codec)}};
    if (p.compression->codec != Codec::kNone) j["level"] = p.compression->level;
    spec["compression"] = j;
  }
  if (p.encryption) spec["encryption"] = {{"recipients", p.encryption->recipients}, {"strict", p.encryption->strict}};
  if (p.signing_key) spec["signing"] = {{"key", *p.signing_key}};
  Json distribution = Json::array();
  for (const Distribution& d : p.distribution) {
    Json j = {{"type", DistributionTypeName(d.type)}};
    if (d.type == DistributionType::kRegistry) j["ref"] = d.ref;
    if (d.type == DistributionType::kLayout) j["path"] = d.path;
    distribution.push_back(std::move(j));
  }
  spec["distribution"] = distribution;
  if (p.retention) {
    spec["retention"] = p.retention->days != 0 ? Json{{"days", p.retention->days}} : Json{{"keep", p.retention->keep}};
  }
  return {{"apiVersion", kProfileApiVersion}, {"kind", kProfileDocumentKind}, {"metadata", metadata}, {"spec", spec}};
}

}  // namespace

std::string_view ProfileKindName(ProfileKind kind) { return Info(kind).name; }
std::string_view ProfileFamily(ProfileKind kind) { return Info(kind).family; }
std::string_view ProfileVariant(ProfileKind kind) { return Info(kind).variant; }

std::optional<ProfileKind> ProfileKindFromName(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

bool IsJsonKind(ProfileKind kind) { return (kJsonKinds & Bit(kind)) != 0; }
bool IsTrivyKind(ProfileKind kind) { return (kTrivyKinds & Bit(kind)) != 0; }
bool IsMirrorKind(ProfileKind kind) { return (kMirrorKinds & Bit(kind)) != 0; }

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kZstd:
      return "zstd";
    case Codec::kGzip:
      return "gzip";
    case Codec::kNone:
      return "none";
  }
  return "none";
}

std::string_view DistributionTypeName(DistributionType type) {
  switch (type) {
    case DistributionType::kRegistry:
      return "registry";
    case DistributionType::kDownload:
      return "download";
    case DistributionType::kLayout:
      return "layout";
  }
  return "download";
}

Result<ExportProfile> ParseExportProfile(std::string_view bytes, std::string_view where) {
  if (bytes.size() > kMaxProfileBytes) {
    return InvalidArgument(
        StrCat(where, ": ", bytes.size(), " bytes, want at most ", kMaxProfileBytes, " (kMaxProfileBytes)"));
  }
  EC_ASSIGN_OR_RETURN(Json doc, ReadDocument(bytes, where));
  Result<ExportProfile> parsed = ProfileFromJson(doc);
  if (!parsed.ok()) return parsed.status().WithPrefix(where);
  ExportProfile p = std::move(parsed).value();
  // Checked once here (YAML may carry invalid UTF-8); from now on the fields are known good.
  Result<std::string> canonical = json::CanonicalChecked(ProfileJson(p));
  if (!canonical.ok()) return canonical.status().WithPrefix(where);
  p.canonical_json = std::move(canonical).value();
  p.digest = oci::Digest::OfBytes(p.canonical_json).str();
  return p;
}

std::string CanonicalProfile(const ExportProfile& profile) { return json::Canonical(ProfileJson(profile)); }

std::string ProfileDigest(const ExportProfile& profile) {
  return oci::Digest::OfBytes(CanonicalProfile(profile)).str();
}

std::string CanonicalMirrorSpec(const mirror::MirrorSpec& spec) { return json::Canonical(MirrorSpecJson(spec)); }

}  // namespace ec::service
