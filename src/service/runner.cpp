#include "service/runner.h"

#include <unistd.h>

#include "oci/digest.h"
#include "oci/io.h"
#include "oci/manifest.h"
#include "oci/store/store.h"
#include "service/child_process.h"

namespace ec::service {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTitleAnnotation = "org.opencontainers.image.title";
constexpr std::string_view kMirrorBundleType = "application/vnd.export-center.mirror.bundle.v1";

// The child's last error line, for a failure reason.
std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const std::size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::vector<std::string> BaseArgv(const RunnerConfig& c) {
  std::vector<std::string> argv = {c.exe, "--store", c.store_dir.string(), "--evidence", c.evidence_dir.string()};
  argv.insert(argv.end(), c.registry_flags.begin(), c.registry_flags.end());
  return argv;
}

void AddEach(std::vector<std::string>& argv, std::string_view flag, const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    argv.emplace_back(flag);
    argv.push_back(v);
  }
}

void AddIfSet(std::vector<std::string>& argv, std::string_view flag, const std::string& value) {
  if (value.empty()) return;
  argv.emplace_back(flag);
  argv.push_back(value);
}

Result<std::string> KeyFile(const RunnerConfig& c, const ExportProfile& p) {
  if (!p.signing_key) return std::string();
  const fs::path file = c.keys_dir / StrCat(*p.signing_key, ".key");
  std::error_code ec;
  if (c.keys_dir.empty() || !fs::is_regular_file(file, ec)) {
    return FailedPrecondition(StrCat("signing key \"", *p.signing_key, "\": the server holds no such key (serve --keys DIR, file DIR/",
                                     *p.signing_key, ".key)"));
  }
  return file.string();
}

// The export step's argv for every kind but mirror:* (which is two steps, below).
Result<std::vector<std::string>> ExportArgv(const RunnerConfig& c, const ExportProfile& p, const std::string& to,
                                            const std::string& key) {
  std::vector<std::string> argv = BaseArgv(c);
  argv.insert(argv.end(), {"export", std::string(ProfileKindName(p.kind)), "--to", to, "-o", "json"});
  AddIfSet(argv, "--key", key);
  if (IsJsonKind(p.kind)) {
    const evidence::Selectors& s = *p.selectors;
    argv.insert(argv.end(), {"--tenant", s.tenant, "--name", p.name, "--revision", p.revision});
    AddEach(argv, "--kind", s.kinds);
    AddEach(argv, "--ecosystem", s.ecosystems);
    AddEach(argv, "--purl", s.purl_globs);
    AddEach(argv, "--vulnerability", s.vulnerabilities);
    AddIfSet(argv, "--modified-since", s.modified_since);
    AddIfSet(argv, "--modified-until", s.modified_until);
    AddIfSet(argv, "--severity", s.min_severity);
    argv.insert(argv.end(), {"--shard-mib", std::to_string(p.json->shard_mib)});
    if (p.compression) argv.insert(argv.end(), {"--zstd-level", std::to_string(p.compression->level)});
    if (p.json->image_compatible) argv.emplace_back("--image-compatible");
    if (p.policy) {
      argv.insert(argv.end(), {"--policy-repo", p.policy->repository, "--policy-ref", p.policy->ref});
      AddIfSet(argv, "--policy-file", p.policy->file);
    }
  } else if (IsTrivyKind(p.kind)) {
    AddEach(argv, "--source", p.trivy->sources);
    argv.insert(argv.end(), {"--next-update", p.trivy->next_update});
  } else if (p.kind == ProfileKind::kDevportalOffline) {
    argv.insert(argv.end(), {"--source", p.devportal->source, "--release-version", p.devportal->release_version});
    if (p.devportal->image_compatible) argv.emplace_back("--image-compatible");
  } else {
    return Internal(StrCat("no export step for ", ProfileKindName(p.kind)));
  }
  return argv;
}

class Steps {
 public:
  Steps(const RunnerConfig& c, const Run& run, const ExportProfile& p, std::int64_t sde, const RunCallbacks& cb)
      : c_(c), run_(run), p_(p), sde_(sde), cb_(cb) {}

  // Runs one child; false in `*stopped` when it was stopped by a cancel.
  Result<json::Json> Child(std::string_view step, std::vector<std::string> argv, bool* stopped) {
    ChildOptions o;
    o.argv = std::move(argv);
    o.env = {{"SOURCE_DATE_EPOCH", std::to_string(sde_)}, {"EC_PARENT_PID", std::to_string(::getpid())}};
    o.keep_running = [this] { return cb_.progress(phase_, done_, total_); };
    EC_ASSIGN_OR_RETURN(ChildResult r, RunChild(o));
    if (r.stopped) {
      *stopped = true;
      return json::Json();
    }
    if (r.exit_code != 0) {
      return FailedPrecondition(StrCat(step, " failed (", r.signal != 0 ? StrCat("signal ", r.signal) : StrCat("exit ", r.exit_code),
                                       "): ", LastLine(r.err_tail)));
    }
    auto parsed = json::Parse(r.out, StrCat(step, " output"));
    if (!parsed.ok()) return json::Json::object();
    return *parsed;
  }

