#include "age/decrypt.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "age/header.h"
#include "age/payload.h"
#include "age/primitives.h"
#include "age/x25519_stanza.h"

namespace ec::age {

using internal::Aead;
using internal::kSealedChunkSize;
using internal::kTagSize;
using internal::Secret;

namespace {

constexpr std::string_view kScryptType = "scrypt";

// Checks the stanzas as a set and returns the file key the identities unwrap.
Result<Secret> UnwrapFileKey(const std::vector<internal::Stanza>& stanzas,
                             const std::vector<Identity>& identities, std::string_view what) {
  std::vector<std::size_t> x25519;
  std::string others;
  for (std::size_t i = 0; i < stanzas.size(); ++i) {
    const internal::Stanza& s = stanzas[i];
    if (s.type == kScryptType && stanzas.size() != 1) {
      return DataLoss(StrCat(what, ": age header: an scrypt stanza must be the only stanza, got ",
                             stanzas.size(), " stanzas"));
    }
    if (s.type == internal::kX25519Type) {
      Status st = internal::CheckX25519Stanza(s, i);
      if (!st.ok()) return st.WithPrefix(what);
      x25519.push_back(i);
    } else if (others.find(" " + s.type) == std::string::npos) {
      others += " " + s.type;  // unknown types are skipped, but named if nothing matches
    }
  }
  if (stanzas.size() == 1 && stanzas[0].type == kScryptType) {
    return InvalidArgument(StrCat(what, ": passphrase-encrypted (scrypt) age files are not "
                                        "supported; want X25519 recipients"));
  }
  for (const Identity& id : identities) {
    for (std::size_t i : x25519) {
      EC_ASSIGN_OR_RETURN(std::optional<Secret> key, internal::UnwrapX25519(stanzas[i], i, id));
      if (key) return std::move(*key);
    }
  }
  return FailedPrecondition(
      StrCat(what, ": no identity matches any recipient stanza (", identities.size(),
             " identities, ", x25519.size(), " X25519 stanzas",
             others.empty() ? "" : StrCat("; other stanza types:", others), ")"));
}

}  // namespace

struct DecryptingReader::State {
  State(oci::Reader& input, std::string_view name) : in(input), what(name) {}

  oci::Reader& in;
  std::string what;
  std::optional<Aead> aead;
  // Sealed bytes read ahead: one chunk plus one byte, which tells a full final chunk from
  // a full chunk that has a successor.
  std::string ahead;
  std::size_t have = 0;
  bool eof = false;
  Secret plain;  // the current chunk's plaintext
  std::size_t pos = 0;
  std::uint64_t index = 0;  // of the next chunk; numbers count from 0
  bool done = false;
  Status error;

  Status Fill() {
    while (!eof && have < ahead.size()) {
      EC_ASSIGN_OR_RETURN(std::size_t n,
                          in.Read(std::span<char>(ahead.data() + have, ahead.size() - have)));
      if (n == 0) eof = true;
      have += n;
    }
    return OkStatus();
  }

  // Opens `size` bytes of `ahead` as chunk `index`; false when the tag does not match.
  Result<bool> TryOpen(std::size_t size, bool last) {
    plain.assign(ahead.begin(), ahead.begin() + static_cast<std::ptrdiff_t>(size));
    return aead->Open(internal::ChunkNonce(index, last), plain);
  }

