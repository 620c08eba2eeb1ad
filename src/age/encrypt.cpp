#include "age/encrypt.h"

#include <algorithm>
#include <array>

#include "age/header.h"
#include "age/payload.h"
#include "age/primitives.h"
#include "age/x25519_stanza.h"

namespace ec::age {

using internal::Aead;
using internal::kChunkSize;
using internal::Secret;

struct EncryptingWriter::State {
  Sink& sink;
  Aead aead;
  Secret chunk;  // plaintext of the current chunk, sealed in place
  std::uint64_t index = 0;
  bool closed = false;
  bool failed = false;

  // Seals `chunk` and writes it out.
  Status Flush(bool last) {
    EC_RETURN_IF_ERROR(aead.Seal(internal::ChunkNonce(index, last), chunk));
    EC_RETURN_IF_ERROR(
        sink.Write(std::string_view(reinterpret_cast<const char*>(chunk.data()), chunk.size())));
    chunk.clear();
    ++index;
    return OkStatus();
  }
};

EncryptingWriter::EncryptingWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
EncryptingWriter::EncryptingWriter(EncryptingWriter&&) noexcept = default;
EncryptingWriter::~EncryptingWriter() = default;

Result<EncryptingWriter> EncryptingWriter::Open(const std::vector<std::string>& recipients,
                                                Sink& sink) {
  if (recipients.empty()) return InvalidArgument("age encrypt: no recipients");
  std::vector<X25519Key> keys;
  for (const std::string& r : recipients) {
    EC_ASSIGN_OR_RETURN(X25519Key key, ParseRecipient(r));
    keys.push_back(key);
  }

  Secret file_key(internal::kFileKeySize);
  EC_RETURN_IF_ERROR(internal::FillRandom(file_key));
  std::vector<internal::Stanza> stanzas;
  for (const X25519Key& key : keys) {
    EC_ASSIGN_OR_RETURN(internal::Stanza stanza, internal::WrapX25519(key, file_key));
    stanzas.push_back(std::move(stanza));
  }
  const std::string for_mac = internal::FormatHeaderForMac(stanzas);
  EC_ASSIGN_OR_RETURN(auto mac, internal::HeaderMac(file_key, for_mac));

  std::array<std::uint8_t, internal::kPayloadNonceSize> nonce;
  EC_RETURN_IF_ERROR(internal::FillRandom(nonce));
  EC_ASSIGN_OR_RETURN(Aead aead,
                      internal::PayloadAead(file_key, nonce, Aead::Direction::kSeal));

  EC_RETURN_IF_ERROR(sink.Write(internal::FormatHeader(
      for_mac, std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()))));
  EC_RETURN_IF_ERROR(
      sink.Write(std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size())));

  auto state = std::unique_ptr<State>(new State{sink, std::move(aead), Secret(), 0, false, false});
  state->chunk.reserve(internal::kSealedChunkSize);
  return EncryptingWriter(std::move(state));
}

Status EncryptingWriter::Write(std::string_view plaintext) {
  State& s = *state_;
  if (s.failed) return FailedPrecondition("age encrypt: write after an earlier failure");
  if (s.closed) return FailedPrecondition("age encrypt: write after Close");
  while (!plaintext.empty()) {
    // A full chunk is sealed only now that more data proves it is not the last one, so a
    // payload that is a multiple of 64 KiB ends with a full final chunk.
    if (s.chunk.size() == kChunkSize) {
      Status st = s.Flush(false);
      if (!st.ok()) {
        s.failed = true;
        return st;
      }
    }
    const std::size_t take = std::min(kChunkSize - s.chunk.size(), plaintext.size());
    s.chunk.insert(s.chunk.end(), plaintext.begin(), plaintext.begin() + take);
    plaintext.remove_prefix(take);
  }
  return OkStatus();
}

Status EncryptingWriter::Close() {
  State& s = *state_;
  if (s.failed) return FailedPrecondition("age encrypt: Close after an earlier failure");
  if (s.closed) return FailedPrecondition("age encrypt: Close called twice");
  s.closed = true;
  Status st = s.Flush(true);
  if (!st.ok()) s.failed = true;
  return st;
}

Status Encrypt(oci::Reader& plaintext, const std::vector<std::string>& recipients, Sink& sink) {
  EC_ASSIGN_OR_RETURN(EncryptingWriter writer, EncryptingWriter::Open(recipients, sink));
  std::string buf(kChunkSize, '\0');
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, plaintext.Read(buf));
    if (n == 0) break;
    EC_RETURN_IF_ERROR(writer.Write(std::string_view(buf.data(), n)));
  }
  return writer.Close();
}

Result<std::string> EncryptBytes(std::string_view plaintext,
                                 const std::vector<std::string>& recipients) {
  StringSink sink;
  EC_ASSIGN_OR_RETURN(EncryptingWriter writer, EncryptingWriter::Open(recipients, sink));
  EC_RETURN_IF_ERROR(writer.Write(plaintext));
  EC_RETURN_IF_ERROR(writer.Close());
  return std::move(sink.str());
}

}  // namespace ec::age
