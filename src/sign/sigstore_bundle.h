// Sigstore bundle v0.3 for key-signed DSSE envelopes without a transparency log: the format
// cosign v3 stores as an OCI 1.1 referrer and sigstore-js verifies offline. The public key is
// referenced by hint only; verifiers get the key out of band.
#pragma once

#include <string>
#include <string_view>

#include "sign/dsse.h"
#include "sign/keys.h"
#include "status.h"

namespace ec::sign {

inline constexpr std::string_view kBundleMediaType =
    "application/vnd.dev.sigstore.bundle.v0.3+json";
// The OCI referrer: manifest artifactType and its single layer's media type.
inline constexpr std::string_view kBundleArtifactType = kBundleMediaType;
inline constexpr std::string_view kBundleLayerMediaType = kBundleMediaType;
// Manifest annotations cosign writes on a bundle referrer.
inline constexpr std::string_view kBundleContentAnnotation = "dev.sigstore.bundle.content";
inline constexpr std::string_view kBundleContentDsse = "dsse-envelope";
inline constexpr std::string_view kBundlePredicateTypeAnnotation =
    "dev.sigstore.bundle.predicateType";

// Canonical JSON bytes of {mediaType, verificationMaterial: {publicKey: {hint}, tlogEntries:
// [], timestampVerificationData: {rfc3161Timestamps: []}}, dsseEnvelope}. The envelope must
// carry exactly one signature whose keyid is empty or equal to key.Hint().
Result<std::string> BundleJson(const Envelope& envelope, const PublicKey& key);

// Reads a v0.3 bundle with a DSSE envelope: checks the media type, exactly one signature, and
// that the key hint and the signature's keyid agree when both are present. Keyless bundles
// (certificates) and message-signature bundles are refused. Does not verify the signature.
Result<Envelope> ParseBundle(std::string_view text, std::string_view what);

}  // namespace ec::sign
