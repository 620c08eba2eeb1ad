// copy: copies a manifest or index and everything it references between targets.
#include <iostream>

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

Result<json::Json> RunCopy(const CopyArgs& args) {
  oci::CopyOptions options;
  options.referrers = args.referrers;
  options.concurrency = args.concurrency;
  if (!args.platform.empty()) {
    EC_ASSIGN_OR_RETURN(options.platform, oci::Platform::Parse(args.platform));
  }
  EC_ASSIGN_OR_RETURN(Opened src, Open(args.src, /*create=*/false));
  EC_ASSIGN_OR_RETURN(oci::Descriptor root, ResolveNamed(src, "source"));
  EC_ASSIGN_OR_RETURN(Opened dst, Open(args.dst, /*create=*/true));
  Progress progress("copy");
  options.on_total = [&](std::int64_t total) { progress.SetTotal(total); };
  options.on_bytes = [&](std::int64_t n) { progress.Add(n); };
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
                    {"bytesCopied", report.bytes_copied}};
}

}  // namespace

void AddCopyCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CopyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy", "Copy a manifest or index and everything it references from SRC to DST, "
              "skipping what DST already holds");
  cmd->add_option("source", args->src, "oci:DIR:TAG, oci-archive:FILE@DIGEST, ...")->required();
  cmd->add_option("destination", args->dst, "oci:DIR[:TAG], oci-archive:FILE[:TAG] (.tar.zst: zstd)")
      ->required();
  cmd->add_flag("-r,--referrers", args->referrers, "also copy referrers (signatures, SBOMs), recursively");
  cmd->add_option("--platform", args->platform, "copy only the OS/ARCH[/VARIANT] manifest of an index");
  cmd->add_option("-j,--concurrency", args->concurrency, "blobs copied at once (default 3)")
      ->check(CLI::Range(1, 64));
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
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
