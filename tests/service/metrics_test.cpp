// The service's Prometheus metrics: exact exposition text, escaping, the queue-depth callback,
// bad input, and exact totals under concurrent updates.
#include "service/metrics.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ec::service {
namespace {

// The lines of `text` that start with `prefix`, joined with newlines.
std::string Lines(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.substr(0, prefix.size()) == prefix) {
      out += line;
      out += '\n';
    }
    start = end + 1;
  }
  return out;
}

TEST_CASE("An empty registry renders every family's help and type", "[service][metrics]") {
  Metrics m;
  CHECK(m.Render() ==
        "# HELP export_http_request_duration_seconds Latency of the export API's HTTP requests, "
        "by route template.\n"
        "# TYPE export_http_request_duration_seconds histogram\n"
        "# HELP export_http_requests_total HTTP requests served by the export API, by method, "
        "route template and status code.\n"
        "# TYPE export_http_requests_total counter\n"
        "# HELP export_queue_depth Export runs waiting in the queue.\n"
        "# TYPE export_queue_depth gauge\n"
        "# HELP export_run_bytes_total Bytes written by finished export runs, by profile kind "
        "and tenant.\n"
        "# TYPE export_run_bytes_total counter\n"
        "# HELP export_run_duration_seconds Wall-clock duration of finished export runs, by "
        "profile kind.\n"
        "# TYPE export_run_duration_seconds histogram\n"
        "# HELP export_runs_running Export runs a worker is executing now.\n"
        "# TYPE export_runs_running gauge\n"
        "export_runs_running 0\n"
        "# HELP export_runs_total Finished export runs, by profile kind, tenant and status "
        "(succeeded, failed, canceled).\n"
        "# TYPE export_runs_total counter\n");
}

TEST_CASE("A small scenario renders exactly", "[service][metrics]") {
  Metrics m;
  m.SetQueueDepthSource([] { return std::int64_t{4}; });
  m.RunStarted();
  m.RunStarted();
  m.RunStopped();
  m.RunFinished("json:raw", "acme", "succeeded", 0.5, 1000);  // on a bound: le is inclusive
  m.RunFinished("json:raw", "acme", "failed", 3, 24);
  m.RunFinished("json:raw", "beta", "succeeded", 700, 0);
  m.RunFinished("trivy:db", "acme", "succeeded", 4000, 5);   // past 1800: only in +Inf
  m.HttpRequest("GET", "/v1/runs/{id}", 200, 0.004);
  m.HttpRequest("GET", "/v1/runs/{id}", 404, 0.01);
  m.HttpRequest("POST", "/v1/runs", 201, 3);

  const std::string want =
      "# HELP export_http_request_duration_seconds Latency of the export API's HTTP requests, "
      "by route template.\n"
      "# TYPE export_http_request_duration_seconds histogram\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.005\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.01\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.025\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.05\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.1\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.25\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"0.5\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"1\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"2.5\"} 0\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs\",le=\"+Inf\"} 1\n"
      "export_http_request_duration_seconds_sum{route=\"/v1/runs\"} 3\n"
      "export_http_request_duration_seconds_count{route=\"/v1/runs\"} 1\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.005\"} 1\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.01\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.025\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.05\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.1\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.25\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"0.5\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"1\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"2.5\"} 2\n"
      "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",le=\"+Inf\"} 2\n"
      "export_http_request_duration_seconds_sum{route=\"/v1/runs/{id}\"} 0.014\n"
      "export_http_request_duration_seconds_count{route=\"/v1/runs/{id}\"} 2\n"
      "# HELP export_http_requests_total HTTP requests served by the export API, by method, "
      "route template and status code.\n"
      "# TYPE export_http_requests_total counter\n"
      "export_http_requests_total{method=\"GET\",route=\"/v1/runs/{id}\",code=\"200\"} 1\n"
      "export_http_requests_total{method=\"GET\",route=\"/v1/runs/{id}\",code=\"404\"} 1\n"
      "export_http_requests_total{method=\"POST\",route=\"/v1/runs\",code=\"201\"} 1\n"
      "# HELP export_queue_depth Export runs waiting in the queue.\n"
      "# TYPE export_queue_depth gauge\n"
      "export_queue_depth 4\n"
      "# HELP export_run_bytes_total Bytes written by finished export runs, by profile kind "
      "and tenant.\n"
      "# TYPE export_run_bytes_total counter\n"
      "export_run_bytes_total{profile=\"json:raw\",tenant=\"acme\"} 1024\n"
      "export_run_bytes_total{profile=\"json:raw\",tenant=\"beta\"} 0\n"
      "export_run_bytes_total{profile=\"trivy:db\",tenant=\"acme\"} 5\n"
      "# HELP export_run_duration_seconds Wall-clock duration of finished export runs, by "
      "profile kind.\n"
      "# TYPE export_run_duration_seconds histogram\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"0.5\"} 1\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"1\"} 1\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"2\"} 1\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"5\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"10\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"30\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"60\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"120\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"300\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"600\"} 2\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"1800\"} 3\n"
      "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"+Inf\"} 3\n"
      "export_run_duration_seconds_sum{profile=\"json:raw\"} 703.5\n"
      "export_run_duration_seconds_count{profile=\"json:raw\"} 3\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"0.5\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"1\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"2\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"5\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"10\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"30\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"60\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"120\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"300\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"600\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"1800\"} 0\n"
      "export_run_duration_seconds_bucket{profile=\"trivy:db\",le=\"+Inf\"} 1\n"
      "export_run_duration_seconds_sum{profile=\"trivy:db\"} 4000\n"
      "export_run_duration_seconds_count{profile=\"trivy:db\"} 1\n"
      "# HELP export_runs_running Export runs a worker is executing now.\n"
      "# TYPE export_runs_running gauge\n"
      "export_runs_running 1\n"
      "# HELP export_runs_total Finished export runs, by profile kind, tenant and status "
      "(succeeded, failed, canceled).\n"
      "# TYPE export_runs_total counter\n"
      // The first run of a profile kind and tenant creates all three statuses.
      "export_runs_total{profile=\"json:raw\",tenant=\"acme\",status=\"canceled\"} 0\n"
      "export_runs_total{profile=\"json:raw\",tenant=\"acme\",status=\"failed\"} 1\n"
      "export_runs_total{profile=\"json:raw\",tenant=\"acme\",status=\"succeeded\"} 1\n"
      "export_runs_total{profile=\"json:raw\",tenant=\"beta\",status=\"canceled\"} 0\n"
      "export_runs_total{profile=\"json:raw\",tenant=\"beta\",status=\"failed\"} 0\n"
      "export_runs_total{profile=\"json:raw\",tenant=\"beta\",status=\"succeeded\"} 1\n"
      "export_runs_total{profile=\"trivy:db\",tenant=\"acme\",status=\"canceled\"} 0\n"
      "export_runs_total{profile=\"trivy:db\",tenant=\"acme\",status=\"failed\"} 0\n"
      "export_runs_total{profile=\"trivy:db\",tenant=\"acme\",status=\"succeeded\"} 1\n";
  CHECK(m.Render() == want);
  CHECK(m.Render() == want);  // rendering changes nothing
}

