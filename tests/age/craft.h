// Builds age files by hand from a fixed file key, so tests can shape headers and payloads
// in ways Encrypt never would (extra stanzas, empty or misflagged chunks).
#pragma once

#include <catch2/catch.hpp>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "age/bech32.h"
#include "age/header.h"
#include "age/payload.h"
#include "age/x25519_stanza.h"

namespace ec::age::testing {

// `extra` stanzas go before the recipient's X25519 stanza; each chunk is (plaintext, last).
inline std::string Craft(const std::vector<internal::Stanza>& extra, const std::string& recipient,
                         const std::vector<std::pair<std::string, bool>>& chunks) {
  internal::Secret file_key(internal::kFileKeySize, 0x11);
  std::vector<internal::Stanza> stanzas = extra;
  auto key = ParseRecipient(recipient);
  REQUIRE(key.ok());
  auto stanza = internal::WrapX25519(*key, file_key);
  REQUIRE(stanza.ok());
  stanzas.push_back(*stanza);
  const std::string for_mac = internal::FormatHeaderForMac(stanzas);
  auto mac = internal::HeaderMac(file_key, for_mac);
  REQUIRE(mac.ok());
  std::string out = internal::FormatHeader(
      for_mac, std::string(reinterpret_cast<const char*>(mac->data()), mac->size()));
  const std::string nonce(internal::kPayloadNonceSize, '\x22');
  out += nonce;
  auto aead = internal::PayloadAead(
      file_key, std::span(reinterpret_cast<const std::uint8_t*>(nonce.data()), nonce.size()),
      internal::Aead::Direction::kSeal);
  REQUIRE(aead.ok());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    internal::Secret buf(chunks[i].first.begin(), chunks[i].first.end());
    REQUIRE(aead->Seal(internal::ChunkNonce(i, chunks[i].second), buf).ok());
    out.append(reinterpret_cast<const char*>(buf.data()), buf.size());
  }
  return out;
}

}  // namespace ec::age::testing
