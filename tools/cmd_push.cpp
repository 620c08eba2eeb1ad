// push: builds an OCI artifact from files (one layer each) and pushes it to a target.
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "oci/artifact.h"
#include "oci/media_types.h"

namespace ec::cli {
namespace {

struct PushArgs {
  std::string ref;
  std::vector<std::string> files;
  std::string artifact_type;
  std::vector<std::string> annotations;
  std::string subject;
  std::string config;
  Format format = Format::kText;
};

Result<json::Json> RunPush(const PushArgs& args) {
  EC_ASSIGN_OR_RETURN(Opened dst, Open(args.ref, /*create=*/true));
  oci::ArtifactSpec spec;
  for (const auto& f : args.files) spec.files.push_back(oci::ParseArtifactFile(f));
  if (!args.config.empty()) spec.config = oci::ParseArtifactFile(args.config);
  spec.artifact_type = args.artifact_type;
  for (const auto& a : args.annotations) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument(StrCat("invalid annotation \"", a, "\": want KEY=VALUE"));
    }
    spec.annotations[a.substr(0, eq)] = a.substr(eq + 1);
  }
  std::string created = SourceDateEpochRfc3339();
  if (!created.empty() && !spec.annotations.count(std::string(oci::kAnnotationCreated))) {
    spec.annotations[std::string(oci::kAnnotationCreated)] = created;
  }
  if (!args.subject.empty()) {
    EC_ASSIGN_OR_RETURN(oci::Digest digest, oci::Digest::Parse(args.subject));
    auto subject = dst.target->Resolve(digest.str());
    if (!subject.ok()) return subject.status().WithPrefix("push: --subject");
    spec.subject = *subject;
  }
  EC_ASSIGN_OR_RETURN(oci::Descriptor manifest, oci::PushArtifact(*dst.target, spec));
  if (!dst.ref.tag.empty() || (dst.ref.kind == oci::TargetKind::kRegistry && !dst.ref.remote.tag.empty())) {
    std::string tag = dst.ref.kind == oci::TargetKind::kRegistry ? dst.ref.remote.tag : dst.ref.tag;
    EC_RETURN_IF_ERROR(dst.target->Tag(manifest, tag));
  }
  EC_RETURN_IF_ERROR(dst.target->Commit());
  json::Json out = {{"reference", dst.ref.str()},
                    {"digest", manifest.digest.str()},
                    {"mediaType", manifest.media_type},
                    {"artifactType", manifest.artifact_type},
                    {"size", manifest.size}};
  return out;
}

}  // namespace

void AddPushCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PushArgs>();
  CLI::App* cmd = app.add_subcommand(
      "push", "Build an OCI artifact from files (one layer each, titled with the file name) "
              "and push it to a target");
  cmd->add_option("reference", args->ref, "destination: registry/repo[:tag], oci:DIR[:TAG], oci-archive:FILE[:TAG]")
      ->required();
  cmd->add_option("files", args->files, "FILE[:MEDIATYPE] (default application/vnd.oci.image.layer.v1.tar)")
      ->required();
  cmd->add_option("--artifact-type", args->artifact_type, "the manifest's artifactType");
  cmd->add_option("-a,--annotation", args->annotations, "manifest annotation KEY=VALUE (repeatable)");
  cmd->add_option("--subject", args->subject, "digest of a manifest in the same target this artifact refers to");
  cmd->add_option("--config", args->config, "config FILE[:MEDIATYPE] (default: the empty config)");
  AddFormatOption(cmd, &args->format);
  cmd->footer("SOURCE_DATE_EPOCH, when set, becomes the org.opencontainers.image.created annotation;\n"
              "otherwise the manifest carries no timestamp, so the same files give the same digest.");
  cmd->callback([args, exit_code] {
    auto out = RunPush(*args);
    if (!out.ok()) {
      *exit_code = Fail(out.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*out);
    } else {
      std::cout << "pushed " << (*out)["reference"].get<std::string>() << "\n"
                << "digest: " << (*out)["digest"].get<std::string>() << "\n";
    }
  });
}

}  // namespace ec::cli