  Status NextChunk() {
    EC_RETURN_IF_ERROR(Fill());
    pos = 0;
    if (have > kSealedChunkSize) {
      // A full chunk with more bytes after it: it must not be the final one.
      EC_ASSIGN_OR_RETURN(bool ok, TryOpen(kSealedChunkSize, false));
      if (!ok) {
        EC_ASSIGN_OR_RETURN(bool final_ok, TryOpen(kSealedChunkSize, true));
        if (final_ok) {
          return DataLoss(StrCat(what, ": trailing data after the final chunk (chunk ", index,
                                 ")"));
        }
        return DataLoss(StrCat(what, ": chunk ", index, ": authentication failed"));
      }
      ahead[0] = ahead[kSealedChunkSize];
      have = 1;
      ++index;
      return OkStatus();
    }
    // The input ends within this chunk: it must be the final one.
    if (have == 0) return DataLoss(StrCat(what, ": payload truncated: no chunks"));
    if (have < kTagSize) {
      return DataLoss(StrCat(what, ": payload truncated in chunk ", index, ": got ", have,
                             " bytes, want at least ", kTagSize));
    }
    if (have == kTagSize && index > 0) {
      return DataLoss(StrCat(what, ": chunk ", index,
                             ": empty final chunk (only an empty payload has one)"));
    }
    EC_ASSIGN_OR_RETURN(bool ok, TryOpen(have, true));
    if (!ok) {
      if (have == kSealedChunkSize) {
        // A full chunk that authenticates as non-final: the chunks after it are missing.
        EC_ASSIGN_OR_RETURN(bool inner_ok, TryOpen(have, false));
        if (inner_ok) {
          return DataLoss(StrCat(what, ": payload truncated after chunk ", index));
        }
      }
      return DataLoss(
          StrCat(what, ": chunk ", index, ": authentication failed (corrupt or truncated)"));
    }
    have = 0;
    done = true;
    ++index;
    return OkStatus();
  }
};

DecryptingReader::DecryptingReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
DecryptingReader::~DecryptingReader() = default;

Result<std::unique_ptr<DecryptingReader>> DecryptingReader::Open(
    oci::Reader& ciphertext, const std::vector<Identity>& identities, std::string_view what) {
  if (identities.empty()) return InvalidArgument(StrCat(what, ": no identities to decrypt with"));
  EC_ASSIGN_OR_RETURN(internal::ParsedHeader header, internal::ReadHeader(ciphertext, what));
  EC_ASSIGN_OR_RETURN(Secret file_key, UnwrapFileKey(header.stanzas, identities, what));
  EC_ASSIGN_OR_RETURN(auto mac, internal::HeaderMac(file_key, header.mac_input));
  if (!internal::ConstantTimeEqual(
          mac, std::span(reinterpret_cast<const std::uint8_t*>(header.mac.data()),
                         header.mac.size()))) {
    return DataLoss(StrCat(what, ": header MAC mismatch (header modified or corrupt)"));
  }

  auto state = std::make_unique<State>(ciphertext, what);
  // The payload nonce follows the header; part of it, or more, may already be buffered (less
  // than one header read block, so it fits the look-ahead buffer).
  if (header.leftover.size() > kSealedChunkSize) return Internal("age: header over-read");
  state->ahead.resize(kSealedChunkSize + 1);
  std::memcpy(state->ahead.data(), header.leftover.data(), header.leftover.size());
  state->have = header.leftover.size();
  while (!state->eof && state->have < internal::kPayloadNonceSize) {
    EC_RETURN_IF_ERROR(state->Fill());
  }
  if (state->have < internal::kPayloadNonceSize) {
    return DataLoss(StrCat(what, ": payload truncated: got ", state->have,
                           " nonce bytes, want ", internal::kPayloadNonceSize));
  }
  const std::span<const std::uint8_t> nonce(
      reinterpret_cast<const std::uint8_t*>(state->ahead.data()), internal::kPayloadNonceSize);
  EC_ASSIGN_OR_RETURN(Aead aead, internal::PayloadAead(file_key, nonce, Aead::Direction::kOpen));
  state->aead.emplace(std::move(aead));
  state->ahead.erase(0, internal::kPayloadNonceSize);
  state->have -= internal::kPayloadNonceSize;
  state->ahead.resize(kSealedChunkSize + 1);
  return std::unique_ptr<DecryptingReader>(new DecryptingReader(std::move(state)));
}

Result<std::size_t> DecryptingReader::Read(std::span<char> buf) {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  if (buf.empty()) return std::size_t{0};
  while (s.pos == s.plain.size()) {
    if (s.done) return std::size_t{0};
    Status st = s.NextChunk();
    if (!st.ok()) {
      s.plain.clear();
      s.error = st;
      return st;
    }
  }
  const std::size_t n = std::min(buf.size(), s.plain.size() - s.pos);
  std::memcpy(buf.data(), s.plain.data() + s.pos, n);
  s.pos += n;
  return n;
}

Status Decrypt(oci::Reader& ciphertext, const std::vector<Identity>& identities, Sink& sink,
               std::string_view what) {
  EC_ASSIGN_OR_RETURN(auto reader, DecryptingReader::Open(ciphertext, identities, what));
  std::string buf(internal::kChunkSize, '\0');
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) return OkStatus();
    EC_RETURN_IF_ERROR(sink.Write(std::string_view(buf.data(), n)));
  }
}

Result<std::string> DecryptBytes(std::string_view ciphertext,
                                 const std::vector<Identity>& identities) {
  oci::StringReader in{std::string(ciphertext)};
  StringSink sink;
  EC_RETURN_IF_ERROR(Decrypt(in, identities, sink, "age input"));
  return std::move(sink.str());
}

bool LooksLikeAge(std::string_view first_bytes) {
  return first_bytes.substr(0, internal::kVersionLine.size() + 1) ==
         StrCat(internal::kVersionLine, "\n");
}

}  // namespace ec::age
