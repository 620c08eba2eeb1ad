#include "tuf/delegation.h"

#include "oci/digest.h"
#include "tuf/hex.h"

namespace ec::tuf {
namespace {

std::size_t SuffixWidth(int bit_length) { return static_cast<std::size_t>((bit_length + 3) / 4); }

std::uint64_t BinCount(int bit_length) { return std::uint64_t{1} << bit_length; }

// fnmatch over one segment (no '/'). Not oci::GlobMatch: TUF patterns may use character
// classes, and treating "[a-z]*" literally would skip a terminating delegation and let a later,
// less trusted role answer for the target.
bool GlobMatch(std::string_view s, std::string_view p) {
  std::size_t si = 0, pi = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const char pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        // A class; an unterminated '[' is a literal, as in fnmatch.
        std::size_t j = pi + 1;
        bool negate = false;
        if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
          negate = true;
          ++j;
        }
        const std::size_t first = j;
        bool matched = false;
        while (j < p.size() && (p[j] != ']' || j == first)) {
          if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            matched = matched || (s[si] >= p[j] && s[si] <= p[j + 2]);
            j += 3;
          } else {
            matched = matched || s[si] == p[j];
            ++j;
          }
        }
        if (j < p.size()) {
          if (matched != negate) {
            pi = j + 1;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else if (pc == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

}  // namespace

std::uint32_t BinIndex(int bit_length, std::string_view target_path) {
  const std::optional<std::string> digest =
      HexDecode(oci::Digest::OfBytes(target_path).hex().substr(0, 8));
  std::uint32_t prefix = 0;
  for (char c : *digest) prefix = (prefix << 8) | static_cast<unsigned char>(c);
  return bit_length >= 32 ? prefix : prefix >> (32 - bit_length);
}

std::string BinName(const SuccinctRoles& bins, std::uint32_t index) {
  std::string hex;
  do {
    hex.insert(hex.begin(), "0123456789abcdef"[index & 0xf]);
    index >>= 4;
  } while (index != 0);
  const std::size_t width = SuffixWidth(bins.bit_length);
  if (hex.size() < width) hex.insert(0, width - hex.size(), '0');
  return StrCat(bins.name_prefix, "-", hex);
}

bool IsBinName(const SuccinctRoles& bins, std::string_view role_name) {
  const std::string prefix = bins.name_prefix + "-";
  if (!role_name.starts_with(prefix)) return false;
  const std::string_view suffix = role_name.substr(prefix.size());
  if (suffix.size() != SuffixWidth(bins.bit_length)) return false;
  std::uint64_t index = 0;
  for (char c : suffix) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) return false;  // we write lower case; the name must round-trip
    index = index * 16 + static_cast<std::uint64_t>(v);
  }
  return index < BinCount(bins.bit_length);
}

bool PathMatchesPattern(std::string_view path, std::string_view pattern) {
  const std::vector<std::string_view> path_parts = Split(path);
  const std::vector<std::string_view> pattern_parts = Split(pattern);
  if (path_parts.size() != pattern_parts.size()) return false;
  for (std::size_t i = 0; i < path_parts.size(); ++i) {
    if (!GlobMatch(path_parts[i], pattern_parts[i])) return false;
  }
  return true;
}

bool DelegatesPath(const DelegatedRole& role, std::string_view target_path) {
  if (role.paths) {
    for (const std::string& pattern : *role.paths) {
      if (PathMatchesPattern(target_path, pattern)) return true;
    }
    return false;
  }
  if (role.path_hash_prefixes) {
    const std::string hash = oci::Digest::OfBytes(target_path).hex();
    for (const std::string& prefix : *role.path_hash_prefixes) {
      if (hash.starts_with(prefix)) return true;
    }
  }
  return false;
}

std::vector<ChildRole> RolesForTarget(const Delegations& delegations,
                                      std::string_view target_path) {
  if (delegations.succinct_roles) {
    const SuccinctRoles& bins = *delegations.succinct_roles;
    return {ChildRole{BinName(bins, BinIndex(bins.bit_length, target_path)), true}};
  }
  std::vector<ChildRole> out;
  for (const DelegatedRole& role : delegations.roles) {
    if (DelegatesPath(role, target_path)) out.push_back(ChildRole{role.name, role.terminating});
  }
  return out;
}

const RoleKeys* DelegatedRoleKeys(const Delegations& delegations, std::string_view role_name) {
  if (delegations.succinct_roles) {
    return IsBinName(*delegations.succinct_roles, role_name) ? &delegations.succinct_roles->keys
                                                             : nullptr;
  }
  for (const DelegatedRole& role : delegations.roles) {
    if (role.name == role_name) return &role.keys;
  }
  return nullptr;
}

}  // namespace ec::tuf
