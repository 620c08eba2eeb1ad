// Which delegated roles may sign for a target path: glob `paths`, `path_hash_prefixes` and
// TAP 15 succinct hash bins. Shared by the writer (which bin gets a target) and the client
// (which roles to visit).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tuf/metadata.h"

namespace ec::tuf {

// The bin of `target_path`: the first 4 bytes of sha256(path), big-endian, shifted right by
// 32 - bit_length.
std::uint32_t BinIndex(int bit_length, std::string_view target_path);
// "<prefix>-<hex>", zero-padded to the width of hex(2^bit_length - 1).
std::string BinName(const SuccinctRoles& bins, std::uint32_t index);
// True when `role_name` is one of the 2^bit_length bins.
bool IsBinName(const SuccinctRoles& bins, std::string_view role_name);

// Shell-glob match ('*', '?', "[...]" with '!' or '^' negation) per '/' segment: pattern and
// path must have the same number of segments, so a wildcard never matches '/'.
// Case-sensitive. Unlike tuf-js (minimatch), braces are literal and '*' matches a leading '.',
// as in python-tuf (fnmatch).
bool PathMatchesPattern(std::string_view path, std::string_view pattern);

// True when `role` delegates `target_path` (any pattern, or any hash prefix).
bool DelegatesPath(const DelegatedRole& role, std::string_view target_path);

struct ChildRole {
  std::string name;
  bool terminating = false;
};

// The roles of `delegations` responsible for `target_path`, in order of trust (spec 5.6.7.2).
std::vector<ChildRole> RolesForTarget(const Delegations& delegations, std::string_view target_path);

// Who signs delegated role `role_name`, or nullptr when `delegations` does not delegate it.
const RoleKeys* DelegatedRoleKeys(const Delegations& delegations, std::string_view role_name);

}  // namespace ec::tuf