TEST_CASE("Label values are escaped; series sort by label values", "[service][metrics]") {
  Metrics m;
  m.RunFinished("json:raw", "a\"b\\c\nd", "succeeded", 1, 1);
  m.RunFinished("json:raw", "Z", "succeeded", 1, 1);
  m.HttpRequest("GET", "", 404, 0.001);  // no route matched
  std::string text = m.Render();
  CHECK(Lines(text, "export_run_bytes_total{") ==
        "export_run_bytes_total{profile=\"json:raw\",tenant=\"Z\"} 1\n"
        "export_run_bytes_total{profile=\"json:raw\",tenant=\"a\\\"b\\\\c\\nd\"} 1\n");
  CHECK(Lines(text, "export_http_requests_total{") ==
        "export_http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1\n");
  // Every line is a comment or one sample: the raw newline never reaches the output.
  CHECK(Lines(text, "d\"") == "");
}

TEST_CASE("The queue depth is read at every scrape; absent without a source or on error",
          "[service][metrics]") {
  Metrics m;
  CHECK(Lines(m.Render(), "export_queue_depth ") == "");
  std::int64_t depth = 0;
  m.SetQueueDepthSource([&depth] { return depth; });
  CHECK(Lines(m.Render(), "export_queue_depth ") == "export_queue_depth 0\n");
  depth = 17;
  CHECK(Lines(m.Render(), "export_queue_depth ") == "export_queue_depth 17\n");
  m.SetQueueDepthSource([]() -> std::int64_t { throw std::runtime_error("database is locked"); });
  std::string text = m.Render();
  CHECK(Lines(text, "export_queue_depth ") == "");
  CHECK(Lines(text, "# TYPE export_queue_depth") == "# TYPE export_queue_depth gauge\n");
  // A source that calls into the registry does not deadlock.
  m.SetQueueDepthSource([&m] {
    m.RunStarted();
    m.RunStopped();
    return std::int64_t{1};
  });
  CHECK(Lines(m.Render(), "export_queue_depth ") == "export_queue_depth 1\n");
}

TEST_CASE("Bad input never makes a counter go down", "[service][metrics]") {
  Metrics m;
  m.RunStopped();  // more stops than starts: the gauge stays at 0
  m.RunFinished("json:raw", "acme", "failed", -3, -100);
  m.RunFinished("json:raw", "acme", "failed", std::numeric_limits<double>::quiet_NaN(), 0);
  m.HttpRequest("GET", "/v1/runs", 500, -1);
  std::string text = m.Render();
  CHECK(Lines(text, "export_runs_running ") == "export_runs_running 0\n");
  CHECK(Lines(text, "export_run_bytes_total{") ==
        "export_run_bytes_total{profile=\"json:raw\",tenant=\"acme\"} 0\n");
  CHECK(Lines(text, "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"0.5\"}") ==
        "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"0.5\"} 2\n");
  CHECK(Lines(text, "export_run_duration_seconds_sum") ==
        "export_run_duration_seconds_sum{profile=\"json:raw\"} 0\n");
  CHECK(Lines(text, "export_http_request_duration_seconds_sum") ==
        "export_http_request_duration_seconds_sum{route=\"/v1/runs\"} 0\n");
}

