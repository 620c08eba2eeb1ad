// Workers: threads that take runs from the RunStore's queue and execute them (runner.h). A
// worker holds a lease on its run and renews it while the run's child process works; a worker
// that dies (the whole serve killed) leaves a lease that expires, and the next claim resumes
// the run from the start with attempt + 1: exports are deterministic and distributions are
// recorded, so the result is the same and nothing is pushed twice.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/metrics.h"
#include "service/run_store.h"
#include "service/runner.h"

namespace ec::service {

struct WorkerOptions {
  int count = 1;
  std::string id_prefix;                 // unique per process: "host:pid"
  std::int64_t lease_seconds = 30;
  std::chrono::milliseconds idle_poll{500};
  // Called with one JSON log line per run state change (structured logs); may be null.
  std::function<void(const std::string&)> log;
};

class Workers {
 public:
  Workers(RunStore& store, RunnerConfig config, Metrics* metrics, WorkerOptions options);
  ~Workers();
  void Start();
  // Stops taking runs and waits for the threads; a run in progress is left to its lease (it is
  // resumed by the next serve), so a restart never loses it.
  void Stop();
  // Wakes idle workers (a run was just queued).
  void Notify();

 private:
  void Loop(int n);
  void Process(const std::string& worker, const Run& run);
  void Log(const Run& run, std::string_view event, std::string_view detail);
  // The profile's retention, after a run of it succeeded (retention.h); audit-logged.
  void Retain(const Run& run, const ExportProfile& profile);

  RunStore& store_;
  RunnerConfig config_;
  Metrics* metrics_;
  WorkerOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;
};

}  // namespace ec::service
