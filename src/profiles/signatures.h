// Signing a pushed export in the registry's own terms, so that both Sigstore-aware tools and
// cosign's legacy lookup find it:
//   - a Sigstore bundle v0.3 (a DSSE envelope over an in-toto statement, here SLSA
//     provenance) pushed as a referrer of the export's manifest;
//   - a cosign simple-signing signature, one layer of the manifest tagged sha256-<hex>.sig.
// Both are deterministic for the same key and inputs (Ed25519 and RFC 6979 ECDSA).
#pragma once

#include <string>

#include "oci/descriptor.h"
#include "oci/target.h"
#include "sign/keys.h"
#include "sign/statement.h"

namespace ec::profiles {

inline constexpr std::string_view kBuilderId = "https://export-center.dev/builder/v1";
inline constexpr std::string_view kBuildTypePrefix = "https://export-center.dev/build/";

struct SignatureAttachments {
  oci::Descriptor bundle_manifest;  // the referrer
  oci::Descriptor cosign_manifest;  // tagged cosign_tag
  std::string cosign_tag;
  std::string key_hint;
};

// `docker_reference` is the repository the export was pushed to (cosign ignores it when
// verifying, so mirrors that rename repositories keep valid signatures). `created` (RFC 3339)
// goes into the referrer's annotations.
Result<SignatureAttachments> AttachSignatures(oci::Target& dst, const oci::Descriptor& subject,
                                              const sign::PrivateKey& key,
                                              const sign::Provenance& provenance,
                                              std::string_view docker_reference, std::string_view created);

}  // namespace ec::profiles
