#include "service/retention.h"

#include <set>

#include "json/parse.h"
#include "service/runner.h"

namespace ec::service {
namespace {

constexpr int kMaxRunsExamined = 10000;

// The succeeded runs of one profile, newest first.
Result<std::vector<Run>> SucceededRuns(RunStore& runs, const std::string& tenant, const std::string& profile) {
  std::vector<Run> out;
  PageRequest page;
  page.limit = kMaxPageSize;
  while (static_cast<int>(out.size()) < kMaxRunsExamined) {
    RunFilter filter;
    filter.status = RunStatus::kSucceeded;
    filter.profile = profile;
    EC_ASSIGN_OR_RETURN(RunPage p, runs.ListRuns(tenant, filter, page));
    out.insert(out.end(), p.runs.begin(), p.runs.end());
    if (p.next.empty()) break;
    page.after = p.next;
  }
  return out;
}

std::string ArtifactDigest(const Run& run) {
  auto result = json::Parse(run.result, "run result");
  return result.ok() ? result->value("/artifact/digest"_json_pointer, std::string()) : std::string();
}

bool Ignorable(const Status& s) { return s.ok() || s.code() == Code::kNotFound; }

}  // namespace

Result<bool> RunKept(oci::store::Store& store, const Run& run) {
  auto record = store.ResolveManifest(ExportRepository(run.tenant, run.profile_name), run.id);
  if (record.ok()) return true;
  if (record.status().code() == Code::kNotFound) return false;
  return record.status();
}

Result<RetentionReport> ApplyRetention(RunStore& runs, oci::store::Store& store, const ExportProfile& profile,
                                       const std::string& tenant, const std::string& just_finished, std::int64_t now) {
  RetentionReport report;
  if (!profile.retention) return report;
  const Retention& keep = *profile.retention;
  const std::string repo = ExportRepository(tenant, profile.name);
  EC_ASSIGN_OR_RETURN(std::vector<Run> succeeded, SucceededRuns(runs, tenant, profile.name));
  std::vector<const Run*> expire;
  std::set<std::string> kept_digests;
  std::int64_t position = 0;
  for (const Run& r : succeeded) {
    ++position;
    const bool too_many = keep.keep > 0 && position > keep.keep;
    const bool too_old = keep.days > 0 && r.finished_at > 0 && r.finished_at < now - keep.days * 86400;
    if (r.id != just_finished && (too_many || too_old)) {
      expire.push_back(&r);
    } else {
      kept_digests.insert(ArtifactDigest(r));
    }
  }
  std::set<std::string> candidates;
  for (const Run* r : expire) {
    EC_ASSIGN_OR_RETURN(bool kept, RunKept(store, *r));
    if (!kept) continue;  // expired earlier
    Status s = store.DeleteTag(repo, r->id);
    if (!Ignorable(s)) return s.WithPrefix(StrCat("expire run ", r->id));
    report.expired.push_back(r->id);
    const std::string digest = ArtifactDigest(*r);
    if (!digest.empty() && !kept_digests.count(digest)) candidates.insert(digest);
  }
  for (const std::string& text : candidates) {
    EC_ASSIGN_OR_RETURN(oci::Digest digest, oci::Digest::Parse(text));
    // Its signatures first: the Sigstore bundle referrers and cosign's digest tag.
    auto referrers = store.Referrers(repo, digest, "");
    if (referrers.ok()) {
      for (const oci::Descriptor& d : *referrers) {
        Status s = store.DeleteManifest(repo, d.digest);
        if (!Ignorable(s)) return s.WithPrefix(StrCat("expire signature ", d.digest.str()));
      }
    }
    auto cosign = store.ResolveManifest(repo, StrCat(digest.algorithm_name(), "-", digest.hex(), ".sig"));
    if (cosign.ok()) {
      Status s = store.DeleteManifest(repo, cosign->descriptor.digest);
      if (!Ignorable(s)) return s.WithPrefix(StrCat("expire signature ", cosign->descriptor.digest.str()));
    }
    Status s = store.DeleteManifest(repo, digest);
    if (!Ignorable(s)) return s.WithPrefix(StrCat("expire artifact ", text));
    report.manifests_deleted.push_back(text);
  }
  return report;
}

}  // namespace ec::service
