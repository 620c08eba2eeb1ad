// What every advisory reader shares: the context it runs in and what it reports about one
// document besides the values it stages.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "trivy/sources/staging.h"

namespace ec::trivy {

struct ReadContext {
  // "Now" for OSV `withdrawn` times: a record withdrawn at or after `now` is still loaded,
  // as trivy-db does (osv.go: Withdrawn.Before(time.Now())).
  std::chrono::sys_seconds now;
};

struct DocumentOutcome {
  int advisories = 0;  // advisory values staged
  // Why parts of a readable document produced nothing ("withdrawn", "unsupported
  // ecosystem Hackage", …); the loader counts them by reason.
  std::vector<std::string> dropped;
  // Defects inside a document that was otherwise loaded ("package foo CVE-1: …").
  std::vector<std::string> problems;
};

}  // namespace ec::trivy
