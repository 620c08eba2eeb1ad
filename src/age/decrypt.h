// age v1 decryption with X25519 identities, streaming. The header is parsed strictly and its
// MAC verified before any plaintext is released; each 64 KiB chunk is released only after it
// authenticates. Truncation, trailing data and an empty non-first final chunk are detected
// at the end of the stream, after earlier chunks have been released, so write plaintext
// somewhere that is discarded on failure (an uncommitted AtomicFile, a tar reader that
// aborts).
//
// Supported: binary age v1 with X25519 stanzas (what `age -r` / `age -R` write). Stanzas of
// other types are skipped; ASCII armor and passphrase (scrypt) files are refused by name.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "age/keys.h"
#include "age/sink.h"
#include "oci/io.h"
#include "status.h"

namespace ec::age {

// The plaintext of an age stream, as an oci::Reader (e.g. to feed a tar reader).
class DecryptingReader final : public oci::Reader {
 public:
  // Reads the header from `ciphertext` (which must outlive the reader), unwraps the file key
  // with the first identity that opens a stanza, and verifies the header MAC. `what` names
  // the input in errors.
  static Result<std::unique_ptr<DecryptingReader>> Open(oci::Reader& ciphertext,
                                                        const std::vector<Identity>& identities,
                                                        std::string_view what = "age input");
  ~DecryptingReader() override;

  // Plaintext; 0 only after the final chunk authenticated and the input ended there. Errors
  // are sticky.
  Result<std::size_t> Read(std::span<char> buf) override;

 private:
  struct State;
  explicit DecryptingReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Decrypts all of `ciphertext` into `sink`.
Status Decrypt(oci::Reader& ciphertext, const std::vector<Identity>& identities, Sink& sink,
               std::string_view what = "age input");
// In memory, for small data and tests.
Result<std::string> DecryptBytes(std::string_view ciphertext,
                                 const std::vector<Identity>& identities);

// True when `first_bytes` starts with the binary age header line "age-encryption.org/v1\n"
// (pass at least 22 bytes).
bool LooksLikeAge(std::string_view first_bytes);

}  // namespace ec::age