  bool Phase(std::string_view phase, std::int64_t done, std::int64_t total) {
    phase_ = std::string(phase);
    done_ = done;
    total_ = total;
    return cb_.progress(phase_, done_, total_);
  }

  Result<RunOutcome> Execute() {
    RunOutcome out;
    const std::string repo = ExportRepository(run_.tenant, p_.name);
    const std::string to = StrCat("store:", repo, ":", run_.id);
    EC_ASSIGN_OR_RETURN(std::string key, KeyFile(c_, p_));
    total_ = 2 + static_cast<std::int64_t>(p_.distribution.size());
    if (!Phase("export", 0, total_)) return Stopped();
    bool stopped = false;
    std::string digest;
    if (IsMirrorKind(p_.kind)) {
      EC_ASSIGN_OR_RETURN(digest, MirrorSteps(to, key, &stopped));
    } else {
      EC_ASSIGN_OR_RETURN(std::vector<std::string> argv, ExportArgv(c_, p_, to, key));
      EC_ASSIGN_OR_RETURN(json::Json report, Child("export", std::move(argv), &stopped));
      if (!stopped) digest = report.value("digest", std::string());
    }
    if (stopped) return Stopped();
    if (digest.empty()) return Internal("export: its report names no digest");
    EC_ASSIGN_OR_RETURN(json::Json artifact, Describe(repo, digest, &out.result));
    cb_.event("artifact_ready", {{"digest", digest}, {"reference", StrCat(repo, "@", digest)}});
    json::Json distributions = json::Json::array();
    for (std::size_t i = 0; i < p_.distribution.size(); ++i) {
      if (!Phase("distribute", 1 + static_cast<std::int64_t>(i), total_)) return Stopped();
      EC_ASSIGN_OR_RETURN(json::Json d, Distribute(p_.distribution[i], repo, digest, &stopped));
      if (stopped) return Stopped();
      distributions.push_back(d);
    }
    Phase("done", total_, total_);
    out.result["artifact"] = artifact;
    out.result["distributions"] = distributions;
    out.result["signed"] = !key.empty();
    return out;
  }

 private:
  static RunOutcome Stopped() {
    RunOutcome o;
    o.stopped = true;
    return o;
  }

  // mirror create into the run's scratch directory, then the bundle file is pushed into the
  // store as an artifact (one titled layer), so download and registry distribution work as
  // for every other kind.
  Result<std::string> MirrorSteps(const std::string& to, const std::string& key, bool* stopped) {
    const fs::path dir = c_.work_dir / run_.id;
    std::error_code ec;
    fs::remove_all(dir, ec);  // a resumed attempt starts over
    fs::create_directories(dir, ec);
    if (ec) return Unavailable(StrCat("create ", dir.string(), ": ", ec.message()));
    const std::string spec_file = (dir / "spec.json").string();
    EC_RETURN_IF_ERROR(oci::WriteFileAtomic(spec_file, CanonicalMirrorSpec(p_.mirror->spec)));
    const bool encrypted = p_.encryption.has_value();
    const bool zstd = p_.compression && p_.compression->codec == Codec::kZstd;
    const std::string name = StrCat(p_.name, zstd ? ".tar.zst" : ".tar", encrypted ? ".age" : "");
    std::vector<std::string> argv = BaseArgv(c_);
    argv.insert(argv.end(), {"mirror", "create", spec_file, "--to", (dir / name).string(), "--name", p_.name, "-o", "json"});
    AddIfSet(argv, "--key", key);
    if (encrypted) AddEach(argv, "-r", p_.encryption->recipients);
    if (p_.kind == ProfileKind::kMirrorDelta) {
      EC_ASSIGN_OR_RETURN(std::string base, DeltaBase(dir, stopped));
      if (*stopped) return std::string();
      argv.insert(argv.end(), {"--base", base});
    }
    EC_RETURN_IF_ERROR(Child("mirror create", std::move(argv), stopped).status());
    if (*stopped) return std::string();
    std::vector<std::string> push = BaseArgv(c_);
    push.insert(push.end(), {"push", to, StrCat(name, ":", kMirrorBundleType, encrypted ? "+age" : ""), "--artifact-type",
                             std::string(kMirrorBundleType), "-o", "json"});
    EC_ASSIGN_OR_RETURN(json::Json pushed, ChildIn(dir, "push bundle", std::move(push), stopped));
    fs::remove_all(dir, ec);
    return pushed.value("digest", std::string());
  }

