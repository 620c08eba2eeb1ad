#include "age/keys.h"

#include <botan/mem_ops.h>

#include "age/primitives.h"
#include "oci/io.h"

namespace ec::age {
namespace {

// Key files are a few lines; anything this large is not one.
constexpr std::size_t kMaxKeyFileBytes = 1u << 20;

std::string_view Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Calls `f(line_no, line)` for every non-blank, non-comment line.
template <typename F>
Status ForEachLine(std::string_view text, F f) {
  int line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    EC_RETURN_IF_ERROR(f(line_no, line));
  }
  return OkStatus();
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Identity::~Identity() { Botan::secure_scrub_memory(secret.data(), secret.size()); }

Result<GeneratedIdentity> GenerateIdentity() {
  Identity id;
  EC_RETURN_IF_ERROR(internal::FillRandom(id.secret));
  id.public_key = internal::X25519Base(id.secret);
  return GeneratedIdentity{FormatIdentity(id.secret), id.Recipient()};
}

Result<Identity> IdentityFromString(std::string_view identity) {
  Identity id;
  EC_ASSIGN_OR_RETURN(id.secret, ParseIdentity(identity));
  id.public_key = internal::X25519Base(id.secret);
  return id;
}

Result<std::string> RecipientOf(std::string_view identity) {
  EC_ASSIGN_OR_RETURN(Identity id, IdentityFromString(identity));
  return id.Recipient();
}

std::string IdentityFileText(const GeneratedIdentity& generated, std::string_view created) {
  return StrCat("# created: ", created, "\n# public key: ", generated.recipient, "\n",
                generated.identity, "\n");
}

Result<std::vector<std::string>> ParseRecipientsText(std::string_view text,
                                                     std::string_view what) {
  std::vector<std::string> out;
  EC_RETURN_IF_ERROR(ForEachLine(text, [&](int line_no, std::string_view line) -> Status {
    const std::string where = StrCat(what, " line ", line_no);
    if (StartsWith(line, "ssh-")) {
      return InvalidArgument(StrCat(where, ": SSH recipients are not supported; want age1…"));
    }
    auto key = ParseRecipient(line);
    if (!key.ok()) return key.status().WithPrefix(where);
    out.emplace_back(line);
    return OkStatus();
  }));
  if (out.empty()) return InvalidArgument(StrCat(what, ": no recipients"));
  return out;
}

Result<std::vector<std::string>> ReadRecipientsFile(const std::filesystem::path& path) {
  EC_ASSIGN_OR_RETURN(std::string text, oci::ReadSmallFile(path, kMaxKeyFileBytes));
  return ParseRecipientsText(text, path.string());
}

Result<std::vector<Identity>> ParseIdentitiesText(std::string_view text, std::string_view what) {
  if (StartsWith(text, "age-encryption.org/v1\n") ||
      StartsWith(text, "-----BEGIN AGE ENCRYPTED FILE-----")) {
    return InvalidArgument(
        StrCat(what, ": passphrase-encrypted identity files are not supported; decrypt it "
                     "with age -d first"));
  }
  std::vector<Identity> out;
  Status st = ForEachLine(text, [&](int line_no, std::string_view line) -> Status {
    const std::string where = StrCat(what, " line ", line_no);
    if (StartsWith(line, "-----BEGIN")) {
      return InvalidArgument(StrCat(where, ": SSH and PEM keys are not supported; want "
                                           "AGE-SECRET-KEY-1…"));
    }
    if (StartsWith(line, "AGE-PLUGIN-")) {
      return InvalidArgument(StrCat(where, ": plugin identities are not supported"));
    }
    auto id = IdentityFromString(line);
    if (!id.ok()) return id.status().WithPrefix(where);
    out.push_back(std::move(*id));
    return OkStatus();
  });
  EC_RETURN_IF_ERROR(st);
  if (out.empty()) return InvalidArgument(StrCat(what, ": no identities"));
  return out;
}

Result<std::vector<Identity>> ReadIdentityFile(const std::filesystem::path& path) {
  EC_ASSIGN_OR_RETURN(std::string text, oci::ReadSmallFile(path, kMaxKeyFileBytes));
  // The file holds secrets: wipe our copy once parsed.
  auto out = ParseIdentitiesText(text, path.string());
  Botan::secure_scrub_memory(text.data(), text.size());
  return out;
}

}  // namespace ec::age
