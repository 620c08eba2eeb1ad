// Pieces every normaliser shares: the per-document limits, filling a record from a purl, the
// one-line summary rule, and the final sort / de-duplication that makes output deterministic.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/record.h"
#include "status.h"

namespace ec::evidence {

// Larger documents are refused before parsing (the largest real one seen is ~3 MB).
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{64} << 20;
// More records than this from one document is refused rather than held in memory.
inline constexpr std::size_t kMaxRecordsPerDocument = 1'000'000;
// Nested CycloneDX components and CSAF branches deeper than this are refused, so that
// recursion depth stays bounded on hostile input.
inline constexpr int kMaxNestingDepth = 64;
// Summaries are cut to this many bytes (at a UTF-8 character boundary).
inline constexpr std::size_t kMaxSummaryBytes = 300;

// The first non-blank line of `text`, trimmed and cut to kMaxSummaryBytes.
std::string OneLine(std::string_view text);

// Sets record.purl and, from it, ecosystem (the purl type) and, when still empty, package
// and version. A string that is not a purl is kept as package when package is empty.
void SetPurl(Record& record, std::string_view purl);

// The error for a document that would give more than kMaxRecordsPerDocument records.
// Normalisers check before each new record, so a hostile document cannot exhaust memory.
Status TooManyRecords(std::string_view what);
inline bool RecordsFull(const NormalisedDocument& doc) {
  return doc.records.size() >= kMaxRecordsPerDocument;
}

// Checks the record limit, normalises every record's lists (aliases sorted, unique, without
// the vulnerability itself; fixed versions sorted, unique) and sorts the records by
// (vulnerability, purl, package, version, vexStatus, then the other fields), dropping
// duplicates.
Status FinishDocument(NormalisedDocument& doc, std::string_view what);

}  // namespace ec::evidence
