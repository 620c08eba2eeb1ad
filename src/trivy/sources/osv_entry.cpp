#include "trivy/sources/osv_entry.h"

namespace ec::trivy {
namespace {

using json::Json;

// Decoding helpers in the spirit of Go's json.Decoder: absent or null leaves the zero
// value, any other mismatch is an error naming the field path.
class Fields {
 public:
  Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  const Json* Get(const char* name) const {
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  std::string Path(const std::string& name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

  Status String(const char* name, std::string& out) const {
    const Json* v = Get(name);
    if (v == nullptr) return OkStatus();
    if (!v->is_string()) return InvalidArgument(StrCat(Path(name), ": not a string"));
    out = v->get<std::string>();
    return OkStatus();
  }

  Status Strings(const char* name, std::vector<std::string>& out) const {
    const Json* v = Get(name);
    if (v == nullptr) return OkStatus();
    if (!v->is_array()) return InvalidArgument(StrCat(Path(name), ": not an array"));
    for (std::size_t i = 0; i < v->size(); ++i) {
      const Json& e = (*v)[i];
      if (e.is_null()) {
        out.emplace_back();
        continue;
      }
      if (!e.is_string()) {
        return InvalidArgument(StrCat(Path(name), "[", i, "]: not a string"));
      }
      out.push_back(e.get<std::string>());
    }
    return OkStatus();
  }

  Status Time(const char* name, std::optional<Timestamp>& out) const {
    std::string text;
    EC_RETURN_IF_ERROR(String(name, text));
    if (Get(name) == nullptr) return OkStatus();
    out = ParseRfc3339(text);
    if (!out) return InvalidArgument(StrCat(Path(name), ": \"", text, "\" is not an RFC 3339 time"));
    return OkStatus();
  }

  // Calls fn(element, element_path) for each element of an array-valued field.
  template <typename Fn>
  Status Each(const char* name, Fn fn) const {
    const Json* v = Get(name);
    if (v == nullptr) return OkStatus();
    if (!v->is_array()) return InvalidArgument(StrCat(Path(name), ": not an array"));
    for (std::size_t i = 0; i < v->size(); ++i) {
      std::string element_path = StrCat(Path(name), "[", i, "]");
      const Json& e = (*v)[i];
      if (e.is_null()) continue;
      if (!e.is_object()) return InvalidArgument(StrCat(element_path, ": not an object"));
      EC_RETURN_IF_ERROR(fn(Fields(e, element_path)));
    }
    return OkStatus();
  }

  // An object-valued field (nullptr Fields object when absent).
  Status Object(const char* name, std::optional<Fields>& out) const {
    const Json* v = Get(name);
    if (v == nullptr) return OkStatus();
    if (!v->is_object()) return InvalidArgument(StrCat(Path(name), ": not an object"));
    out.emplace(*v, Path(name));
    return OkStatus();
  }

 private:
  const Json& object_;
  std::string path_;
};

Status DecodeSeverity(const Fields& s, std::vector<OsvSeverity>& out) {
  OsvSeverity sev;
  EC_RETURN_IF_ERROR(s.String("type", sev.type));
  EC_RETURN_IF_ERROR(s.String("score", sev.score));
  out.push_back(std::move(sev));
  return OkStatus();
}

Status DecodeSeverities(const Fields& f, std::vector<OsvSeverity>& out) {
  return f.Each("severity", [&](const Fields& s) { return DecodeSeverity(s, out); });
}

Status DecodeEvent(const Fields& e, OsvRange& range) {
  OsvEvent event;
  EC_RETURN_IF_ERROR(e.String("introduced", event.introduced));
  EC_RETURN_IF_ERROR(e.String("fixed", event.fixed));
  EC_RETURN_IF_ERROR(e.String("last_affected", event.last_affected));
  range.events.push_back(std::move(event));
  return OkStatus();
}

Status DecodeRange(const Fields& r, OsvAffected& out) {
  OsvRange range;
  EC_RETURN_IF_ERROR(r.String("type", range.type));
  Status events = r.Each("events", [&](const Fields& e) { return DecodeEvent(e, range); });
  if (!events.ok()) return events;
  out.ranges.push_back(std::move(range));
  return OkStatus();
}

Status DecodeImport(const Fields& imp, OsvAffected& out) {
  EC_RETURN_IF_ERROR(imp.Strings("goos", out.goos));
  EC_RETURN_IF_ERROR(imp.Strings("goarch", out.goarch));
  return OkStatus();
}

Status DecodeAffected(const Fields& a, OsvAffected& out) {
  std::optional<Fields> package;
  EC_RETURN_IF_ERROR(a.Object("package", package));
  if (package) {
    EC_RETURN_IF_ERROR(package->String("name", out.package_name));
    EC_RETURN_IF_ERROR(package->String("ecosystem", out.ecosystem));
  }
  Status ranges = a.Each("ranges", [&](const Fields& r) { return DecodeRange(r, out); });
  if (!ranges.ok()) return ranges;
  EC_RETURN_IF_ERROR(a.Strings("versions", out.versions));
  EC_RETURN_IF_ERROR(DecodeSeverities(a, out.severity));
  if (const Json* ds = a.Get("database_specific")) out.database_specific = *ds;
  std::optional<Fields> specific;
  EC_RETURN_IF_ERROR(a.Object("ecosystem_specific", specific));
  if (specific) {
    Status imports =
        specific->Each("imports", [&](const Fields& imp) { return DecodeImport(imp, out); });
    if (!imports.ok()) return imports;
  }
  return OkStatus();
}

Status DecodeReference(const Fields& r, OsvEntry& entry) {
  std::string url;
  EC_RETURN_IF_ERROR(r.String("url", url));
  entry.references.push_back(std::move(url));
  return OkStatus();
}

Status DecodeAffectedInto(const Fields& a, OsvEntry& entry) {
  OsvAffected affected;
  EC_RETURN_IF_ERROR(DecodeAffected(a, affected));
  entry.affected.push_back(std::move(affected));
  return OkStatus();
}

}  // namespace

Result<OsvEntry> DecodeOsvEntry(const json::Json& document) {
  if (!document.is_object()) return InvalidArgument("document is not an object");
  Fields f(document, "");
  OsvEntry entry;
  EC_RETURN_IF_ERROR(f.String("id", entry.id));
  if (entry.id.empty()) return InvalidArgument("id: missing");
  EC_RETURN_IF_ERROR(f.Time("modified", entry.modified));
  EC_RETURN_IF_ERROR(f.Time("published", entry.published));
  EC_RETURN_IF_ERROR(f.Time("withdrawn", entry.withdrawn));
  EC_RETURN_IF_ERROR(f.Strings("aliases", entry.aliases));
  EC_RETURN_IF_ERROR(f.String("summary", entry.summary));
  EC_RETURN_IF_ERROR(f.String("details", entry.details));
  EC_RETURN_IF_ERROR(DecodeSeverities(f, entry.severity));
  EC_RETURN_IF_ERROR(
      f.Each("affected", [&](const Fields& a) { return DecodeAffectedInto(a, entry); }));
  EC_RETURN_IF_ERROR(
      f.Each("references", [&](const Fields& r) { return DecodeReference(r, entry); }));
  if (const Json* ds = f.Get("database_specific")) entry.database_specific = *ds;
  return entry;
}

}  // namespace ec::trivy
