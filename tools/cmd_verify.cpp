// verify: checks an export offline (digests, manifest.json, signatures) and says which
// object failed. Exit codes: 0 verified, 1 not an export or unreadable, 2 integrity (a
// digest, size, content list or rerunHash), 3 signature, 4 something missing.
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "oci/io.h"
#include "profiles/verify_devportal.h"
#include "profiles/verify_export.h"

namespace ec::cli {
namespace {

struct VerifyArgs {
  std::string target;
  std::string key_file;
  Format format = Format::kText;
};

Result<profiles::VerifyReport> RunVerify(const VerifyArgs& args) {
  std::optional<sign::PublicKey> key;
  if (!args.key_file.empty()) {
    EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(args.key_file, 64 << 10));
    EC_ASSIGN_OR_RETURN(sign::PublicKey k, sign::LoadPublicKeyPem(pem, StrCat("--key ", args.key_file)));
    key.emplace(std::move(k));
  }
  // A devportal bundle file is checked as verify-offline.sh would.
  std::error_code fec;
  if (args.target.find(':') == std::string::npos && std::filesystem::is_regular_file(args.target, fec)) {
    return profiles::VerifyDevportalBundle(args.target, key ? &*key : nullptr);
  }
  std::string arg = args.target;
  // A bare directory holding an OCI layout is read as one.
  std::error_code ec;
  if (arg.find(':') == std::string::npos && std::filesystem::exists(std::filesystem::path(arg) / "oci-layout", ec)) {
    arg = "oci:" + arg;
  }
  EC_ASSIGN_OR_RETURN(Opened src, Open(arg, false));
  EC_ASSIGN_OR_RETURN(oci::Descriptor root, ResolveNamed(src, "export"));
  EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  return profiles::VerifyExport(*src.target, root, key ? &*key : nullptr, scratch.path());
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify an export offline: every blob against its digest, manifest.json's contents and "
      "rerunHash, and with --key the Sigstore bundle referrer (DSSE over SLSA provenance whose "
      "subjects must match) and the cosign sha256-<hex>.sig signature. Exit 0 verified, 1 not "
      "an export, 2 integrity failure, 3 signature failure, 4 missing object");
  cmd->add_option("target", args->target, "the export: registry/repo:tag, oci:DIR[:tag], oci-archive:FILE, store:REPO, a layout directory, or a devportal-offline-bundle.tgz")->required();
  cmd->add_option("--key", args->key_file, "public key (PEM) the signatures must verify with");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto report = RunVerify(*args);
    if (!report.ok()) {
      int code = Fail(report.status());
      *exit_code = report.status().code() == Code::kNotFound ? 4 : code;
      return;
    }
    if (args->format == Format::kJson) PrintJson(report->ToJson());
    if (!report->ok()) {
      std::cerr << "export-center: error: verify " << report->object << ": " << report->message << "\n";
      *exit_code = report->ExitCode();
      return;
    }
    if (args->format == Format::kText) {
      for (const std::string& c : report->passed) std::cout << "ok  " << c << "\n";
      std::cout << "verified\n";
    }
  });
}

}  // namespace ec::cli
