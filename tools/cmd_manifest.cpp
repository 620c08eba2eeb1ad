// manifest get: prints a manifest's exact bytes (or its descriptor with -o json).
#include <iostream>

#include "cli.h"
#include "commands.h"

namespace ec::cli {
namespace {

struct ManifestArgs {
  std::string ref;
  Format format = Format::kText;
};

}  // namespace

void AddManifestCommand(CLI::App& app, int* exit_code) {
  CLI::App* manifest = app.add_subcommand("manifest", "Inspect manifests");
  manifest->require_subcommand(1);
  auto args = std::make_shared<ManifestArgs>();
  CLI::App* get = manifest->add_subcommand("get", "Print a manifest's exact bytes");
  get->add_option("reference", args->ref, "oci:DIR:TAG, oci-archive:FILE@DIGEST, ...")->required();
  get->add_option("-o,--output", args->format,
                  "text (default): the raw bytes; json: descriptor and parsed manifest")
      ->transform(CLI::CheckedTransformer(std::map<std::string, Format>{{"text", Format::kText}, {"json", Format::kJson}}, CLI::ignore_case))
      ->option_text("text|json");
  get->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(Opened src, Open(args->ref, false));
      EC_ASSIGN_OR_RETURN(oci::Descriptor desc, ResolveNamed(src, "manifest"));
      EC_ASSIGN_OR_RETURN(oci::FetchedManifest fm, oci::FetchManifest(*src.target, desc));
      if (args->format == Format::kJson) {
        EC_ASSIGN_OR_RETURN(json::Json parsed, json::Parse(fm.bytes, "manifest"));
        PrintJson({{"descriptor", fm.desc.ToJson()}, {"manifest", parsed}});
      } else {
        std::cout << fm.bytes;
        if (!fm.bytes.empty() && fm.bytes.back() != '\n' && ::isatty(1)) std::cout << "\n";
      }
      return OkStatus();
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
