// What a TUF client must remember between updates for rollback protection (spec 5.3-5.5):
// the newest verified root and the versions of the last trusted timestamp and snapshot.
// Versions only, not whole files: that is all the checks compare against.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "status.h"

namespace ec::tuf {

struct TrustedState {
  std::string root;                    // bytes of the newest verified N.root.json; "" = none
  std::int64_t timestamp_version = 0;  // 0 = no timestamp trusted yet
  std::int64_t snapshot_version = 0;   // as listed by the trusted timestamp
  std::map<std::string, std::int64_t> meta_versions;  // trusted snapshot's meta: file -> version

  friend bool operator==(const TrustedState&, const TrustedState&) = default;
};

// A small JSON document for the caller to store next to its cache.
std::string SerializeTrustedState(const TrustedState& state);
Result<TrustedState> ParseTrustedState(std::string_view text, std::string_view what);

}  // namespace ec::tuf
