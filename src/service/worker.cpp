#include "service/worker.h"

#include <chrono>
#include <ctime>

#include "oci/store/store.h"
#include "oci/time_format.h"
#include "service/retention.h"

namespace ec::service {
namespace {

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

Workers::Workers(RunStore& store, RunnerConfig config, Metrics* metrics, WorkerOptions options)
    : store_(store), config_(std::move(config)), metrics_(metrics), options_(std::move(options)) {}

Workers::~Workers() { Stop(); }

void Workers::Start() {
  for (int i = 0; i < options_.count; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void Workers::Stop() {
  stopping_ = true;
  Notify();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Workers::Notify() { wake_.notify_all(); }

void Workers::Log(const Run& run, std::string_view event, std::string_view detail) {
  if (!options_.log) return;
  json::Json line = {{"time", oci::FormatRfc3339(Now())}, {"level", event == "failed" ? "error" : "info"},
                     {"event", std::string("run.") + std::string(event)}, {"run", run.id}, {"tenant", run.tenant},
                     {"profile", run.profile_name}, {"revision", run.profile_revision}, {"attempt", run.attempt}};
  if (!detail.empty()) line["detail"] = std::string(detail);
  options_.log(line.dump());
}

void Workers::Loop(int n) {
  const std::string worker = StrCat(options_.id_prefix, ":", n);
  while (!stopping_) {
    auto claimed = store_.ClaimNextRun(worker, Now(), options_.lease_seconds);
    if (claimed.ok() && claimed->has_value()) {
      Process(worker, **claimed);
      continue;
    }
    if (!claimed.ok()) Log(Run{}, "claim_failed", claimed.status().message());
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.idle_poll, [this] { return stopping_.load(); });
  }
}

void Workers::Process(const std::string& worker, const Run& run) {
  const auto started = std::chrono::steady_clock::now();
  Log(run, "started", "");
  if (metrics_ != nullptr) metrics_->RunStarted();
  std::string kind = "unknown";  // a bounded label until the profile is read
  auto finish = [&](RunStatus status, const std::string& reason, const std::string& result, std::int64_t bytes) {
    Status s = store_.FinishRun(run.id, worker, status, reason, result, Now());
    if (!s.ok()) {
      Log(run, "finish_refused", s.message());
    } else {
      Log(run, RunStatusName(status), reason);
      if (metrics_ != nullptr) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        metrics_->RunFinished(kind, run.tenant, RunStatusName(status), seconds, bytes);
      }
    }
    if (metrics_ != nullptr) metrics_->RunStopped();
  };
  auto stored = store_.GetProfile(run.tenant, run.profile_name, run.profile_revision);
  if (!stored.ok()) return finish(RunStatus::kFailed, StrCat("profile: ", stored.status().message()), "", 0);
  auto profile = ParseExportProfile(stored->document, StrCat("profile ", run.profile_name, " r", run.profile_revision));
  if (!profile.ok()) return finish(RunStatus::kFailed, profile.status().message(), "", 0);
  kind = std::string(ProfileKindName(profile->kind));

  bool cancel_requested = false;
  bool lease_lost = false;
  RunCallbacks cb;
  cb.progress = [&](std::string_view phase, std::int64_t done, std::int64_t total) {
    if (stopping_) return false;
    auto reply = store_.Heartbeat(run.id, worker, Now(), options_.lease_seconds, Progress{done, total});
    if (!reply.ok()) {
      lease_lost = reply.status().code() == Code::kFailedPrecondition;
      return !lease_lost;
    }
    (void)phase;
    cancel_requested = reply->cancel_requested;
    return !cancel_requested;
  };
  cb.event = [&](std::string_view type, const json::Json& data) {
    (void)store_.AppendEvent(run.id, type, data.dump(), Now());
  };
  cb.distributed = [&](const std::string& target, const std::string& digest) -> Result<bool> {
    EC_ASSIGN_OR_RETURN(auto records, store_.Distributions(run.tenant, run.id));
    for (const DistributionRecord& r : records) {
      if (r.target == target && r.digest == digest) return true;
    }
    return false;
  };
  cb.record_distribution = [&](const std::string& target, const std::string& digest) {
    return store_.RecordDistribution(run.id, target, digest, Now()).status();
  };
  cb.find_run = [&](const std::string& id) { return store_.GetRun(run.tenant, id); };
  auto outcome = ExecuteRun(config_, run, *profile, stored->created_at, cb);
  if (!outcome.ok()) return finish(RunStatus::kFailed, outcome.status().message(), "", 0);
  if (outcome->stopped) {
    if (cancel_requested) return finish(RunStatus::kCanceled, "canceled by request", "", 0);
    // Stopping the service or a lost lease: the run stays for its lease to expire and be resumed.
    Log(run, lease_lost ? "lease_lost" : "left_for_resume", "");
    if (metrics_ != nullptr) metrics_->RunStopped();
    return;
  }
  finish(RunStatus::kSucceeded, "", outcome->result.dump(), outcome->result.value("bytes", std::int64_t{0}));
  Retain(run, *profile);
}

void Workers::Retain(const Run& run, const ExportProfile& profile) {
  if (!profile.retention) return;
  auto store = oci::store::Store::Open(config_.store_dir, {.create = false});
  auto report = store.ok() ? ApplyRetention(store_, **store, profile, run.tenant, run.id, Now())
                           : Result<RetentionReport>(store.status());
  if (!report.ok()) return Log(run, "retention_failed", report.status().message());
  for (const std::string& id : report->expired) {
    AuditEntry e;
    e.time = Now();
    e.tenant = run.tenant;
    e.actor = "retention";
    e.action = "run.expire";
    e.object = id;
    e.outcome = "ok";
    e.detail = StrCat("profile ", profile.name, " ", profile.revision);
    (void)store_.AppendAudit(e);
    Log(run, "expired", id);
  }
}

}  // namespace ec::service
