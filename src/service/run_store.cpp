#include "service/run_store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "json/parse.h"
#include "oci/base64.h"
#include "oci/digest.h"

namespace ec::service {
namespace {

// Crockford's base32 in lower case: ASCII order is numeric order, so ids sort as numbers.
constexpr std::string_view kBase32 = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kTimeChars = 10;    // 50 bits, holding 48 of milliseconds
constexpr std::size_t kRandomChars = 16;  // 80 bits
constexpr std::size_t kTokenSecretBytes = 32;
constexpr std::size_t kMaxEventTypeBytes = 64;

constexpr std::array<std::string_view, 5> kScopes = {kScopeProfileManage, kScopeRun, kScopeRead,
                                                     kScopeDownload, kScopeAdmin};

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no system randomness: ids and secrets would be guessable
  }
  return out;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Bounded, non-empty, no control characters.
Status CheckText(std::string_view what, std::string_view value, std::size_t max_bytes) {
  if (value.empty()) return InvalidArgument(StrCat(what, " is empty"));
  if (value.size() > max_bytes) {
    return InvalidArgument(StrCat(what, " is ", value.size(), " bytes; the limit is ", max_bytes));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument(StrCat(what, " contains a control character"));
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kQueued: return "queued";
    case RunStatus::kRunning: return "running";
    case RunStatus::kSucceeded: return "succeeded";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kCanceled: return "canceled";
  }
  return "unknown";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus s : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kSucceeded,
                      RunStatus::kFailed, RunStatus::kCanceled}) {
    if (RunStatusName(s) == name) return s;
  }
  return std::nullopt;
}

bool Principal::HasScope(std::string_view scope) const {
  for (const std::string& s : scopes) {
    if (s == scope || s == kScopeAdmin) return true;
  }
  return false;
}

Status CheckName(std::string_view what, std::string_view value) {
  if (value.empty()) return InvalidArgument(StrCat(what, " is empty"));
  if (value.size() > kMaxNameBytes) {
    return InvalidArgument(StrCat(what, " is ", value.size(), " bytes; the limit is ",
                                  kMaxNameBytes));
  }
  if (!IsAlnum(value.front()) ||
      !std::all_of(value.begin(), value.end(), [](char c) { return IsNameChar(c); })) {
    return InvalidArgument(StrCat(what, " \"", value,
                                  "\" is not a name: use letters, digits and . _ : @ -,"
                                  " starting with a letter or digit"));
  }
  return OkStatus();
}

Status CheckDigest(std::string_view what, std::string_view value) {
  auto digest = oci::Digest::Parse(value);
  if (!digest.ok()) {
    return InvalidArgument(StrCat(what, ": ", digest.status().message()));
  }
  return OkStatus();
}

Status CheckJson(std::string_view what, std::string_view text, std::size_t max_bytes,
                 bool object) {
  if (text.size() > max_bytes) {
    return InvalidArgument(StrCat(what, " is ", text.size(), " bytes; the limit is ", max_bytes));
  }
  auto value = json::Parse(text, what);
  if (!value.ok()) return InvalidArgument(value.status().message());
  if (object && !value->is_object()) return InvalidArgument(StrCat(what, " is not a JSON object"));
  return OkStatus();
}

Status CheckLeaseSeconds(std::int64_t lease_seconds) {
  if (lease_seconds < 1 || lease_seconds > kMaxLeaseSeconds) {
    return InvalidArgument(StrCat("lease of ", lease_seconds, " s: use 1 to ", kMaxLeaseSeconds));
  }
  return OkStatus();
}

Status CheckEventType(std::string_view type) {
  bool ok = !type.empty() && type.size() <= kMaxEventTypeBytes &&
            std::all_of(type.begin(), type.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            });
  if (!ok) {
    return InvalidArgument(StrCat("event type \"", TruncateUtf8(type, kMaxEventTypeBytes),
                                  "\": use 1 to ", kMaxEventTypeBytes, " of [a-z0-9_.]"));
  }
  return OkStatus();
}

Status CheckStoredProfile(const StoredProfile& p) {
  EC_RETURN_IF_ERROR(CheckName("tenant", p.tenant));
  EC_RETURN_IF_ERROR(CheckName("profile name", p.name));
  std::string what = StrCat("profile ", p.tenant, "/", p.name, " r", p.revision);
  if (p.revision < 1) return InvalidArgument(StrCat(what, ": revisions start at 1"));
  EC_RETURN_IF_ERROR(CheckDigest(StrCat(what, " digest"), p.digest));
  EC_RETURN_IF_ERROR(CheckJson(what, p.document, kMaxStoredProfileBytes, /*object=*/true));
  if (oci::Digest::OfBytes(p.document).str() != p.digest) {
    return InvalidArgument(StrCat(what, ": digest ", p.digest,
                                  " is not the sha256 of its document"));
  }
  return OkStatus();
}

