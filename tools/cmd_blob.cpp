// blob get: writes one blob, verified, to a file (atomically) or to stdout.
#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "commands.h"

namespace ec::cli {
namespace {

struct BlobArgs {
  std::string ref;
  std::string out;
};

Status RunBlobGet(const BlobArgs& args) {
  EC_ASSIGN_OR_RETURN(Opened src, Open(args.ref, false));
  std::optional<oci::Digest> digest =
      src.ref.kind == oci::TargetKind::kRegistry ? src.ref.remote.digest : src.ref.digest;
  if (!digest) {
    return InvalidArgument(StrCat("blob get ", args.ref, ": name the blob with @DIGEST"));
  }
  EC_ASSIGN_OR_RETURN(oci::Descriptor desc, src.target->Stat(*digest));
  EC_ASSIGN_OR_RETURN(auto reader, src.target->Fetch(desc));
  oci::VerifyingReader verifying(*reader, desc, StrCat("blob get from ", src.target->Name()));
  if (args.out == "-") {
    // stdout cannot be taken back: bytes stream out and a mismatch is reported at the end.
    std::vector<char> buf(1 << 20);
    while (true) {
      EC_ASSIGN_OR_RETURN(std::size_t n, verifying.Read(buf));
      if (n == 0) break;
      EC_RETURN_IF_ERROR(oci::WriteAll(1, std::string_view(buf.data(), n), "stdout"));
    }
    return verifying.Verify();
  }
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(args.out));
  EC_RETURN_IF_ERROR(file.WriteFrom(verifying).status());
  EC_RETURN_IF_ERROR(verifying.Verify());
  return file.Commit();
}

}  // namespace

void AddBlobCommand(CLI::App& app, int* exit_code) {
  CLI::App* blob = app.add_subcommand("blob", "Read blobs");
  blob->require_subcommand(1);
  auto args = std::make_shared<BlobArgs>();
  CLI::App* get = blob->add_subcommand("get", "Write a blob, verified against its digest, to a file");
  get->add_option("reference", args->ref, "TARGET@DIGEST, e.g. oci:DIR@sha256:...")->required();
  get->add_option("-o,--output", args->out, "file to write (written only if the digest matches), or - for stdout")
      ->required();
  get->callback([args, exit_code] {
    Status s = RunBlobGet(*args);
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
