#include "service/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

namespace ec::service {
namespace {

// Family names and help. conformance/service/promtool.sh greps the "export_..." literals in
// this file for the names monitoring/ may use.
constexpr std::string_view kHttpDuration = "export_http_request_duration_seconds";
constexpr std::string_view kHttpRequests = "export_http_requests_total";
constexpr std::string_view kQueueDepth = "export_queue_depth";
constexpr std::string_view kRunBytes = "export_run_bytes_total";
constexpr std::string_view kRunDuration = "export_run_duration_seconds";
constexpr std::string_view kRunsRunning = "export_runs_running";
constexpr std::string_view kRuns = "export_runs_total";

constexpr std::array<std::string_view, 3> kStatuses = {"succeeded", "failed", "canceled"};

double NonNegative(double v) { return std::isnan(v) || v < 0 ? 0 : v; }

// Go's strconv.ParseFloat reads all of these; integers are written without an exponent.
void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  std::to_chars_result r;
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    r = std::to_chars(buf, buf + sizeof(buf), static_cast<long long>(v));
  } else {
    r = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round-trip form
  }
  out.append(buf, r.ptr);
}

void AppendInteger(std::string& out, std::uint64_t v) {
  char buf[32];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void AppendInteger(std::string& out, std::int64_t v) {
  char buf[32];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// Label values escape backslash, double quote and line feed; help text the first and last.
void AppendEscaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{n1="v1",n2="v2"[,le="bound"]} and the space before the value.
template <std::size_t N>
void AppendSeries(std::string& out, std::string_view name, std::string_view suffix,
                  const std::array<std::string_view, N>& label_names,
                  const std::array<std::string, N>& values,
                  std::optional<std::string_view> le = std::nullopt) {
  out += name;
  out += suffix;
  out += '{';
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += ',';
    out += label_names[i];
    out += "=\"";
    AppendEscaped(out, values[i], true);
    out += '"';
  }
  if (le) {
    out += ",le=\"";
    out += *le;
    out += '"';
  }
  out += "} ";
}

template <std::size_t N>
void AppendCounter(std::string& out, std::string_view name, std::string_view help,
                   const std::array<std::string_view, N>& label_names,
                   const std::map<std::array<std::string, N>, std::uint64_t>& series) {
  AppendHeader(out, name, "counter", help);
  for (const auto& [labels, value] : series) {
    AppendSeries(out, name, "", label_names, labels);
    AppendInteger(out, value);
    out += '\n';
  }
}

}  // namespace

void Metrics::Observe(Histogram& h, const double* bounds, std::size_t n, double value) {
  if (h.counts.empty()) h.counts.assign(n, 0);
  const double* it = std::lower_bound(bounds, bounds + n, value);  // first bound >= value
  if (it == bounds + n) {
    ++h.overflow;
  } else {
    ++h.counts[static_cast<std::size_t>(it - bounds)];
  }
  h.sum += value;
  ++h.count;
}

void Metrics::RunFinished(std::string_view profile, std::string_view tenant,
                          std::string_view status, double seconds, std::int64_t bytes) {
  seconds = NonNegative(seconds);
  std::lock_guard<std::mutex> lock(mu_);
  Observe(run_duration_[{std::string(profile)}], kRunDurationBuckets.data(),
          kRunDurationBuckets.size(), seconds);
  for (std::string_view s : kStatuses) {
    runs_.try_emplace({std::string(profile), std::string(tenant), std::string(s)}, 0);
  }
  ++runs_[{std::string(profile), std::string(tenant), std::string(status)}];
  run_bytes_[{std::string(profile), std::string(tenant)}] +=
      bytes > 0 ? static_cast<std::uint64_t>(bytes) : 0;
}

void Metrics::RunStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
}

void Metrics::RunStopped() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ > 0) --running_;
}

void Metrics::HttpRequest(std::string_view method, std::string_view route, int code,
                          double seconds) {
  seconds = NonNegative(seconds);
  std::string route_label(route.empty() ? kUnmatchedRoute : route);
  std::lock_guard<std::mutex> lock(mu_);
  ++http_requests_[{std::string(method), route_label, std::to_string(code)}];
  Observe(http_duration_[{route_label}], kHttpDurationBuckets.data(),
          kHttpDurationBuckets.size(), seconds);
}

void Metrics::SetQueueDepthSource(std::function<std::int64_t()> source) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_depth_ = std::move(source);
}

std::string Metrics::Render() const {
  // The callback may be slow (a database count) or call back into this object: run it first,
  // without the lock.
  std::function<std::int64_t()> source;
  {
    std::lock_guard<std::mutex> lock(mu_);
    source = queue_depth_;
  }
  std::optional<std::int64_t> depth;
  if (source) {
    try {
      depth = source();
    } catch (...) {
      depth.reset();  // rendered without a sample: absent, not a false 0
    }
  }

  auto append_histogram = [](std::string& out, std::string_view name, std::string_view help,
                             std::string_view label,
                             const std::map<std::array<std::string, 1>, Histogram>& series,
                             const double* bounds, std::size_t n) {
    AppendHeader(out, name, "histogram", help);
    const std::array<std::string_view, 1> label_names = {label};
    for (const auto& [labels, h] : series) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < n; ++i) {
        cumulative += i < h.counts.size() ? h.counts[i] : 0;
        std::string le;
        AppendNumber(le, bounds[i]);
        AppendSeries(out, name, "_bucket", label_names, labels, le);
        AppendInteger(out, cumulative);
        out += '\n';
      }
      AppendSeries(out, name, "_bucket", label_names, labels, "+Inf");
      AppendInteger(out, h.count);
      out += '\n';
      AppendSeries(out, name, "_sum", label_names, labels);
      AppendNumber(out, h.sum);
      out += '\n';
      AppendSeries(out, name, "_count", label_names, labels);
      AppendInteger(out, h.count);
      out += '\n';
    }
  };

  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  // Families in name order.
  append_histogram(out, kHttpDuration,
                   "Latency of the export API's HTTP requests, by route template.", "route",
                   http_duration_, kHttpDurationBuckets.data(), kHttpDurationBuckets.size());
  AppendCounter<3>(out, kHttpRequests,
                   "HTTP requests served by the export API, by method, route template and "
                   "status code.",
                   {"method", "route", "code"}, http_requests_);
  AppendHeader(out, kQueueDepth, "gauge", "Export runs waiting in the queue.");
  if (depth) {
    out += kQueueDepth;
    out += ' ';
    AppendInteger(out, *depth);
    out += '\n';
  }
  AppendCounter<2>(out, kRunBytes,
                   "Bytes written by finished export runs, by profile kind and tenant.",
                   {"profile", "tenant"}, run_bytes_);
  append_histogram(out, kRunDuration,
                   "Wall-clock duration of finished export runs, by profile kind.", "profile",
                   run_duration_, kRunDurationBuckets.data(), kRunDurationBuckets.size());
  AppendHeader(out, kRunsRunning, "gauge", "Export runs a worker is executing now.");
  out += kRunsRunning;
  out += ' ';
  AppendInteger(out, running_);
  out += '\n';
  AppendCounter<3>(out, kRuns,
                   "Finished export runs, by profile kind, tenant and status (succeeded, failed, "
                   "canceled).",
                   {"profile", "tenant", "status"}, runs_);
  return out;
}

}  // namespace ec::service
