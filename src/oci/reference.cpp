#include "oci/reference.h"

#include <utility>

namespace ec::oci {
namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerPrefix = "docker://";
constexpr std::string_view kLayoutPrefix = "oci:";
constexpr std::string_view kArchivePrefix = "oci-archive:";
constexpr std::string_view kStorePrefix = "store:";
constexpr std::string_view kComponentGrammar = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string Quote(std::string_view s) { return StrCat("\"", s, "\""); }

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, matched by hand because std::regex throws and is slow.
bool IsValidComponent(std::string_view c) {
  std::size_t i = 0;
  const std::size_t n = c.size();
  if (n == 0 || !IsLowerAlnum(c[0])) return false;
  while (true) {
    while (i < n && IsLowerAlnum(c[i])) ++i;
    if (i == n) return true;
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      ++i;
      if (i < n && c[i] == '_') ++i;
    } else if (c[i] == '-') {
      while (i < n && c[i] == '-') ++i;
    } else {
      return false;
    }
    // A separator must be followed by another alphanumeric run.
    if (i == n || !IsLowerAlnum(c[i])) return false;
  }
}

// One DNS label: [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] (Docker's domain component).
bool IsValidLabel(std::string_view label) {
  if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
  for (char c : label) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsValidHostName(std::string_view host) {
  while (true) {
    std::size_t dot = host.find('.');
    if (!IsValidLabel(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

// Docker accepts any run of hex digits and colons inside the brackets; the dialler rejects
// addresses that are not real IPv6 literals.
bool IsValidIpv6Literal(std::string_view inner) {
  if (inner.empty()) return false;
  for (char c : inner) {
    if (!IsHex(c) && c != ':') return false;
  }
  return true;
}

bool IsValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (char c : port) {
    if (!IsDigit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

// HOST[:PORT] where HOST is a DNS name or a bracketed IPv6 literal.
Status ValidateRegistry(std::string_view registry) {
  std::string_view host = registry;
  std::string_view port;
  bool has_port = false;
  bool host_ok = false;
  if (registry.starts_with('[')) {
    std::size_t close = registry.find(']');
    if (close != std::string_view::npos) {
      host = registry.substr(0, close + 1);
      std::string_view after = registry.substr(close + 1);
      host_ok = IsValidIpv6Literal(registry.substr(1, close - 1)) &&
                (after.empty() || after.front() == ':');
      if (!after.empty() && after.front() == ':') {
        has_port = true;
        port = after.substr(1);
      }
    }
  } else {
    std::size_t colon = registry.find(':');
    host = registry.substr(0, colon);
    host_ok = IsValidHostName(host);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = registry.substr(colon + 1);
    }
  }
  if (!host_ok) {
    return InvalidArgument(StrCat("invalid registry host; got ", Quote(host),
                                  ", want a DNS name or a bracketed IPv6 address"));
  }
  if (has_port && !IsValidPort(port)) {
    return InvalidArgument(StrCat("invalid port; got ", Quote(port), ", want 1..65535"));
  }
  return OkStatus();
}

// Parses `text`; `shown` is what error messages name, so a stripped "docker://" prefix still
// appears in them.
Result<Reference> ParseRegistryReference(std::string_view text, std::string_view shown) {
  const std::string context = StrCat("invalid reference ", Quote(shown));
  auto fail = [&](std::string_view why) { return InvalidArgument(StrCat(context, ": ", why)); };
  if (text.empty()) return fail("empty");

  Reference ref;
  std::string_view name = text;
  if (std::size_t at = name.find('@'); at != std::string_view::npos) {
    auto digest = Digest::Parse(name.substr(at + 1));
    if (!digest.ok()) return digest.status().WithPrefix(context);
    ref.digest = std::move(digest).value();
    name = name.substr(0, at);
  }
  // A ':' before the last '/' belongs to the host's port, not to a tag.
  std::size_t last_slash = name.rfind('/');
  std::size_t tag_colon = name.rfind(':');
  if (tag_colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || tag_colon > last_slash)) {
    std::string_view tag = name.substr(tag_colon + 1);
    EC_RETURN_IF_ERROR(ValidateTag(tag).WithPrefix(context));
    ref.tag = std::string(tag);
    name = name.substr(0, tag_colon);
  }
  if (name.empty()) return fail("missing repository");

  // Docker's rule for telling "host/repo" from "user/repo".
  std::size_t first_slash = name.find('/');
  std::string_view first = name.substr(0, first_slash);
  bool has_host = first_slash != std::string_view::npos &&
                  (first.find_first_of(".:") != std::string_view::npos || first == "localhost");
  std::string_view repository = name;
  if (has_host) {
    EC_RETURN_IF_ERROR(ValidateRegistry(first).WithPrefix(context));
    ref.registry = std::string(first);
    repository = name.substr(first_slash + 1);
  } else {
    ref.registry = std::string(kDockerHub);
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") {
    ref.registry = std::string(kDockerHub);
  }
  EC_RETURN_IF_ERROR(ValidateRepository(repository).WithPrefix(context));
  if (ref.registry == kDockerHub && repository.find('/') == std::string_view::npos) {
    ref.repository = StrCat("library/", repository);
  } else {
    ref.repository = std::string(repository);
  }

  std::size_t name_length = ref.registry.size() + 1 + ref.repository.size();
  if (name_length > kMaxNameLength) {
    return fail(
        StrCat("name too long; got ", name_length, " characters, want at most ", kMaxNameLength));
  }
  if (ref.tag.empty() && !ref.digest.has_value()) ref.tag = "latest";
  return ref;
}

Result<TargetRef> ParseLocalTarget(TargetKind kind, std::string_view text, std::string_view rest) {
  const std::string context = StrCat("invalid reference ", Quote(text));
  TargetRef target;
  target.kind = kind;
  std::string_view path = rest;
  bool has_digest = false;
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view suffix = rest.substr(at + 1);
    // A known algorithm after '@' is meant as a digest, so a malformed one is reported rather
    // than being misread as part of the path.
    if (suffix.starts_with("sha256:") || suffix.starts_with("sha512:")) {
      auto digest = Digest::Parse(suffix);
      if (!digest.ok()) return digest.status().WithPrefix(context);
      target.digest = std::move(digest).value();
      path = rest.substr(0, at);
      has_digest = true;
    }
  }
  if (!has_digest) {
    // Only the last path component can carry a tag, so earlier colons stay in the path.
    std::size_t last_slash = path.rfind('/');
    std::size_t colon = path.rfind(':');
    if (colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || colon > last_slash)) {
      std::string_view tag = path.substr(colon + 1);
      EC_RETURN_IF_ERROR(ValidateTag(tag).WithPrefix(context));
      target.tag = std::string(tag);
      path = path.substr(0, colon);
    }
  }
  if (path.empty()) {
    return InvalidArgument(StrCat(context, ": missing ",
                                  kind == TargetKind::kLayout    ? "directory"
                                  : kind == TargetKind::kArchive ? "file"
                                                                 : "repository"));
  }
  if (kind == TargetKind::kStore) EC_RETURN_IF_ERROR(ValidateRepository(path).WithPrefix(context));
  target.path = std::string(path);
  return target;
}

}  // namespace

Status ValidateRepository(std::string_view repository) {
  if (repository.empty()) return InvalidArgument("missing repository");
  for (char c : repository) {
    if (c >= 'A' && c <= 'Z') return InvalidArgument("repository name must be lower-case");
  }
  std::string_view rest = repository;
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    if (component.empty()) {
      // Covers "a//b", "/a" and "a/": each leaves an empty component.
      return InvalidArgument(
          StrCat("repository ", Quote(repository), " has an empty path component"));
    }
    if (!IsValidComponent(component)) {
      return InvalidArgument(StrCat("invalid repository path component; got ", Quote(component),
                                    ", want ", kComponentGrammar));
    }
    if (slash == std::string_view::npos) return OkStatus();
    rest.remove_prefix(slash + 1);
  }
}

Status ValidateTag(std::string_view tag) {
  const std::string context = StrCat("invalid tag ", Quote(tag));
  if (tag.empty()) return InvalidArgument(StrCat(context, ": empty"));
  if (tag.size() > kMaxTagLength) {
    return InvalidArgument(StrCat(context, ": too long; got ", tag.size(),
                                  " characters, want at most ", kMaxTagLength));
  }
  if (!IsAlnum(tag[0]) && tag[0] != '_') {
    return InvalidArgument(
        StrCat(context, ": bad first character; got '", tag[0], "', want [a-zA-Z0-9_]"));
  }
  for (std::size_t i = 1; i < tag.size(); ++i) {
    char c = tag[i];
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return InvalidArgument(
          StrCat(context, ": bad character at offset ", i, "; got '", c, "', want [a-zA-Z0-9._-]"));
    }
  }
  return OkStatus();
}

