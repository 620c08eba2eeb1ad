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
  std::vector<std::string> keys;        // ROLE=N
  std::vector<std::string> thresholds;  // ROLE=T
  Format format = Format::kText;
};

Result<std::int64_t> RootExpiry(const TufArgs& args) {
  EC_ASSIGN_OR_RETURN(std::int64_t after, ParseDuration(args.expires));
  return static_cast<std::int64_t>(std::time(nullptr)) + after;
}

void AddRoleOptions(CLI::App* cmd, TufArgs* args, std::string_view keys_default,
                    std::string_view threshold_default) {
  cmd->add_option("--keys", args->keys,
                  StrCat("ROLE=N: N keys for role root, targets, snapshot or timestamp (repeatable; ",
                         keys_default, ")"));
  cmd->add_option("--threshold", args->thresholds,
                  StrCat("ROLE=T: T of the role's keys must sign, 1 <= T <= N (repeatable; ",
                         threshold_default, ")"));
}

// What the keyring holds now, role by role.
Status Report(const TufArgs& args, std::string_view done) {
  EC_ASSIGN_OR_RETURN(mirror::TufKeyring ring, mirror::LoadTufKeyring(args.dir));
  const std::string root = (std::filesystem::path(args.dir) / "root.json").string();
  if (args.format == Format::kJson) {
    json::Json roles = json::Json::object();
    for (std::string_view role : mirror::kTufRoles) {
      const tuf::RoleKeys& keys = ring.root.roles.at(std::string(role));
      roles[std::string(role)] = {{"keys", keys.keyids}, {"threshold", keys.threshold}};
    }
    PrintJson({{"keyring", args.dir}, {"trustedRoot", root}, {"rootVersion", ring.root_version}, {"roles", roles}});
    return OkStatus();
  }
  std::cout << done << "\nkeyring: " << args.dir << "\n";
  for (std::string_view role : mirror::kTufRoles) {
    const tuf::RoleKeys& keys = ring.root.roles.at(std::string(role));
    std::cout << "  " << role << ": " << keys.threshold << " of " << keys.keyids.size() << " keys must sign\n";
  }
  std::cout << "trusted root (carry it to the importers): " << root << "\n";
  return OkStatus();
}

}  // namespace

void AddTufCommand(CLI::App& app, int* exit_code) {
  CLI::App* tuf = app.add_subcommand("tuf", "Manage the TUF keyring mirror bundles are signed with");
  tuf->require_subcommand(1);
  auto args = std::make_shared<TufArgs>();
  CLI::App* init = tuf->add_subcommand(
      "init", "Create a keyring: Ed25519 keys for root, targets, snapshot and timestamp (DIR/keys/ROLE.key, "
              "ROLE.2.key, …, mode 0600) and DIR/root.json, the root importers pass as --trusted-root. Root keys "
              "beyond the threshold may then be moved offline; signing a bundle needs only the targets, snapshot "
              "and timestamp keys");
  init->add_option("dir", args->dir, "keyring directory")->required();
  init->add_option("--expires", args->expires, "root validity (default 730d)");
  AddRoleOptions(init, args.get(), "default 1", "default 1");
  AddFormatOption(init, &args->format);
  init->callback([args, exit_code] {
    Status s = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(std::int64_t expires, RootExpiry(*args));
      EC_ASSIGN_OR_RETURN(mirror::TufRoleCounts counts, mirror::ParseTufRoleCounts(args->keys, args->thresholds));
      EC_RETURN_IF_ERROR(mirror::InitTufKeyring(args->dir, expires, counts));
      return Report(*args, "root version 1 written");
    }();
    if (!s.ok()) *exit_code = Fail(s);
  });
  CLI::App* rotate = tuf->add_subcommand(
      "rotate", "Replace every role's keys, keeping each role's key count and threshold unless --keys or "
                "--threshold change them: N+1.root.json is signed by the old root keys in DIR/keys (as many as "
                "the old threshold) and the new ones, so importers that trust an older root follow the rotation");
  rotate->add_option("dir", args->dir, "keyring directory")->required();
  rotate->add_option("--expires", args->expires, "new root validity (default 730d)");
  AddRoleOptions(rotate, args.get(), "default: as the newest root has it", "default: as the newest root has it");
  AddFormatOption(rotate, &args->format);
  rotate->callback([args, exit_code] {
    Status s = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(std::int64_t expires, RootExpiry(*args));
      EC_ASSIGN_OR_RETURN(mirror::TufRoleCounts counts, mirror::ParseTufRoleCounts(args->keys, args->thresholds));
      EC_ASSIGN_OR_RETURN(std::int64_t version, mirror::RotateTufKeyring(args->dir, expires, counts));
      return Report(*args, StrCat("root version ", version, " written; bundles signed from now on carry it"));
    }();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
