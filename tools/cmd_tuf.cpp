// tuf init | rotate: the keyring mirror bundles are signed with.
#include <ctime>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "mirror/tuf_bundle.h"

namespace ec::cli {
namespace {

struct TufArgs {
  std::string dir;
  std::string expires = "730d";
  Format format = Format::kText;
};

Result<std::int64_t> RootExpiry(const TufArgs& args) {
  EC_ASSIGN_OR_RETURN(std::int64_t after, ParseDuration(args.expires));
  return static_cast<std::int64_t>(std::time(nullptr)) + after;
}

}  // namespace

void AddTufCommand(CLI::App& app, int* exit_code) {
  CLI::App* tuf = app.add_subcommand("tuf", "Manage the TUF keyring mirror bundles are signed with");
  tuf->require_subcommand(1);
  auto args = std::make_shared<TufArgs>();
  CLI::App* init = tuf->add_subcommand(
      "init", "Create a keyring: Ed25519 keys for root, targets, snapshot and timestamp (DIR/keys, "
              "mode 0600) and DIR/root.json, the root importers pass as --trusted-root");
  init->add_option("dir", args->dir, "keyring directory")->required();
  init->add_option("--expires", args->expires, "root validity (default 730d)");
  AddFormatOption(init, &args->format);
  init->callback([args, exit_code] {
    auto expires = RootExpiry(*args);
    Status s = expires.ok() ? mirror::InitTufKeyring(args->dir, *expires) : expires.status();
    if (!s.ok()) {
      *exit_code = Fail(s);
      return;
    }
    const std::string root = (std::filesystem::path(args->dir) / "root.json").string();
    if (args->format == Format::kJson) {
      PrintJson({{"keyring", args->dir}, {"trustedRoot", root}, {"rootVersion", 1}});
    } else {
      std::cout << "keyring: " << args->dir << "\ntrusted root (carry it to the importers): " << root << "\n";
    }
  });
  CLI::App* rotate = tuf->add_subcommand(
      "rotate", "Replace every role's key: N+1.root.json is signed by the old and the new root keys, so "
                "importers that trust an older root follow the rotation");
  rotate->add_option("dir", args->dir, "keyring directory")->required();
  rotate->add_option("--expires", args->expires, "new root validity (default 730d)");
  AddFormatOption(rotate, &args->format);
  rotate->callback([args, exit_code] {
    auto expires = RootExpiry(*args);
    Result<std::int64_t> version = expires.ok() ? mirror::RotateTufKeyring(args->dir, *expires) : Result<std::int64_t>(expires.status());
    if (!version.ok()) {
      *exit_code = Fail(version.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson({{"keyring", args->dir}, {"rootVersion", *version}});
    } else {
      std::cout << "root version " << *version << " written; bundles signed from now on carry it\n";
    }
  });
}

}  // namespace ec::cli