Result<Reference> Reference::Parse(std::string_view text) {
  return ParseRegistryReference(text, text);
}

std::string Reference::str() const {
  std::string out = StrCat(registry, "/", repository);
  if (!tag.empty()) out += StrCat(":", tag);
  if (digest.has_value()) out += StrCat("@", digest->str());
  return out;
}

std::string Reference::ReferenceOrDigest() const {
  return digest.has_value() ? digest->str() : tag;
}

Result<TargetRef> TargetRef::Parse(std::string_view text) {
  if (text.starts_with(kArchivePrefix)) {
    return ParseLocalTarget(TargetKind::kArchive, text, text.substr(kArchivePrefix.size()));
  }
  if (text.starts_with(kLayoutPrefix)) {
    return ParseLocalTarget(TargetKind::kLayout, text, text.substr(kLayoutPrefix.size()));
  }
  if (text.starts_with(kStorePrefix)) {
    return ParseLocalTarget(TargetKind::kStore, text, text.substr(kStorePrefix.size()));
  }
  std::string_view registry_text = text;
  if (registry_text.starts_with(kDockerPrefix)) registry_text.remove_prefix(kDockerPrefix.size());
  TargetRef target;
  target.kind = TargetKind::kRegistry;
  EC_ASSIGN_OR_RETURN(target.remote, ParseRegistryReference(registry_text, text));
  return target;
}

std::string TargetRef::str() const {
  if (kind == TargetKind::kRegistry) return remote.str();
  std::string out = StrCat(kind == TargetKind::kLayout    ? kLayoutPrefix
                           : kind == TargetKind::kArchive ? kArchivePrefix
                                                          : kStorePrefix,
                           path);
  if (!tag.empty()) out += StrCat(":", tag);
  if (digest.has_value()) out += StrCat("@", digest->str());
  return out;
}

std::string TargetRef::ReferenceOrDigest() const {
  if (kind == TargetKind::kRegistry) return remote.ReferenceOrDigest();
  return digest.has_value() ? digest->str() : tag;
}

}  // namespace ec::oci
