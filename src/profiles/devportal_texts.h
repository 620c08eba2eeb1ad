// The fixed texts of a devportal:offline bundle: verify-offline.sh and
// instructions-portable.txt. Both depend only on their arguments, so bundles stay
// byte-stable.
#pragma once

#include <string>
#include <string_view>

namespace ec::profiles {

// A POSIX sh script needing only coreutils, sed, grep and openssl (3.x, for Ed25519 -rawin).
// Run in (or pointing at) the extracted bundle folder, it checks checksums.txt, that every
// manifest.json entry is covered by it, and, given a public key (argument, else
// keys/signing.pub), the DSSE signature in manifest.dsse.json over manifest.json.
std::string DevportalVerifyScript(std::string_view payload_type);

struct DevportalInstructionFacts {
  std::string_view bundle_id;
  std::string_view release_version;
  std::string_view generated_at;
  bool signed_bundle = false;
  bool ships_key = false;
};

std::string DevportalInstructions(const DevportalInstructionFacts& facts);

}  // namespace ec::profiles
