// Offline verification of an export pushed as an OCI artifact: the graph is closed and every
// blob hashes to its descriptor; manifest.json's contents[] match the files (and the
// rerunHash the contents); with a public key, a Sigstore bundle referrer signed by that key
// carries an in-toto statement whose subjects include the artifact and agree with every file,
// and a cosign signature under sha256-<hex>.sig, when present, verifies too. Nothing is
// fetched from anywhere but the target. An artifact without Export Center's profile annotation
// (a Trivy database, say) gets the closure and signature checks only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "json/parse.h"
#include "oci/descriptor.h"
#include "oci/target.h"
#include "sign/keys.h"

namespace ec::profiles {

// Why verification failed; the CLI maps each to its exit code.
enum class VerifyFailure {
  kNone,       // exit 0
  kOther,      // exit 1: not a manifest, unreadable metadata
  kIntegrity,  // exit 2: a digest, size, content list or rerunHash does not match
  kSignature,  // exit 3: no valid signature by the key, or a signed statement disagrees
  kMissing,    // exit 4: a blob, manifest.json or file named by the manifest is absent
};

struct VerifyReport {
  VerifyFailure failure = VerifyFailure::kNone;
  std::string object;   // the failing object: a digest or a file name
  std::string message;  // why, in one line
  std::vector<std::string> passed;  // checks that held, in order
  std::string profile;
  int signatures_verified = 0;
  bool cosign_signature = false;

  bool ok() const { return failure == VerifyFailure::kNone; }
  int ExitCode() const;
  json::Json ToJson() const;
};

// `key` may be null: integrity only, and the report says signatures were not checked.
// `work_dir` holds temporary copies of image-compatible layers.
VerifyReport VerifyExport(oci::Target& target, const oci::Descriptor& root, const sign::PublicKey* key,
                          const std::filesystem::path& work_dir);

}  // namespace ec::profiles
