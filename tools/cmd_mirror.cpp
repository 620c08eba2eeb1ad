// mirror create | import | sync: image and artifact mirrors across an air gap.
#include <ctime>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "mirror/bundle_provenance.h"
#include "mirror/create.h"
#include "mirror/import.h"
#include "mirror/pack.h"
#include "age/keys.h"
#include "mirror/bundle_files.h"
#include "mirror/tuf_bundle.h"
#include "oci/time_format.h"
#include "oci/io.h"
#include "tuf/trusted_state.h"

namespace ec::cli {
namespace {

namespace fs = std::filesystem;

struct MirrorArgs {
  std::string spec;
  std::string to;
  std::string base;
  std::string name;
  std::string split_size;
  std::string tuf_keys;
  std::vector<std::string> recipients;
  std::string recipients_file;
  std::string bundle;
  std::string destination;
  std::string trusted_root;
  std::string identity;
  std::string tuf_state;
  std::string key_file;
  std::string expires = "365d";
  bool no_tuf = false;
  int jobs = 3;
  Format format = Format::kText;
};

// "4GiB", "500MiB", "1000000" (bytes).
Result<std::int64_t> ParseSize(const std::string& text) {
  if (text.empty()) return std::int64_t{0};
  std::size_t end = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  const std::string unit = text.substr(end);
  std::int64_t mult = unit.empty() || unit == "B" ? 1 : unit == "KiB" ? 1 << 10 : unit == "MiB" ? 1 << 20
                      : unit == "GiB" ? std::int64_t{1} << 30 : 0;
  if (end == 0 || n <= 0 || mult == 0) return InvalidArgument(StrCat("--split-size ", text, ": want a size such as 4GiB, 700MiB or bytes"));
  return n * mult;
}

// Unix seconds: SOURCE_DATE_EPOCH when set (reproducible bundles), else now.
std::int64_t CreationTime() {
  return SourceDateEpoch().value_or(static_cast<std::int64_t>(std::time(nullptr)));
}

struct LoadedSpec {
  mirror::MirrorSpec spec;
  std::string digest;  // of the file's bytes, for provenance
};

Result<LoadedSpec> LoadSpec(const std::string& path) {
  EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(path, 4 << 20));
  EC_ASSIGN_OR_RETURN(mirror::MirrorSpec spec, mirror::ParseMirrorSpec(bytes, path));
  return LoadedSpec{std::move(spec), oci::Digest::OfBytes(bytes).str()};
}

// The bundle's small files, made in memory: mirror.json, the signed provenance (--key) and
// the TUF repository (--tuf-keys) whose targets are those two.
Result<std::map<std::string, std::string>> BundleMetadata(const LoadedSpec& spec, const mirror::CreateReport& report,
                                                          const std::optional<sign::PrivateKey>& key,
                                                          const std::optional<mirror::TufKeyring>& keyring,
                                                          std::int64_t created, std::int64_t expires_after) {
  std::map<std::string, std::string> files;
  files[std::string(mirror::kBundleManifestName)] = report.manifest_bytes;
  if (key) {
    mirror::BundleProvenanceInputs in{.manifest = report.manifest,
                                      .manifest_bytes = report.manifest_bytes,
                                      .spec_digest = spec.digest,
                                      .spec_name = spec.spec.name,
                                      .started_on = report.manifest.generated_at,
                                      .finished_on = report.manifest.generated_at,
                                      .version = kExportCenterVersion};
    EC_ASSIGN_OR_RETURN(files[std::string(mirror::kBundleProvenanceName)], mirror::MakeBundleProvenance(in, *key));
  }
  if (keyring) {
    EC_ASSIGN_OR_RETURN(auto tuf, mirror::BundleTufFiles(*keyring, files, created, expires_after));
    files.merge(tuf);
  }
  return files;
}

Status WriteDirectoryFiles(const fs::path& dir, const std::map<std::string, std::string>& files) {
  for (const auto& [name, bytes] : files) {
    std::error_code ec;
    fs::create_directories((dir / name).parent_path(), ec);
    if (ec) return Unavailable(StrCat("create ", (dir / name).parent_path().string(), ": ", ec.message()));
    EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / name, bytes));
  }
  return OkStatus();
}

mirror::SourceOpener Sources() {
  return [](const std::string& ref) -> Result<std::unique_ptr<oci::Target>> {
    EC_ASSIGN_OR_RETURN(Opened opened, Open(ref, false));
    return std::move(opened.target);
  };
}

