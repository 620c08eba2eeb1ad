// cosign's legacy "simple signing" payload and where it lives in a registry: a layer of the
// manifest tagged sha256-<hex>.sig, whose annotation holds the base64 signature over the
// payload bytes. cosign v3 still falls back to these tags when an image has no bundle
// referrers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "oci/digest.h"
#include "status.h"

namespace ec::sign {

inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kCosignSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kSimpleSigningType = "cosign container image signature";
// A payload names one image; anything larger is not one of ours.
inline constexpr std::size_t kMaxSimpleSigningBytes = 64u << 10;

// Canonical JSON {"critical": {"identity": {"docker-reference": …}, "image":
// {"docker-manifest-digest": "sha256:…"}, "type": "cosign container image signature"},
// "optional": null}. cosign ignores docker-reference, so a mirror may rename repositories.
std::string SimpleSigningPayload(std::string_view docker_reference,
                                 const oci::Digest& manifest_digest);

// Checks critical.type and returns critical.image.docker-manifest-digest.
Result<oci::Digest> ParseSimpleSigningPayload(std::string_view payload);

// "sha256-<hex>.sig": the tag of the legacy signature manifest for `digest`.
std::string CosignSignatureTag(const oci::Digest& digest);
// "sha256-<hex>.att": the tag of the legacy attestation manifest.
std::string CosignAttestationTag(const oci::Digest& digest);

}  // namespace ec::sign
