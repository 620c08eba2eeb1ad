// The verbs of export-center. Each Add*Command registers one CLI11 subcommand whose callback
// parses nothing further, calls one library function, prints, and stores the exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace ec::cli {

void AddPushCommand(CLI::App& app, int* exit_code);
void AddPullCommand(CLI::App& app, int* exit_code);
void AddCopyCommand(CLI::App& app, int* exit_code);
void AddManifestCommand(CLI::App& app, int* exit_code);
void AddBlobCommand(CLI::App& app, int* exit_code);
void AddTagsCommand(CLI::App& app, int* exit_code);
void AddResolveCommand(CLI::App& app, int* exit_code);
void AddDiscoverCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddGcCommand(CLI::App& app, int* exit_code);
void AddIngestCommand(CLI::App& app, int* exit_code);
void AddExportCommand(CLI::App& app, int* exit_code);
void AddKeyCommand(CLI::App& app, int* exit_code);
void AddVerifyCommand(CLI::App& app, int* exit_code);
void AddMirrorCommand(CLI::App& app, int* exit_code);
void AddTufCommand(CLI::App& app, int* exit_code);
void AddRunCommand(CLI::App& app, int* exit_code);

}  // namespace ec::cli