// DEST is a registry prefix ("host:port[/path]") or "store:[path]": repository R of a bundle
// lands in DEST/R.
mirror::DestinationOpener Destinations(const std::string& dest) {
  return [dest](const std::string& repo) -> Result<std::unique_ptr<oci::Target>> {
    std::string prefix = dest;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    const bool store = prefix.rfind("store:", 0) == 0;
    const std::string ref = store ? (prefix == "store:" ? StrCat("store:", repo) : StrCat(prefix, "/", repo))
                                  : StrCat(prefix, "/", repo);
    EC_ASSIGN_OR_RETURN(Opened opened, Open(ref, true));
    return std::move(opened.target);
  };
}

Result<json::Json> RunCreate(const MirrorArgs& args) {
  EC_ASSIGN_OR_RETURN(LoadedSpec spec, LoadSpec(args.spec));
  std::vector<std::string> recipients = args.recipients;
  if (!args.recipients_file.empty()) {
    EC_ASSIGN_OR_RETURN(std::vector<std::string> more, age::ReadRecipientsFile(args.recipients_file));
    recipients.insert(recipients.end(), more.begin(), more.end());
  }
  EC_ASSIGN_OR_RETURN(std::int64_t part_bytes, ParseSize(args.split_size));
  EC_ASSIGN_OR_RETURN(mirror::BundleOutput output, mirror::PlanBundleOutput(args.to, part_bytes, recipients));
  EC_ASSIGN_OR_RETURN(std::int64_t expires_after, ParseDuration(args.expires));
  // Keys are loaded before any copying, so that a bad key fails fast.
  std::optional<mirror::TufKeyring> keyring;
  if (!args.tuf_keys.empty()) {
    EC_ASSIGN_OR_RETURN(mirror::TufKeyring ring, mirror::LoadTufKeyring(args.tuf_keys));
    keyring.emplace(std::move(ring));
  }
  std::optional<sign::PrivateKey> key;
  if (!args.key_file.empty()) {
    EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(args.key_file, 64 << 10));
    EC_ASSIGN_OR_RETURN(sign::PrivateKey k, sign::LoadPrivateKeyPem(pem, StrCat("--key ", args.key_file)));
    key.emplace(std::move(k));
  }
  const std::int64_t created = CreationTime();
  mirror::CreateOptions options;
  options.name = args.name;
  options.generated_at = oci::FormatRfc3339(created);
  options.open_source = Sources();
  options.concurrency = args.jobs;
  if (!args.base.empty()) {
    // The base may be a bundle directory, its mirror.json, or an archive (unpacked here; pass
    // its mirror.json to avoid that).
    EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
    std::error_code ec;
    fs::path base = args.base;
    if (fs::is_regular_file(base, ec) && base.filename() != mirror::kBundleManifestName) {
      EC_ASSIGN_OR_RETURN(base, mirror::OpenBundlePath(base, {}, scratch.path()));
    }
    EC_ASSIGN_OR_RETURN(auto read, mirror::ReadBundleManifest(base));
    options.base = std::move(read.first);
    options.base_manifest_digest = read.second;
  }
  // A directory bundle is copied into place; an archive is written in one pass with each blob
  // read from its source as the tar reaches it (no staging, no plaintext on disk).
  std::unique_ptr<mirror::BundleStore> store;
  mirror::ArchiveBundleStore* archive = nullptr;
  if (output.directory) {
    EC_ASSIGN_OR_RETURN(store, mirror::OpenDirectoryBundleStore(args.to));
  } else {
    auto a = std::make_unique<mirror::ArchiveBundleStore>();
    archive = a.get();
    store = std::move(a);
  }
  EC_ASSIGN_OR_RETURN(mirror::CreateReport report, mirror::CreateBundle(spec.spec, *store, options));
  EC_ASSIGN_OR_RETURN(auto metadata, BundleMetadata(spec, report, key, keyring, created, expires_after));
  std::vector<fs::path> written;
  if (archive == nullptr) {
    EC_RETURN_IF_ERROR(WriteDirectoryFiles(args.to, metadata));
    written.push_back(args.to);
  } else {
    std::vector<oci::TarWriteEntry> entries = archive->plan().Entries();
    for (auto& [name, bytes] : metadata) entries.push_back(oci::TarBytesEntry(name, std::move(bytes)));
    EC_ASSIGN_OR_RETURN(written, mirror::WriteBundleArchive(std::move(entries), args.to, output));
    report.bytes_copied = archive->plan().LinkedBytes();
  }
  json::Json files = json::Json::array();
  for (const fs::path& f : written) files.push_back(f.string());
  json::Json repos = json::Json::object();
  for (const auto& [path, r] : report.manifest.repositories) repos[path] = r.tags.size() + r.digests.size();
  return json::Json{{"bundle", args.to},
                    {"files", files},
                    {"kind", report.manifest.delta() ? "delta" : "full"},
                    {"manifestDigest", oci::Digest::OfBytes(report.manifest_bytes).str()},
                    {"repositories", repos},
                    {"roots", report.roots},
                    {"blobs", report.blobs_copied},
                    {"blobsSkipped", report.blobs_skipped},
                    {"bytes", report.bytes_copied},
                    {"tuf", keyring.has_value()},
                    {"provenance", key.has_value()},
                    {"encrypted", output.encrypted}};
}

