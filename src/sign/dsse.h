// DSSE (Dead Simple Signing Envelope, protocol v1.0.2): signatures over PAE(payloadType,
// payload), so that the type is authenticated along with the bytes. The envelope is what
// in-toto attestations, cosign's .att layers and Sigstore bundles carry.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "sign/keys.h"
#include "status.h"

namespace ec::sign {

// Limits on envelopes read from outside. A payload is one statement, far below these.
inline constexpr std::size_t kMaxEnvelopeBytes = 24u << 20;  // JSON text (base64 adds 1/3)
inline constexpr std::size_t kMaxPayloadBytes = 16u << 20;   // decoded payload
inline constexpr std::size_t kMaxSignatures = 16;
inline constexpr std::size_t kMaxSignatureBytes = 1024;  // decoded; Ed25519 64, P-256 DER ≤ 72
inline constexpr std::size_t kMaxKeyidBytes = 1024;

// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal.
std::string Pae(std::string_view type, std::string_view body);

struct Envelope {
  struct Signature {
    std::string keyid;  // optional and unauthenticated: a hint for choosing the key
    std::string sig_raw;
  };
  std::string payload_type;
  std::string payload;  // raw bytes, exactly the ones that were signed
  std::vector<Signature> signatures;
};

// One signature by `key`, with the key's hint as keyid.
Result<Envelope> SignEnvelope(std::string_view payload_type, std::string payload,
                              const PrivateKey& key);

// {"payload": base64, "payloadType": …, "signatures": [{"keyid": …, "sig": base64}]}, with
// standard padded base64; keyid is left out when empty.
json::Json EnvelopeToJson(const Envelope& envelope);

// Reads an envelope; payload and signatures may be in standard or URL-safe base64, padded or
// not. Needs at least one signature. `what` names the document in errors.
Result<Envelope> ParseEnvelope(std::string_view text, std::string_view what);
Result<Envelope> EnvelopeFromJson(const json::Json& value, std::string_view what);

// OK when at least one signature verifies over PAE(payload_type, payload) with `key`.
Status VerifyEnvelope(const Envelope& envelope, const PublicKey& key);

}  // namespace ec::sign
