// Client: the target half of the workflow (spec 5.6.7 delegation search, 5.7 download).
#include <algorithm>
#include <set>
#include <system_error>
#include <vector>

#include "tuf/client.h"
#include "tuf/delegation.h"
#include "tuf/target_files.h"

namespace ec::tuf {

Result<Target> Client::GetTarget(const std::string& path) {
  if (!refreshed_) EC_RETURN_IF_ERROR(Refresh());
  struct Visit {
    std::string role;
    std::string delegator;
  };
  // Pre-order depth-first: a stack whose top is the next most trusted role.
  std::vector<Visit> stack{{"targets", ""}};
  std::set<std::string> visited;
  while (!stack.empty() && static_cast<int>(visited.size()) <= options_.max_delegations) {
    Visit visit = std::move(stack.back());
    stack.pop_back();
    if (visited.contains(visit.role)) continue;  // cycles
    EC_ASSIGN_OR_RETURN(const Signed<Targets>* targets, LoadTargets(visit.role, visit.delegator));
    if (auto it = targets->role.targets.find(path); it != targets->role.targets.end()) {
      return Target{path, it->second, visit.role};
    }
    visited.insert(visit.role);
    if (!targets->role.delegations) continue;
    std::vector<Visit> children;
    for (const ChildRole& child : RolesForTarget(*targets->role.delegations, path)) {
      children.push_back({child.name, visit.role});
      if (child.terminating) {
        stack.clear();  // spec 5.6.7.2.1: nothing after a terminating delegation
        break;
      }
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return NotFound(StrCat("target ", path, ": not listed by any trusted targets role"));
}

Result<std::string> Client::TargetRepositoryPath(const std::string& path) {
  EC_ASSIGN_OR_RETURN(Target target, GetTarget(path));
  if (!root_.role.consistent_snapshot) return "targets/" + path;
  // tuf-js and python-tuf use the first listed hash; we write only sha256, and repositories
  // listing more must hold a copy under each, so any one will do.
  auto hash = target.file.hashes.find("sha256");
  if (hash == target.file.hashes.end()) hash = target.file.hashes.begin();
  return "targets/" + ConsistentTargetPath(path, hash->second);
}

Status Client::VerifyDigest(const Target& target, std::int64_t length, const Hashes& got) {
  if (length != target.file.length) {
    return DataLoss(
        StrCat("target ", target.path, ": got ", length, " bytes, want ", target.file.length));
  }
  for (const auto& [alg, want] : target.file.hashes) {
    if (got.at(alg) != want) {
      return DataLoss(
          StrCat("target ", target.path, ": got ", alg, " ", got.at(alg), ", want ", want));
    }
  }
  return OkStatus();
}

Result<std::string> Client::DownloadTarget(const std::string& path) {
  EC_ASSIGN_OR_RETURN(Target target, GetTarget(path));
  EC_ASSIGN_OR_RETURN(std::string location, TargetRepositoryPath(path));
  Result<std::string> bytes =
      fetcher_->Fetch(location, static_cast<std::size_t>(target.file.length));
  if (!bytes.ok()) return bytes.status().WithPrefix(StrCat("target ", path));
  Result<Hashes> got = HashBytes(*bytes, target.file.hashes);
  if (!got.ok()) return got.status().WithPrefix(StrCat("target ", path));
  EC_RETURN_IF_ERROR(VerifyDigest(target, static_cast<std::int64_t>(bytes->size()), *got));
  return bytes;
}

Status Client::VerifyTargetFile(const std::string& path, const std::filesystem::path& file) {
  EC_ASSIGN_OR_RETURN(Target target, GetTarget(path));
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) return NotFound(StrCat("target ", path, ": ", file.string(), ": ", ec.message()));
  if (size != static_cast<std::uintmax_t>(target.file.length)) {
    // Cheaper than hashing a file of the wrong size.
    return VerifyDigest(target, static_cast<std::int64_t>(size), {});
  }
  Result<FileDigest> digest = HashFile(file, target.file.hashes);
  if (!digest.ok()) return digest.status().WithPrefix(StrCat("target ", path));
  return VerifyDigest(target, digest->length, digest->hashes);
}

}  // namespace ec::tuf
