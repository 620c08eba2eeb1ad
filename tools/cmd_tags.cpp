// tags: lists a target's tags.
#include <iostream>

#include "cli.h"
#include "commands.h"

namespace ec::cli {
namespace {

struct TagsArgs {
  std::string ref;
  Format format = Format::kText;
};

}  // namespace

void AddTagsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TagsArgs>();
  CLI::App* cmd = app.add_subcommand("tags", "List the tags of a target, sorted");
  cmd->add_option("reference", args->ref, "oci:DIR, oci-archive:FILE, ...")->required();
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(Opened src, Open(args->ref, false));
      EC_ASSIGN_OR_RETURN(std::vector<std::string> tags, src.target->ListTags());
      if (args->format == Format::kJson) {
        PrintJson({{"reference", src.ref.str()}, {"tags", tags}});
      } else {
        for (const auto& t : tags) std::cout << t << "\n";
      }
      return OkStatus();
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
