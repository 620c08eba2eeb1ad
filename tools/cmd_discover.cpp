// discover: prints the tree of referrers (signatures, attestations, SBOMs) of a manifest.
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "oci/limits.h"

namespace ec::cli {
namespace {

struct DiscoverArgs {
  std::string ref;
  std::string artifact_type;
  Format format = Format::kText;
};

Result<json::Json> Walk(oci::Target& target, const oci::Descriptor& desc, std::string_view type,
                        int depth) {
  json::Json node = desc.ToJson();
  node["referrers"] = json::Json::array();
  if (depth > oci::kMaxGraphDepth) return node;
  EC_ASSIGN_OR_RETURN(std::vector<oci::Descriptor> refs, target.Referrers(desc, depth == 0 ? type : ""));
  for (const auto& r : refs) {
    EC_ASSIGN_OR_RETURN(json::Json child, Walk(target, r, type, depth + 1));
    node["referrers"].push_back(std::move(child));
  }
  return node;
}

void PrintTree(const json::Json& node, const std::string& indent) {
  const auto& children = node["referrers"];
  for (std::size_t i = 0; i < children.size(); ++i) {
    bool last = i + 1 == children.size();
    const auto& c = children[i];
    std::cout << indent << (last ? "└── " : "├── ")
              << c.value("artifactType", c.value("mediaType", "")) << "  "
              << c["digest"].get<std::string>() << "\n";
    PrintTree(c, indent + (last ? "    " : "│   "));
  }
}

}  // namespace

void AddDiscoverCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DiscoverArgs>();
  CLI::App* cmd = app.add_subcommand("discover", "Print the tree of referrers of a manifest");
  cmd->add_option("reference", args->ref, "registry/repo:tag, oci:DIR:TAG, ...")->required();
  cmd->add_option("--artifact-type", args->artifact_type, "only direct referrers of this type");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(Opened src, Open(args->ref, false));
      EC_ASSIGN_OR_RETURN(oci::Descriptor root, ResolveNamed(src, "reference"));
      EC_ASSIGN_OR_RETURN(json::Json tree, Walk(*src.target, root, args->artifact_type, 0));
      if (args->format == Format::kJson) {
        PrintJson(tree);
      } else {
        std::cout << src.ref.str() << "  " << root.digest.str() << "\n";
        PrintTree(tree, "");
      }
      return OkStatus();
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
