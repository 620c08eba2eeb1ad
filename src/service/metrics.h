// Metrics: the export service's Prometheus metrics, rendered in the text exposition format
// 0.0.4 for GET /metrics. A small registry for exactly these families, not a general library:
//
//   export_run_duration_seconds{profile}            histogram  wall-clock time of finished runs
//   export_runs_total{profile,tenant,status}        counter    finished runs by outcome
//   export_run_bytes_total{profile,tenant}          counter    bytes written by finished runs
//   export_queue_depth                              gauge      runs waiting, asked at scrape time
//   export_runs_running                             gauge      runs a worker is executing now
//   export_http_requests_total{method,route,code}   counter    API requests served
//   export_http_request_duration_seconds{route}     histogram  API request latency
//
// `profile` is the profile's kind (json:raw, trivy:db, mirror:full, ...), never its name:
// names are per tenant and unbounded. `route` is the route template ("/v1/runs/{id}"), never
// the raw path; a request that matched no route is reported as kUnmatchedRoute. `status` is
// succeeded, failed or canceled: the first run of a profile kind and tenant creates all three
// series at 0, so that increase() in alerts sees that pair's first failure.
//
// monitoring/ holds the alerting rules and the Grafana dashboard built on these names, and
// conformance/service/promtool.sh checks that they use no other export_* name.
//
// Thread-safe: every method may be called from any thread. Render() orders families by name
// and series by their label values, so equal state renders equal bytes.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ec::service {

// The Content-Type of Render()'s output.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Upper bounds (le) of the histograms' finite buckets; +Inf follows.
inline constexpr std::array<double, 11> kRunDurationBuckets = {0.5, 1,   2,   5,   10,  30,
                                                               60,  120, 300, 600, 1800};
inline constexpr std::array<double, 9> kHttpDurationBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                               0.25,  0.5,  1,     2.5};

// The route label of a request that matched no route (404 before routing).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A run reached its final status (succeeded | failed | canceled), after `seconds` of wall
  // time (from start, or from queueing for a run canceled before it started) having written
  // `bytes`. Negative or NaN inputs count as 0. Does not change export_runs_running.
  void RunFinished(std::string_view profile, std::string_view tenant, std::string_view status,
                   double seconds, std::int64_t bytes);

  // export_runs_running: a worker calls RunStarted when it begins executing a run and
  // RunStopped when it is done with it, whatever the outcome (RunFinished is separate so that
  // a run canceled while queued is counted without touching the gauge).
  void RunStarted();
  void RunStopped();

  // One served API request. `route` is the matched route template, or kUnmatchedRoute (an
  // empty route counts as that).
  void HttpRequest(std::string_view method, std::string_view route, int code, double seconds);

  // export_queue_depth is read from `source` at every Render(), outside the registry's lock.
  // Without a source, or when it throws, the family is rendered without a sample.
  void SetQueueDepthSource(std::function<std::int64_t()> source);

  // The text exposition format 0.0.4, with # HELP and # TYPE for every family.
  std::string Render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // per finite bucket, not cumulative
    std::uint64_t overflow = 0;         // above the last finite bound
    double sum = 0;
    std::uint64_t count = 0;
  };
  static void Observe(Histogram& h, const double* bounds, std::size_t n, double value);

  mutable std::mutex mu_;
  // Keys are label values in the order listed at the top of this file.
  std::map<std::array<std::string, 1>, Histogram> run_duration_;
  std::map<std::array<std::string, 3>, std::uint64_t> runs_;
  std::map<std::array<std::string, 2>, std::uint64_t> run_bytes_;
  std::int64_t running_ = 0;
  std::function<std::int64_t()> queue_depth_;
  std::map<std::array<std::string, 3>, std::uint64_t> http_requests_;
  std::map<std::array<std::string, 1>, Histogram> http_duration_;
};

}  // namespace ec::service
