#include "evidence/normalise_common.h"

#include <algorithm>
#include <tuple>

#include "evidence/purl.h"

namespace ec::evidence {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

auto Key(const Record& r) {
  return std::tie(r.vulnerability, r.purl, r.package, r.version, r.vex_status, r.kind,
                  r.justification, r.severity, r.fixed_versions, r.aliases, r.ecosystem,
                  r.modified, r.summary);
}

// Sorts, removes duplicates and the empty string.
void SortUniqueNonEmpty(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (!values.empty() && values.front().empty()) values.erase(values.begin());
}

}  // namespace

std::string OneLine(std::string_view text) {
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    if (!line.empty()) {
      if (line.size() > kMaxSummaryBytes) {
        std::size_t cut = kMaxSummaryBytes;
        // Back up over UTF-8 continuation bytes so no character is split.
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line = line.substr(0, cut);
        while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
      }
      return std::string(line);
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return "";
}

void SetPurl(Record& record, std::string_view purl) {
  auto parts = ParsePurl(purl);
  if (!parts) {
    if (record.package.empty()) record.package = purl;
    return;
  }
  record.purl = purl;
  if (record.package.empty()) record.package = PackageNameFromPurl(*parts);
  if (record.version.empty()) record.version = std::move(parts->version);
  record.ecosystem = std::move(parts->type);
}

Status TooManyRecords(std::string_view what) {
  return InvalidArgument(
      StrCat(what, ": gives more than ", kMaxRecordsPerDocument, " records, want at most that"));
}

Status FinishDocument(NormalisedDocument& doc, std::string_view what) {
  if (doc.records.size() > kMaxRecordsPerDocument) return TooManyRecords(what);
  for (Record& r : doc.records) {
    if (!r.aliases.empty()) {
      SortUniqueNonEmpty(r.aliases);
      auto self = std::lower_bound(r.aliases.begin(), r.aliases.end(), r.vulnerability);
      if (self != r.aliases.end() && *self == r.vulnerability) r.aliases.erase(self);
    }
    if (r.fixed_versions.size() > 1 || (!r.fixed_versions.empty() && r.fixed_versions[0].empty())) {
      SortUniqueNonEmpty(r.fixed_versions);
    }
  }
  std::sort(doc.records.begin(), doc.records.end(),
            [](const Record& a, const Record& b) { return Key(a) < Key(b); });
  doc.records.erase(std::unique(doc.records.begin(), doc.records.end(),
                                [](const Record& a, const Record& b) { return Key(a) == Key(b); }),
                    doc.records.end());
  return OkStatus();
}

}  // namespace ec::evidence
