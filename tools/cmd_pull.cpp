// pull: writes the titled layers of an artifact into a directory, each verified, never
// outside it.
#include <filesystem>
#include <iostream>
#include <set>

#include "cli.h"
#include "commands.h"
#include "oci/copy.h"
#include "oci/download.h"
#include "oci/media_types.h"

namespace ec::cli {
namespace {

struct PullArgs {
  std::string ref;
  std::string out_dir;
  std::string platform;
  Format format = Format::kText;
};

// A title becomes a file name only if it is one plain path component.
Status CheckTitle(const oci::Descriptor& layer, const std::string& title) {
  if (title.empty() || title == "." || title == ".." || title.find('/') != std::string::npos ||
      title.find('\0') != std::string::npos) {
    return InvalidArgument(StrCat("pull: layer ", layer.digest.str(), " has title \"", title,
                                  "\", which is not a plain file name; refusing to write it"));
  }
  return OkStatus();
}

Status WriteLayer(oci::Target& src, const oci::Descriptor& layer, const std::filesystem::path& dest,
                  Progress& progress) {
  // Resumable: a pull that breaks keeps .NAME.partial and the next one continues from it.
  return oci::DownloadBlob(src, layer, dest, [&progress](std::int64_t n) { progress.Add(n); });
}

Result<json::Json> RunPull(const PullArgs& args) {
  EC_ASSIGN_OR_RETURN(Opened src, Open(args.ref, false));
  EC_ASSIGN_OR_RETURN(oci::Descriptor root, ResolveNamed(src, "source"));
  if (oci::IsIndexType(root.media_type)) {
    if (args.platform.empty()) {
      return InvalidArgument(StrCat("pull ", src.ref.str(), ": ", root.digest.str(),
                                    " is an index; choose a manifest with --platform OS/ARCH"));
    }
    EC_ASSIGN_OR_RETURN(oci::Platform p, oci::Platform::Parse(args.platform));
    EC_ASSIGN_OR_RETURN(root, oci::SelectPlatform(*src.target, root, p));
  }
  EC_ASSIGN_OR_RETURN(oci::FetchedManifest fm, oci::FetchManifest(*src.target, root));
  std::set<std::string> titles;
  std::int64_t total = 0;
  for (const auto& layer : fm.manifest.layers) {
    auto it = layer.annotations.find(std::string(oci::kAnnotationTitle));
    if (it == layer.annotations.end()) continue;
    EC_RETURN_IF_ERROR(CheckTitle(layer, it->second));
    if (!titles.insert(it->second).second) {
      return InvalidArgument(StrCat("pull ", src.ref.str(), ": two layers are titled \"",
                                    it->second, "\""));
    }
    total += layer.size;
  }
  std::filesystem::path dir(args.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable(StrCat("pull: create ", dir.string(), ": ", ec.message()));
  Progress progress("pull");
  progress.SetTotal(total);
  json::Json files = json::Json::array();
  int skipped = 0;
  for (const auto& layer : fm.manifest.layers) {
    auto it = layer.annotations.find(std::string(oci::kAnnotationTitle));
    if (it == layer.annotations.end()) {
      ++skipped;
      continue;
    }
    EC_RETURN_IF_ERROR(WriteLayer(*src.target, layer, dir / it->second, progress));
    files.push_back({{"path", (dir / it->second).string()}, {"digest", layer.digest.str()},
                     {"size", layer.size}});
  }
  return json::Json{{"reference", src.ref.str()}, {"digest", root.digest.str()},
                    {"files", files}, {"untitledLayersSkipped", skipped}};
}

}  // namespace

void AddPullCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PullArgs>();
  CLI::App* cmd = app.add_subcommand(
      "pull", "Write the layers of an artifact into a directory, named by their titles");
  cmd->add_option("reference", args->ref, "oci:DIR:TAG, oci-archive:FILE@DIGEST, ...")->required();
  cmd->add_option("-o,--output", args->out_dir, "directory to write the files into")->required();
  cmd->add_option("--platform", args->platform, "for an index: the OS/ARCH[/VARIANT] to pull");
  AddFormatOption(cmd, &args->format, /*short_flag=*/false);
  cmd->callback([args, exit_code] {
    auto out = RunPull(*args);
    if (!out.ok()) {
      *exit_code = Fail(out.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*out);
      return;
    }
    for (const auto& f : (*out)["files"]) {
      std::cout << f["path"].get<std::string>() << "  " << f["digest"].get<std::string>() << "\n";
    }
    std::cout << "pulled " << (*out)["digest"].get<std::string>() << "\n";
  });
}

}  // namespace ec::cli
