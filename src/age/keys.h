// age X25519 key pairs: generation, the recipient of an identity, and the two text files
// users hand us: recipients files (`age -R`) and identity files (`age-keygen` output).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "age/bech32.h"
#include "status.h"

namespace ec::age {

// An X25519 identity with its public half. The secret is wiped when the object dies.
struct Identity {
  X25519Key secret{};
  X25519Key public_key{};

  Identity() = default;
  Identity(const Identity&) = default;
  Identity& operator=(const Identity&) = default;
  ~Identity();

  std::string Recipient() const { return FormatRecipient(public_key); }
};

struct GeneratedIdentity {
  std::string identity;   // AGE-SECRET-KEY-1…
  std::string recipient;  // age1…
};

// A fresh key pair from the system RNG.
Result<GeneratedIdentity> GenerateIdentity();
// "AGE-SECRET-KEY-1…" to an Identity (public half derived).
Result<Identity> IdentityFromString(std::string_view identity);
// The recipient ("age1…") of an identity string.
Result<std::string> RecipientOf(std::string_view identity);

// age-keygen's file layout: "# created: <created>", "# public key: age1…", the secret line.
// Write it with mode 0600.
std::string IdentityFileText(const GeneratedIdentity& generated, std::string_view created);

// Recipients, one per line; '#' lines and blank lines skipped; every line validated, errors
// carry `what` and the line number. At least one recipient is required.
Result<std::vector<std::string>> ParseRecipientsText(std::string_view text, std::string_view what);
Result<std::vector<std::string>> ReadRecipientsFile(const std::filesystem::path& path);
// Identities, one per line; '#' lines and blank lines skipped. At least one is required.
// Passphrase-encrypted identity files, SSH keys and plugin identities are refused by name.
Result<std::vector<Identity>> ParseIdentitiesText(std::string_view text, std::string_view what);
Result<std::vector<Identity>> ReadIdentityFile(const std::filesystem::path& path);

}  // namespace ec::age
