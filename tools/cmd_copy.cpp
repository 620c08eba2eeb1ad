// copy: copies a manifest or index and everything it references between targets.
#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "cli.h"
#include "commands.h"
#include "oci/copy.h"

namespace ec::cli {
namespace {

struct CopyArgs {
  std::string src;
  std::string dst;
  bool referrers = false;
  std::string platform;
  int concurrency = 3;
  Format format = Format::kText;
};

Result<oci::CopyOptions> OptionsFrom(const CopyArgs& args) {
  oci::CopyOptions options;
  options.referrers = args.referrers;
  options.concurrency = args.concurrency;
  if (!args.platform.empty()) {
    EC_ASSIGN_OR_RETURN(options.platform, oci::Platform::Parse(args.platform));
  }
  return options;
}

struct CopyJob {
  std::string src_arg;
  std::string dst_arg;
  std::optional<Opened> src;
  std::optional<Opened> dst;
};

Status OpenJob(CopyJob& job) {
  EC_ASSIGN_OR_RETURN(job.src, Open(job.src_arg, /*create=*/false));
  EC_ASSIGN_OR_RETURN(job.dst, Open(job.dst_arg, /*create=*/true));
  return OkStatus();
}

Result<json::Json> RunJob(CopyJob& job, oci::CopyOptions options, Progress* progress) {
  Opened& src = *job.src;
  Opened& dst = *job.dst;
  EC_ASSIGN_OR_RETURN(oci::Descriptor root, ResolveNamed(src, "source"));
  if (progress != nullptr) {
    options.on_total = [progress](std::int64_t total) { progress->SetTotal(total); };
    options.on_bytes = [progress](std::int64_t n) { progress->Add(n); };
  }
  EC_ASSIGN_OR_RETURN(oci::CopyReport report, oci::CopyGraph(*src.target, *dst.target, root, options));
  // The destination's tag: its own, else the source's tag, else none (copied by digest).
  std::string tag = dst.ref.kind == oci::TargetKind::kRegistry ? dst.ref.remote.tag : dst.ref.tag;
  if (tag.empty() && !dst.ref.digest && !(dst.ref.kind == oci::TargetKind::kRegistry && dst.ref.remote.digest)) {
    tag = src.ref.kind == oci::TargetKind::kRegistry ? src.ref.remote.tag : src.ref.tag;
  }
  if (!tag.empty()) EC_RETURN_IF_ERROR(dst.target->Tag(report.root, tag));
  EC_RETURN_IF_ERROR(dst.target->Commit());
  return json::Json{{"source", src.ref.str()},
                    {"destination", dst.ref.str()},
                    {"tag", tag},
                    {"digest", report.root.digest.str()},
                    {"mediaType", report.root.media_type},
                    {"size", report.root.size},
                    {"blobsCopied", report.blobs_copied},
                    {"blobsSkipped", report.blobs_skipped},
                    {"manifestsCopied", report.manifests_copied},
                    {"manifestsSkipped", report.manifests_skipped},
                    {"bytesCopied", report.bytes_copied},
                    {"tagsCopied", report.tags_copied}};
}

Result<json::Json> RunCopy(const CopyArgs& args) {
  EC_ASSIGN_OR_RETURN(oci::CopyOptions options, OptionsFrom(args));
  CopyJob job{args.src, args.dst, std::nullopt, std::nullopt};
  EC_RETURN_IF_ERROR(OpenJob(job));
  Progress progress("copy");
  return RunJob(job, options, &progress);
}

// Reads "SRC DST" lines (blank lines and # comments skipped).
Result<std::vector<CopyJob>> ReadBatch(const std::string& file) {
  std::ifstream in(file);
  if (!in) return NotFound(StrCat("read batch file ", file, ": cannot open it"));
  std::vector<CopyJob> jobs;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::istringstream words(line);
    std::string src, dst, extra;
    words >> src;
    if (src.empty() || src[0] == '#') continue;
    words >> dst >> extra;
    if (dst.empty() || !extra.empty()) {
      return InvalidArgument(StrCat(file, ":", n, ": want \"SOURCE DESTINATION\"; got \"", line, "\""));
    }
    jobs.push_back({src, dst, std::nullopt, std::nullopt});
  }
  return jobs;
}

// Runs every job of a batch, `jobs_at_once` at a time, in one process: registry clients (tokens,
// connections, mount hints) are shared, and a re-run is a few HEAD requests per image.
int RunBatch(const CopyArgs& args, const std::string& file, int jobs_at_once) {
  auto options = OptionsFrom(args);
  if (!options.ok()) return Fail(options.status());
  auto jobs = ReadBatch(file);
  if (!jobs.ok()) return Fail(jobs.status());
  for (auto& job : *jobs) {
    Status s = OpenJob(job);
    if (!s.ok()) return Fail(s.WithPrefix(StrCat("copy ", job.src_arg)));
  }
  // Jobs writing the same local layout or archive run one after the other.
  std::map<std::string, std::mutex> local_locks;
  for (auto& job : *jobs) {
    if (job.dst->ref.kind != oci::TargetKind::kRegistry) local_locks[job.dst->ref.path];
  }
  std::vector<Result<json::Json>> results(jobs->size(), Result<json::Json>(Internal("not run")));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs->size(); i = next++) {
      CopyJob& job = (*jobs)[i];
      std::unique_lock<std::mutex> lock;
      if (job.dst->ref.kind != oci::TargetKind::kRegistry) lock = std::unique_lock(local_locks[job.dst->ref.path]);
      results[i] = RunJob(job, *options, nullptr);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs_at_once; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  int failed = 0;
  json::Json all = json::Json::array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      all.push_back(*results[i]);
      if (args.format == Format::kText) {
        std::cout << "copied " << (*jobs)[i].src_arg << " -> " << (*jobs)[i].dst_arg << "  "
                  << (*results[i])["digest"].get<std::string>() << "\n";
      }
    } else {
      ++failed;
      all.push_back({{"source", (*jobs)[i].src_arg}, {"destination", (*jobs)[i].dst_arg},
                     {"error", results[i].status().message()}});
      std::cerr << "export-center: error: copy " << (*jobs)[i].src_arg << ": "
                << results[i].status().message() << "\n";
    }
  }
  if (args.format == Format::kJson) PrintJson(all);
  else std::cout << results.size() - static_cast<std::size_t>(failed) << " copied, " << failed << " failed\n";
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void AddCopyCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CopyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy", "Copy a manifest or index and everything it references from SRC to DST, "
              "skipping what DST already holds");
  auto batch = std::make_shared<std::string>();
  auto jobs = std::make_shared<int>(4);
  cmd->add_option("source", args->src, "registry/repo:tag, oci:DIR:TAG, oci-archive:FILE@DIGEST, ...");
  cmd->add_option("destination", args->dst,
                  "registry/repo[:tag], oci:DIR[:TAG], oci-archive:FILE[:TAG] (.tar.zst: zstd)");
  cmd->add_option("--batch", *batch, "copy every \"SOURCE DESTINATION\" line of FILE in one run");
  cmd->add_option("--jobs", *jobs, "with --batch: images copied at once (default 4)")->check(CLI::Range(1, 32));
  cmd->add_flag("-r,--referrers", args->referrers, "also copy referrers (signatures, SBOMs) and cosign's sha256-<hex>.sig/.att/.sbom tags, recursively");
  cmd->add_option("--platform", args->platform, "copy only the OS/ARCH[/VARIANT] manifest of an index");
  cmd->add_option("-j,--concurrency", args->concurrency, "blobs copied at once (default 3)")
      ->check(CLI::Range(1, 64));
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, batch, jobs, exit_code] {
    if (!batch->empty()) {
      if (!args->src.empty()) {
        Fail(InvalidArgument("copy: give either SOURCE DESTINATION or --batch FILE, not both"));
        *exit_code = kExitUsage;
        return;
      }
      *exit_code = RunBatch(*args, *batch, *jobs);
      return;
    }
    if (args->src.empty() || args->dst.empty()) {
      Fail(InvalidArgument("copy: SOURCE and DESTINATION are required (or --batch FILE)"));
      *exit_code = kExitUsage;
      return;
    }
    auto out = RunCopy(*args);
    if (!out.ok()) {
      *exit_code = Fail(out.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*out);
      return;
    }
    const json::Json& o = *out;
    std::cout << "copied " << o["source"].get<std::string>() << " -> " << o["destination"].get<std::string>()
              << "\n"
              << "digest: " << o["digest"].get<std::string>() << "\n"
              << "blobs: " << o["blobsCopied"] << " copied, " << o["blobsSkipped"]
              << " already there; manifests: " << o["manifestsCopied"] << " copied, "
              << o["manifestsSkipped"] << " already there; "
              << HumanBytes(o["bytesCopied"].get<std::int64_t>()) << "\n";
  });
}

}  // namespace ec::cli