Status CheckNewRun(const NewRun& run) {
  EC_RETURN_IF_ERROR(CheckName("tenant", run.tenant));
  EC_RETURN_IF_ERROR(CheckName("profile name", run.profile_name));
  if (run.profile_revision < 1) {
    return InvalidArgument(StrCat("run of ", run.profile_name, ": profile revision ",
                                  run.profile_revision, " (revisions start at 1)"));
  }
  EC_RETURN_IF_ERROR(CheckDigest("profile digest", run.profile_digest));
  EC_RETURN_IF_ERROR(CheckJson("run parameters", run.parameters, kMaxJsonBytes, true));
  if (!run.idempotency_key.empty()) {
    EC_RETURN_IF_ERROR(CheckText("Idempotency-Key", run.idempotency_key, kMaxIdempotencyKeyBytes));
  }
  if (!run.request_digest.empty()) {
    EC_RETURN_IF_ERROR(CheckDigest("request digest", run.request_digest));
  }
  return OkStatus();
}

Status CheckAudit(const AuditEntry& e) {
  if (!e.tenant.empty()) EC_RETURN_IF_ERROR(CheckName("audit tenant", e.tenant));
  EC_RETURN_IF_ERROR(CheckText("audit actor", e.actor, kMaxNameBytes));
  EC_RETURN_IF_ERROR(CheckText("audit action", e.action, kMaxAuditFieldBytes));
  if (!e.object.empty()) {
    EC_RETURN_IF_ERROR(CheckText("audit object", e.object, kMaxAuditFieldBytes));
  }
  return CheckText("audit outcome", e.outcome, kMaxAuditFieldBytes);
}

Result<std::vector<std::string>> NormaliseScopes(const std::vector<std::string>& scopes) {
  if (scopes.empty()) return InvalidArgument("a token needs at least one scope");
  std::vector<std::string> out;
  for (const std::string& s : scopes) {
    if (std::find(kScopes.begin(), kScopes.end(), s) == kScopes.end()) {
      return InvalidArgument(StrCat("unknown scope \"", TruncateUtf8(s, kMaxNameBytes),
                                    "\"; known: export:profile:manage, export:run,"
                                    " export:read, export:download, admin"));
    }
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int PageLimit(int limit, int fallback, int max) {
  if (limit <= 0) return fallback;
  return std::min(limit, max);
}

std::string TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t n = max_bytes;
  // Back off continuation bytes (10xxxxxx) so that no character is cut in half.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) --n;
  return std::string(text.substr(0, n));
}

std::string DefaultRequestDigest(const NewRun& run) {
  std::string parameters = run.parameters;
  // Insignificant whitespace and member order do not make another request.
  if (auto value = json::Parse(run.parameters, "run parameters"); value.ok()) {
    parameters = json::Compact(*value);
  }
  return oci::Digest::OfBytes(StrCat(run.profile_name, "\n", parameters)).str();
}

std::string NewSortableId(std::string_view prefix, std::int64_t unix_ms) {
  std::string out(prefix);
  auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_ms, 0));
  for (std::size_t i = kTimeChars; i-- > 0;) {
    out += kBase32[(ms >> (5 * i)) & 31];
  }
  std::string random = RandomBytes(kRandomChars);
  for (char c : random) out += kBase32[static_cast<unsigned char>(c) & 31];
  return out;
}

std::string NextSortableId(std::string_view id) {
  std::string out(id);
  const std::size_t tail = kTimeChars + kRandomChars;
  const std::size_t start = out.size() >= tail ? out.size() - tail : 0;
  for (std::size_t i = out.size(); i-- > start;) {
    std::size_t digit = kBase32.find(out[i]);
    if (digit == std::string_view::npos) digit = 0;
    if (digit + 1 < kBase32.size()) {
      out[i] = kBase32[digit + 1];
      return out;
    }
    out[i] = kBase32[0];  // carry
  }
  // Every digit was the largest: the id with one more character still sorts after it.
  return StrCat(id, kBase32[0]);
}

std::string NewTokenSecret() {
  return StrCat(kTokenSecretPrefix, oci::EncodeBase64Url(RandomBytes(kTokenSecretBytes)));
}

std::string TokenSecretHash(std::string_view secret) {
  return oci::Digest::OfBytes(secret).hex();
}

// The length of the UTF-8 character at s[i] if both stores can hold it as text (well formed,
// not overlong, not a surrogate, not NUL; PostgreSQL refuses NUL), else 0.
static std::size_t StorableCharLength(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xe0) == 0xc0) {
    n = 1;
    cp = c & 0x1fu;
  } else if ((c & 0xf0) == 0xe0) {
    n = 2;
    cp = c & 0x0fu;
  } else if ((c & 0xf8) == 0xf0) {
    n = 3;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + n >= s.size()) return 0;  // cut short
  for (std::size_t k = 1; k <= n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3fu);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
      cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return n + 1;
}

bool IsStorableText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = StorableCharLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Free text (a failure reason, an audit entry) made storable: each byte a store (or the JSON
// of an event) would refuse becomes U+FFFD, so that a worker's report or an audit entry is never lost over a
// stray byte from a child's stderr.
std::string ToStorableText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = StorableCharLength(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace ec::service