TEST_CASE("Concurrent updates give exact totals", "[service][metrics]") {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  Metrics m;
  m.SetQueueDepthSource([] { return std::int64_t{3}; });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      std::string tenant = t % 2 == 0 ? "even" : "odd";
      for (int i = 0; i < kPerThread; ++i) {
        m.RunStarted();
        m.RunFinished("json:raw", tenant, i % 4 == 0 ? "failed" : "succeeded", 0.25, 10);
        m.HttpRequest("GET", "/v1/runs/{id}", 200, 0.5);
        m.RunStopped();
      }
    });
  }
  // A scraper running alongside the writers (Catch's CHECK is not thread-safe: count here).
  int good_scrapes = 0;
  std::thread scraper([&m, &good_scrapes] {
    for (int i = 0; i < 50; ++i) {
      if (m.Render().find("export_queue_depth 3\n") != std::string::npos) ++good_scrapes;
    }
  });
  for (std::thread& t : threads) t.join();
  scraper.join();
  CHECK(good_scrapes == 50);

  std::string text = m.Render();
  // Per tenant: 4 threads × 2000 runs, a quarter failed.
  CHECK(Lines(text, "export_runs_total{") ==
        "export_runs_total{profile=\"json:raw\",tenant=\"even\",status=\"canceled\"} 0\n"
        "export_runs_total{profile=\"json:raw\",tenant=\"even\",status=\"failed\"} 2000\n"
        "export_runs_total{profile=\"json:raw\",tenant=\"even\",status=\"succeeded\"} 6000\n"
        "export_runs_total{profile=\"json:raw\",tenant=\"odd\",status=\"canceled\"} 0\n"
        "export_runs_total{profile=\"json:raw\",tenant=\"odd\",status=\"failed\"} 2000\n"
        "export_runs_total{profile=\"json:raw\",tenant=\"odd\",status=\"succeeded\"} 6000\n");
  CHECK(Lines(text, "export_run_bytes_total{") ==
        "export_run_bytes_total{profile=\"json:raw\",tenant=\"even\"} 80000\n"
        "export_run_bytes_total{profile=\"json:raw\",tenant=\"odd\"} 80000\n");
  CHECK(Lines(text, "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"0.5\"}") ==
        "export_run_duration_seconds_bucket{profile=\"json:raw\",le=\"0.5\"} 16000\n");
  CHECK(Lines(text, "export_run_duration_seconds_sum") ==
        "export_run_duration_seconds_sum{profile=\"json:raw\"} 4000\n");  // 0.25 adds exactly
  CHECK(Lines(text, "export_run_duration_seconds_count") ==
        "export_run_duration_seconds_count{profile=\"json:raw\"} 16000\n");
  CHECK(Lines(text, "export_http_requests_total{") ==
        "export_http_requests_total{method=\"GET\",route=\"/v1/runs/{id}\",code=\"200\"} 16000\n");
  const std::string bucket = "export_http_request_duration_seconds_bucket{route=\"/v1/runs/{id}\",";
  CHECK(Lines(text, bucket + "le=\"0.25\"}") == bucket + "le=\"0.25\"} 0\n");
  CHECK(Lines(text, bucket + "le=\"0.5\"}") == bucket + "le=\"0.5\"} 16000\n");
  CHECK(Lines(text, "export_http_request_duration_seconds_sum") ==
        "export_http_request_duration_seconds_sum{route=\"/v1/runs/{id}\"} 8000\n");
  CHECK(Lines(text, "export_runs_running ") == "export_runs_running 0\n");
}

// Writes a populated exposition for conformance/service/promtool.sh (`promtool check metrics`
// and the list of names monitoring/ may use). Hidden: run with
// EC_METRICS_OUT=<file> ec_unit_tests "[.metrics-exposition]".
TEST_CASE("Write a sample exposition for promtool", "[.metrics-exposition]") {
  const char* out = std::getenv("EC_METRICS_OUT");
  REQUIRE(out != nullptr);
  Metrics m;
  m.SetQueueDepthSource([] { return std::int64_t{2}; });
  m.RunStarted();
  m.RunFinished("json:raw", "acme", "succeeded", 12.5, 1 << 20);
  m.RunFinished("mirror:full", "acme", "failed", 0.2, 0);
  m.RunFinished("trivy:db", "beta\"quoted\\", "canceled", 4000, 7);
  m.HttpRequest("GET", "/v1/runs/{id}", 200, 0.003);
  m.HttpRequest("POST", "/v1/profiles/{name}/runs", 201, 0.2);
  m.HttpRequest("GET", kUnmatchedRoute, 404, 0.0001);
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << m.Render();
  file.close();
  REQUIRE(file.good());
}

}  // namespace
}  // namespace ec::service