// The provenance check on import: with --key, the bundle must carry provenance signed by that
// key naming exactly what mirror.json holds; without, it is reported as not checked.
Result<std::string> CheckProvenance(const MirrorArgs& args, const std::optional<std::string>& envelope,
                                    const std::string& manifest_bytes, const mirror::BundleManifest& manifest) {
  if (args.key_file.empty()) return std::string(envelope ? "present, not checked (give --key)" : "none");
  if (!envelope) {
    return FailedPrecondition(StrCat(args.bundle, ": --key is given but the bundle carries no ", mirror::kBundleProvenanceName,
                                     " (made without --key)"));
  }
  EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(args.key_file, 64 << 10));
  EC_ASSIGN_OR_RETURN(sign::PublicKey pub, sign::LoadPublicKeyPem(pem, StrCat("--key ", args.key_file)));
  std::vector<sign::PublicKey> keys;
  keys.push_back(std::move(pub));
  EC_RETURN_IF_ERROR(mirror::VerifyBundleProvenance(*envelope, keys, manifest_bytes, manifest).status());
  return std::string("verified");
}

Result<json::Json> RunImport(const MirrorArgs& args) {
  if (args.trusted_root.empty() && !args.no_tuf) {
    return InvalidArgument("mirror import: give --trusted-root root.json (from `export-center tuf init`), or --no-tuf to "
                           "rely on digests alone");
  }
  std::vector<age::Identity> identities;
  if (!args.identity.empty()) {
    EC_ASSIGN_OR_RETURN(identities, age::ReadIdentityFile(args.identity));
  }
  EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  EC_ASSIGN_OR_RETURN(fs::path dir, mirror::OpenBundlePath(args.bundle, identities, scratch.path()));
  mirror::BundleManifest manifest;
  std::string manifest_bytes;
  std::optional<std::string> provenance;
  if (!args.no_tuf) {
    EC_ASSIGN_OR_RETURN(std::string root, oci::ReadSmallFile(args.trusted_root, 1 << 20));
    tuf::TrustedState state;
    if (!args.tuf_state.empty() && fs::exists(args.tuf_state)) {
      EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(args.tuf_state, 1 << 20));
      EC_ASSIGN_OR_RETURN(state, tuf::ParseTrustedState(bytes, args.tuf_state));
    }
    EC_ASSIGN_OR_RETURN(mirror::VerifiedBundle verified,
                        mirror::VerifyBundle(dir, root, static_cast<std::int64_t>(std::time(nullptr)), &state));
    manifest = std::move(verified.manifest);
    manifest_bytes = std::move(verified.manifest_bytes);
    provenance = std::move(verified.provenance);
    if (!args.tuf_state.empty()) EC_RETURN_IF_ERROR(oci::WriteFileAtomic(args.tuf_state, tuf::SerializeTrustedState(state)));
  } else {
    EC_ASSIGN_OR_RETURN(manifest_bytes, oci::ReadSmallFile(dir / std::string(mirror::kBundleManifestName), mirror::kMaxBundleManifestBytes));
    EC_ASSIGN_OR_RETURN(manifest, mirror::BundleManifest::Parse(manifest_bytes, (dir / std::string(mirror::kBundleManifestName)).string()));
    const fs::path file = dir / std::string(mirror::kBundleProvenanceName);
    if (fs::exists(file)) {
      EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(file, mirror::kMaxBundleProvenanceBytes));
      provenance = std::move(bytes);
    }
  }
  // Provenance is checked before anything is written to the destination.
  EC_ASSIGN_OR_RETURN(std::string provenance_result, CheckProvenance(args, provenance, manifest_bytes, manifest));
  EC_ASSIGN_OR_RETURN(mirror::ApplyReport r, mirror::ImportBundle(dir, manifest, Destinations(args.destination), args.jobs));
  return json::Json{{"bundle", args.bundle},
                    {"destination", args.destination},
                    {"kind", manifest.delta() ? "delta" : "full"},
                    {"verified", args.no_tuf ? "digests only (--no-tuf)" : "tuf"},
                    {"provenance", provenance_result},
                    {"roots", r.roots},
                    {"tags", r.tags},
                    {"blobs", r.blobs_copied},
                    {"blobsSkipped", r.blobs_skipped},
                    {"bytes", r.bytes_copied},
                    {"removedTags", r.removed_tags}};
}

