// Named limits on advisory input. Advisory files come from mirrors of public repositories,
// so every read is bounded before it is buffered or parsed.
#pragma once

#include <cstddef>

namespace ec::trivy {

// Largest advisory file read into memory. The biggest real input is Debian's whole
// security-tracker JSON (about 70 MiB in 2024); single OSV / secdb documents are < 4 MiB.
inline constexpr std::size_t kMaxAdvisoryFileBytes = 128u << 20;
// Deepest array/object nesting accepted in a JSON or YAML document (OSV needs 6, the
// Debian tracker 5).
inline constexpr int kMaxDocumentNesting = 64;
// Nodes a YAML document may expand to (aliases are expanded when converting to JSON; this
// stops "billion laughs" documents).
inline constexpr std::size_t kMaxYamlNodes = 4u << 20;
// Files one LoadAdvisories call walks before it gives up on a source.
inline constexpr std::size_t kMaxSourceFiles = 1u << 20;

}  // namespace ec::trivy
