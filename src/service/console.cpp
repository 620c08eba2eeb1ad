#include "service/console.h"

namespace ec::service {
namespace embedded {
// src/service/console/{index.html,console.js,console.css}, compiled in (embed.cmake) so the
// binary serves the console with no files on disk.
extern const std::string_view kConsoleHtml;
extern const std::string_view kConsoleJs;
extern const std::string_view kConsoleCss;
}  // namespace embedded

std::string_view ConsoleHtml() { return embedded::kConsoleHtml; }
std::string_view ConsoleJs() { return embedded::kConsoleJs; }
std::string_view ConsoleCss() { return embedded::kConsoleCss; }

}  // namespace ec::service
