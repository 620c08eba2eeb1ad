// export-center: packages and moves security evidence and images as OCI artifacts.
#include <CLI/CLI.hpp>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "commands.h"
#include "cli.h"

// A run's child process (service/runner.cpp sets EC_PARENT_PID) dies with the serve that
// started it: a killed serve must not leave an orphan export writing into the store while the
// resumed run works.
void DieWithParent() {
  const char* parent = std::getenv("EC_PARENT_PID");
  if (parent == nullptr) return;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (std::to_string(::getppid()) != parent) std::_Exit(1);  // the parent is already gone
}

int main(int argc, char** argv) {
  DieWithParent();
  CLI::App app{
      "export-center: build, copy and inspect OCI artifacts between registries "
      "(HOST[:PORT]/REPO[:TAG|@DIGEST]), OCI image layouts (oci:DIR[:TAG|@DIGEST]) and OCI "
      "archives (oci-archive:FILE[:TAG|@DIGEST], .tar or .tar.zst) and the local store "
      "(store:REPO[:TAG|@DIGEST]), and serve the store as an OCI registry",
      "export-center"};
  app.require_subcommand(1);
  app.fallthrough();  // registry flags work before or after the verb
  ec::cli::AddRegistryFlags(app);
  ec::cli::AddStoreFlag(app);
  ec::cli::AddEvidenceFlag(app);
  app.set_version_flag("--version", std::string("export-center ") + ec::cli::kExportCenterVersion);
  int exit_code = ec::cli::kExitOk;
  ec::cli::AddPushCommand(app, &exit_code);
  ec::cli::AddPullCommand(app, &exit_code);
  ec::cli::AddCopyCommand(app, &exit_code);
  ec::cli::AddManifestCommand(app, &exit_code);
  ec::cli::AddBlobCommand(app, &exit_code);
  ec::cli::AddTagsCommand(app, &exit_code);
  ec::cli::AddResolveCommand(app, &exit_code);
  ec::cli::AddDiscoverCommand(app, &exit_code);
  ec::cli::AddServeCommand(app, &exit_code);
  ec::cli::AddGcCommand(app, &exit_code);
  ec::cli::AddIngestCommand(app, &exit_code);
  ec::cli::AddExportCommand(app, &exit_code);
  ec::cli::AddKeyCommand(app, &exit_code);
  ec::cli::AddVerifyCommand(app, &exit_code);
  ec::cli::AddMirrorCommand(app, &exit_code);
  ec::cli::AddTufCommand(app, &exit_code);
  ec::cli::AddRunCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : ec::cli::kExitUsage;
  }
  return exit_code;
}
