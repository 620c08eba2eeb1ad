#include "oci/server/repository_glob.h"

#include "oci/glob.h"

#include <string>
#include <vector>

namespace ec::oci::server {
namespace {

constexpr std::string_view kAnyDepth = "**";

std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t slash = s.find('/');
    out.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    s.remove_prefix(slash + 1);
  }
}

bool IsPatternChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
         c == '*';
}

// Within one segment (no '/'): oci::GlobMatch, whose '?' never occurs here since
// ValidateRepositoryGlob refuses it.
bool MatchSegment(std::string_view pattern, std::string_view text) { return GlobMatch(pattern, text); }

}  // namespace

Status ValidateRepositoryGlob(std::string_view pattern) {
  auto error = [&](std::string_view why) {
    return InvalidArgument(StrCat("repository pattern \"", pattern, "\": ", why));
  };
  if (pattern.empty()) return error("empty");
  for (std::string_view segment : Segments(pattern)) {
    if (segment.empty()) return error("empty path segment (leading, trailing or doubled '/')");
    for (char c : segment) {
      if (!IsPatternChar(c)) {
        return error(StrCat("character '", std::string(1, c),
                            "' not allowed; want [a-z0-9._-], '/' and '*'"));
      }
    }
    if (segment != kAnyDepth && segment.find(kAnyDepth) != std::string_view::npos) {
      return error("'**' must be a whole path segment");
    }
  }
  return OkStatus();
}

bool MatchRepositoryGlob(std::string_view pattern, std::string_view repository) {
  if (pattern.empty() || repository.empty()) return false;
  const std::vector<std::string_view> pat = Segments(pattern);
  const std::vector<std::string_view> name = Segments(repository);
  const std::size_t np = pat.size(), nn = name.size();
  // match[i][j]: pat[i..] matches name[j..]; filled from the end so each "**" costs one pass.
  std::vector<std::vector<char>> match(np + 1, std::vector<char>(nn + 1, 0));
  match[np][nn] = 1;
  for (std::size_t i = np; i-- > 0;) {
    const bool trailing = i + 1 == np;
    for (std::size_t j = nn + 1; j-- > 0;) {
      if (pat[i] == kAnyDepth) {
        // Zero segments (not allowed when trailing), or one segment and stay on "**".
        bool zero = !trailing && match[i + 1][j];
        bool more = j < nn && (match[i][j + 1] || (trailing && j + 1 == nn));
        match[i][j] = zero || more;
      } else {
        match[i][j] = j < nn && MatchSegment(pat[i], name[j]) && match[i + 1][j + 1];
      }
    }
  }
  return match[0][0] != 0;
}

}  // namespace ec::oci::server
