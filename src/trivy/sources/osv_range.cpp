#include "trivy/sources/osv_range.h"

#include "trivy/sources/versions.h"

namespace ec::trivy {
namespace {

// PEP 440 specifier checks (go-pep440-version specifier.go / pypa packaging).
bool Pep440Contains(const OsvVersionRange& r, std::string_view text) {
  auto v = Pep440Version::Parse(text);
  if (!v) return false;
  if (r.to_included && r.from == r.to) {  // "=x"
    auto spec = Pep440Version::Parse(r.from);
    if (!spec) return false;
    const Pep440Version candidate = spec->local.empty() ? v->Public() : *v;
    return Compare(candidate, *spec) == 0;
  }
  bool has_lower = r.to.empty() || r.from != "0";
  if (has_lower) {  // ">=from"
    auto spec = Pep440Version::Parse(r.from);
    if (!spec || !spec->local.empty()) return false;
    if (Compare(v->Public(), *spec) < 0) return false;
  }
  if (r.to.empty()) return true;
  auto spec = Pep440Version::Parse(r.to);
  if (!spec || !spec->local.empty()) return false;
  Pep440Version candidate = v->Public();
  if (r.to_included) return Compare(candidate, *spec) <= 0;  // "<=to"
  // "<to": never admits a pre-release of `to` itself unless `to` is a pre-release.
  if (Compare(candidate, *spec) >= 0) return false;
  if (!spec->IsPreRelease() && candidate.IsPreRelease() &&
      Compare(candidate.Base(), spec->Base()) == 0) {
    return false;
  }
  return true;
}

bool GenericContains(const OsvVersionRange& r, std::string_view text) {
  auto v = GenericVersion::Parse(text);
  if (!v) return false;
  if (r.to_included && r.from == r.to) {
    auto spec = GenericVersion::Parse(r.from);
    return spec && Compare(*v, *spec) == 0;
  }
  bool has_lower = r.to.empty() || r.from != "0";
  if (has_lower) {
    auto spec = GenericVersion::Parse(r.from);
    if (!spec || Compare(*v, *spec) < 0) return false;
  }
  if (r.to.empty()) return true;
  auto spec = GenericVersion::Parse(r.to);
  if (!spec) return false;
  int c = Compare(*v, *spec);
  return r.to_included ? c <= 0 : c < 0;
}

}  // namespace

VersionScheme SchemeForEcosystem(std::string_view osv_ecosystem) {
  return osv_ecosystem == "PyPI" ? VersionScheme::kPep440 : VersionScheme::kGeneric;
}

std::string OsvVersionRange::String() const {
  if (to_included && from == to) return "=" + from;
  std::string upper;
  if (!to.empty()) upper = (to_included ? "<=" : "<") + to;
  if (upper.empty()) return ">=" + from;
  if (from == "0") return upper;
  return ">=" + from + ", " + upper;
}

bool OsvVersionRange::Contains(VersionScheme scheme, std::string_view version) const {
  return scheme == VersionScheme::kPep440 ? Pep440Contains(*this, version)
                                          : GenericContains(*this, version);
}

}  // namespace ec::trivy
