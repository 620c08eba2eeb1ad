// resolve: prints the digest a tag or digest reference points at.
#include <iostream>

#include "cli.h"
#include "commands.h"

namespace ec::cli {
namespace {

struct ResolveArgs {
  std::string ref;
  Format format = Format::kText;
};

}  // namespace

void AddResolveCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ResolveArgs>();
  CLI::App* cmd = app.add_subcommand("resolve", "Print the digest of the manifest a reference names");
  cmd->add_option("reference", args->ref, "oci:DIR:TAG, oci-archive:FILE:TAG, ...")->required();
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(Opened src, Open(args->ref, false));
      EC_ASSIGN_OR_RETURN(oci::Descriptor desc, ResolveNamed(src, "reference"));
      if (args->format == Format::kJson) {
        PrintJson(desc.ToJson());
      } else {
        std::cout << desc.digest.str() << "\n";
      }
      return OkStatus();
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