Result<json::Json> RunSync(const MirrorArgs& args) {
  EC_ASSIGN_OR_RETURN(LoadedSpec spec, LoadSpec(args.spec));
  EC_ASSIGN_OR_RETURN(mirror::ApplyReport r, mirror::SyncSpec(spec.spec, Sources(), Destinations(args.destination), args.jobs));
  return json::Json{{"destination", args.destination},
                    {"roots", r.roots},
                    {"tags", r.tags},
                    {"blobs", r.blobs_copied},
                    {"blobsSkipped", r.blobs_skipped},
                    {"bytes", r.bytes_copied}};
}

void Report(const Result<json::Json>& r, Format format, int* exit_code) {
  if (!r.ok()) {
    *exit_code = Fail(r.status());
    return;
  }
  if (format == Format::kJson) {
    PrintJson(*r);
    return;
  }
  for (const auto& [k, v] : r->items()) std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
}

}  // namespace

void AddMirrorCommand(CLI::App& app, int* exit_code) {
  CLI::App* mirror = app.add_subcommand(
      "mirror",
      "Mirror images, signatures, SBOMs and exports across an air gap: create a bundle from a "
      "spec (mirror:full, or mirror:delta with --base), import it into a registry or the "
      "store after TUF verification, or sync registries online");
  mirror->require_subcommand(1);
  auto args = std::make_shared<MirrorArgs>();

  CLI::App* create = mirror->add_subcommand(
      "create", "Build a bundle: an OCI layout holding every blob once, mirror.json, signed provenance "
                "(--key) and TUF metadata (--tuf-keys); an archive is written in one pass from the sources");
  create->add_option("spec", args->spec, "mirror spec (YAML or JSON)")->required();
  create->add_option("--to", args->to, "a new directory, or FILE.tar / FILE.tar.zst (FILE.tar.age / "
                                       "FILE.tar.zst.age when encrypted)")->required();
  create->add_option("--base", args->base, "make a delta against this bundle (directory, archive or its mirror.json)");
  create->add_option("--name", args->name, "bundle name (default: the spec's metadata.name)");
  create->add_option("--split-size", args->split_size, "cut the archive into parts of at most this size (e.g. 4GiB)");
  create->add_option("--tuf-keys", args->tuf_keys, "sign with the TUF keys of this directory (`export-center tuf init`)");
  create->add_option("--key", args->key_file, "sign in-toto SLSA provenance of the bundle (provenance.dsse.json) "
                                              "with this private key (`export-center key generate`)");
  create->add_option("--recipient,-r", args->recipients, "encrypt to this age recipient (age1…; repeatable)");
  create->add_option("--recipients-file,-R", args->recipients_file, "encrypt to the age recipients in this file");
  create->add_option("--expires", args->expires, "how long the bundle's TUF metadata stays valid (default 365d)");
  create->add_option("-j,--jobs", args->jobs, "blobs copied at once (default 3)");
  AddFormatOption(create, &args->format);
  create->callback([args, exit_code] { Report(RunCreate(*args), args->format, exit_code); });

  CLI::App* import = mirror->add_subcommand(
      "import", "Verify a bundle (TUF, provenance with --key, then every digest) and copy it into DEST, "
                "skipping what is there");
  import->add_option("bundle", args->bundle, "bundle directory, archive, its first part, or .age file")->required();
  import->add_option("destination", args->destination, "registry prefix (host:port/path) or store:[path]")->required();
  import->add_option("--trusted-root", args->trusted_root, "the TUF root.json you trust (from `export-center tuf init`)");
  import->add_option("--identity,-i", args->identity, "age identity file to decrypt an encrypted bundle");
  import->add_option("--tuf-state", args->tuf_state, "file keeping the TUF versions of earlier imports (rollback protection)");
  import->add_option("--key", args->key_file, "require the bundle's provenance to verify with this public key");
  import->add_flag("--no-tuf", args->no_tuf, "skip TUF verification (digests are still checked)");
  import->add_option("-j,--jobs", args->jobs, "blobs copied at once (default 3)");
  AddFormatOption(import, &args->format);
  import->callback([args, exit_code] { Report(RunImport(*args), args->format, exit_code); });

  CLI::App* sync = mirror->add_subcommand("sync", "Copy what a spec selects from its registries into DEST, online");
  sync->add_option("spec", args->spec, "mirror spec (YAML or JSON)")->required();
  sync->add_option("destination", args->destination, "registry prefix (host:port/path) or store:[path]")->required();
  sync->add_option("-j,--jobs", args->jobs, "blobs copied at once (default 3)");
  AddFormatOption(sync, &args->format);
  sync->callback([args, exit_code] { Report(RunSync(*args), args->format, exit_code); });
}

}  // namespace ec::cli