  // The base of a delta: a bundle path as given, or a run id ("run-…"), whose bundle (the
  // one file of its artifact) is pulled from the store into the run's directory.
  Result<std::string> DeltaBase(const fs::path& dir, bool* stopped) {
    const std::string& base = p_.mirror->base;
    if (!base.starts_with("run-")) return base;
    auto found = cb_.find_run ? cb_.find_run(base) : Result<ec::service::Run>(NotFound("no run lookup"));
    if (!found.ok()) return found.status().WithPrefix(StrCat("delta base ", base));
    auto result = json::Parse(found->result, "base run result");
    const std::string digest = result.ok() ? result->value("/artifact/digest"_json_pointer, std::string()) : std::string();
    const json::Json files = result.ok() ? result->value("files", json::Json::array()) : json::Json::array();
    if (found->status != RunStatus::kSucceeded || digest.empty() || files.size() != 1) {
      return FailedPrecondition(StrCat("delta base ", base, ": want a succeeded mirror run; got status ",
                                       RunStatusName(found->status)));
    }
    std::vector<std::string> argv = BaseArgv(c_);
    argv.insert(argv.end(), {"pull", StrCat("store:", ExportRepository(found->tenant, found->profile_name), "@", digest),
                             "-o", (dir / "base").string()});
    EC_RETURN_IF_ERROR(Child("pull the delta's base", std::move(argv), stopped).status());
    return (dir / "base" / files[0].value("name", std::string())).string();
  }

  Result<json::Json> ChildIn(const fs::path& cwd, std::string_view step, std::vector<std::string> argv, bool* stopped) {
    // push names layers by the file name as given: run it from the bundle's directory.
    std::vector<std::string> wrapped = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd.string()};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return Child(step, std::move(wrapped), stopped);
  }



  // The artifact's manifest, from the store: its files (titled layers) and size.
  Result<json::Json> Describe(const std::string& repo, const std::string& digest, json::Json* result) {
    EC_ASSIGN_OR_RETURN(auto store, oci::store::Store::Open(c_.store_dir, {.create = false}));
    EC_ASSIGN_OR_RETURN(oci::store::ManifestRecord record, store->ResolveManifest(repo, digest));
    EC_ASSIGN_OR_RETURN(std::string bytes, store->ReadManifest(record));
    EC_ASSIGN_OR_RETURN(oci::Manifest m, oci::Manifest::Parse(bytes, record.descriptor.media_type, StrCat("artifact ", digest)));
    json::Json files = json::Json::array();
    std::int64_t total = static_cast<std::int64_t>(bytes.size());
    for (const oci::Descriptor& layer : m.layers) {
      total += layer.size;
      auto title = layer.annotations.find(std::string(kTitleAnnotation));
      if (title == layer.annotations.end()) continue;
      files.push_back({{"name", title->second}, {"digest", layer.digest.str()}, {"size", layer.size}, {"mediaType", layer.media_type}});
    }
    (*result)["files"] = files;
    (*result)["bytes"] = total;
    return json::Json{{"digest", digest}, {"mediaType", record.descriptor.media_type}, {"size", record.descriptor.size},
                      {"reference", StrCat(repo, "@", digest)}};
  }

  Result<json::Json> Distribute(const Distribution& d, const std::string& repo, const std::string& digest, bool* stopped) {
    std::string target;
    std::string dest;
    switch (d.type) {
      case DistributionType::kDownload:
        target = StrCat("download:", repo);
        break;
      case DistributionType::kRegistry:
        target = dest = d.ref;
        break;
      case DistributionType::kLayout:
        target = StrCat("oci:", d.path, ":", p_.name);
        dest = target;
        break;
    }
    const json::Json out = {{"type", DistributionTypeName(d.type)}, {"target", target}, {"digest", digest}};
    EC_ASSIGN_OR_RETURN(bool done, cb_.distributed(target, digest));
    if (done) return out;  // an earlier attempt of this run got there
    if (!dest.empty()) {
      std::vector<std::string> argv = BaseArgv(c_);
      argv.insert(argv.end(), {"copy", "--referrers", StrCat("store:", repo, "@", digest), dest, "-o", "json"});
      EC_RETURN_IF_ERROR(Child(StrCat("distribute to ", target), std::move(argv), stopped).status());
      if (*stopped) return out;
    }
    EC_RETURN_IF_ERROR(cb_.record_distribution(target, digest));
    cb_.event("distributed", out);
    return out;
  }

  const RunnerConfig& c_;
  const ec::service::Run& run_;
  const ExportProfile& p_;
  std::int64_t sde_;
  const RunCallbacks& cb_;
  std::string phase_ = "queued";
  std::int64_t done_ = 0;
  std::int64_t total_ = 0;
};

}  // namespace

std::string ExportRepository(std::string_view tenant, std::string_view profile) {
  return StrCat(tenant, "/exports/", profile);
}

Result<RunOutcome> ExecuteRun(const RunnerConfig& config, const Run& run, const ExportProfile& profile,
                              std::int64_t source_date_epoch, const RunCallbacks& callbacks) {
  Steps steps(config, run, profile, source_date_epoch, callbacks);
  return steps.Execute();
}

}  // namespace ec::service
