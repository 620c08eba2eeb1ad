// age v1 encryption to X25519 recipients ("age1…"), streaming: plaintext goes in 64 KiB
// chunks, ciphertext goes to a Sink, and at most one chunk is held in memory. The output is
// the standard binary age format that `age -d` 1.1.1 decrypts.
//
// Two shapes of the same thing:
//  - Encrypt(reader, …): pull plaintext from an oci::Reader (a file, or a tar being
//    generated) until it ends.
//  - EncryptingWriter: push plaintext as a producer makes it (Write… then Close). Nothing is
//    written in the clear: only the header and sealed chunks reach the sink.
// A stream that is not closed lacks its final chunk, and every age decryptor rejects it as
// truncated; the sink should still be discarded (e.g. an AtomicFile left uncommitted).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "age/sink.h"
#include "oci/io.h"
#include "status.h"

namespace ec::age {

class EncryptingWriter {
 public:
  // Parses every recipient (age1…, at least one), draws a fresh file key and payload nonce,
  // and writes the header (one X25519 stanza per recipient, then the MAC) and the nonce to
  // `sink`, which must outlive the writer.
  static Result<EncryptingWriter> Open(const std::vector<std::string>& recipients, Sink& sink);

  EncryptingWriter(EncryptingWriter&&) noexcept;
  EncryptingWriter& operator=(EncryptingWriter&&) = delete;
  ~EncryptingWriter();

  // Buffers plaintext, sealing and writing each chunk once the next byte shows it is not
  // the last.
  Status Write(std::string_view plaintext);
  // Seals the final chunk (empty only when the whole payload is). Required; once.
  Status Close();

 private:
  struct State;
  explicit EncryptingWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Encrypts all of `plaintext` to `recipients` into `sink`.
Status Encrypt(oci::Reader& plaintext, const std::vector<std::string>& recipients, Sink& sink);
// In memory, for small data and tests.
Result<std::string> EncryptBytes(std::string_view plaintext,
                                 const std::vector<std::string>& recipients);

}  // namespace ec::age
