#include "profiles/devportal_bundle.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "json/canonical.h"
#include "json/parse.h"
#include "oci/artifact.h"
#include "oci/base64.h"
#include "oci/io.h"
#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/tar.h"
#include "profiles/devportal_scan.h"
#include "profiles/devportal_texts.h"

namespace ec::profiles {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestName = kDevportalManifestName;
constexpr std::string_view kEnvelopeName = kDevportalEnvelopeName;
constexpr std::string_view kKeyName = "keys/signing.pub";
constexpr std::string_view kChecksumsName = kDevportalChecksumsName;
constexpr std::string_view kScriptName = "verify-offline.sh";
constexpr std::string_view kInstructionsName = "instructions-portable.txt";
// Envelopes the signer returns are small: a base64 manifest and one signature.
constexpr std::size_t kMaxEnvelopeBytes = 256u << 20;

// The one place this profile serialises JSON (manifest.json, manifest.dsse.json): RFC 8785,
// which is also the compact, sorted, one-line form verify-offline.sh reads.
std::string SerializeJson(const json::Json& value) { return json::Canonical(value); }

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z".
bool IsRfc3339Utc(std::string_view t) {
  auto digits = [&](std::size_t pos, std::size_t n, int max) {
    if (pos + n > t.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      v = v * 10 + (t[i] - '0');
    }
    return v <= max;
  };
  if (t.size() < 20 || !digits(0, 4, 9999) || t[4] != '-' || !digits(5, 2, 12) || t[7] != '-' ||
      !digits(8, 2, 31) || t[10] != 'T' || !digits(11, 2, 23) || t[13] != ':' ||
      !digits(14, 2, 59) || t[16] != ':' || !digits(17, 2, 60) || t.back() != 'Z') {
    return false;
  }
  std::string_view frac = t.substr(19, t.size() - 20);
  if (frac.empty()) return true;
  return frac.size() >= 2 && frac[0] == '.' &&
         std::all_of(frac.begin() + 1, frac.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// True when `inner` is `outer` or lies below it (both absolute, lexically normal).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end() || (std::next(o) == outer.end() && o->empty());
}

Status ValidateOptions(const DevportalOptions& o, const fs::path& dest) {
  const std::string where = StrCat("devportal bundle ", dest.string());
  if (o.bundle_id.empty() || !IsPrintableAscii(o.bundle_id)) {
    return InvalidArgument(StrCat(where, ": bundle id must be non-empty printable ASCII"));
  }
  if (o.release_version.empty() || !IsPrintableAscii(o.release_version)) {
    return InvalidArgument(StrCat(where, ": release version must be non-empty printable ASCII"));
  }
  if (!IsRfc3339Utc(o.generated_at)) {
    return InvalidArgument(StrCat(where, ": generatedAt \"", o.generated_at,
                                  "\" is not an RFC 3339 UTC time like 2025-01-01T00:00:00Z"));
  }
  if (!o.public_key_pem.empty()) {
    if (!o.sign) {
      return InvalidArgument(StrCat(where, ": a public key is given but no signer; "
                                           "keys/signing.pub would verify nothing"));
    }
    if (!o.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----")) {
      return InvalidArgument(
          StrCat(where, ": public key is not a PEM \"-----BEGIN PUBLIC KEY-----\" block"));
    }
  }
  if (dest.filename().empty()) return InvalidArgument(StrCat(where, ": no file name"));
  std::error_code ec;
  fs::path source = fs::weakly_canonical(fs::absolute(o.source, ec), ec);
  fs::path parent = fs::weakly_canonical(fs::absolute(dest, ec).parent_path(), ec);
  if (!ec && IsWithin(parent, source)) {
    return InvalidArgument(StrCat(where, " lies inside the source ", o.source.string(),
                                  "; write the bundle elsewhere"));
  }
  return OkStatus();
}

std::optional<std::string> DecodeAnyBase64(std::string_view text) {
  if (auto std_b64 = oci::DecodeBase64(text)) return std_b64;
  return oci::DecodeBase64Url(text);
}

// Checks the signer's envelope covers exactly `manifest` with the expected type and one
// signature, and re-serialises it in the one-line form verify-offline.sh parses.
Result<std::string> NormalizeEnvelope(std::string_view text, std::string_view manifest) {
  const std::string what = "DSSE envelope returned by the signer";
  if (text.size() > kMaxEnvelopeBytes) {
    return InvalidArgument(StrCat(what, " is larger than ", kMaxEnvelopeBytes, " bytes"));
  }
  EC_ASSIGN_OR_RETURN(json::Json env, json::Parse(text, what));
  auto string_field = [](const json::Json& obj, const char* key) -> const std::string* {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  if (!env.is_object()) return InvalidArgument(StrCat(what, " is not a JSON object"));
  const std::string* payload = string_field(env, "payload");
  const std::string* type = string_field(env, "payloadType");
  auto sigs = env.find("signatures");
  if (payload == nullptr || type == nullptr || sigs == env.end() || !sigs->is_array()) {
    return InvalidArgument(
        StrCat(what, " lacks a string payload, a string payloadType or a signatures array"));
  }
  if (*type != kDevportalPayloadType) {
    return InvalidArgument(StrCat(what, " has payloadType \"", *type, "\", want \"",
                                  kDevportalPayloadType, "\""));
  }
  std::optional<std::string> body = DecodeAnyBase64(*payload);
  if (!body.has_value()) return InvalidArgument(StrCat(what, ": payload is not base64"));
  if (*body != manifest) {
    return InvalidArgument(StrCat(what, ": payload is not the manifest.json it was given"));
  }
  if (sigs->size() != 1 || !(*sigs)[0].is_object()) {
    return InvalidArgument(StrCat(what, " has ", sigs->size(),
                                  " signatures; a devportal bundle carries exactly one"));
  }
  const json::Json& sig_obj = (*sigs)[0];
  const std::string* sig_text = string_field(sig_obj, "sig");
  std::optional<std::string> sig = sig_text ? DecodeAnyBase64(*sig_text) : std::nullopt;
  if (!sig.has_value() || sig->empty()) {
    return InvalidArgument(StrCat(what, ": signatures[0].sig is missing or not base64"));
  }
  json::Json out_sig = {{"sig", oci::EncodeBase64(*sig)}};
  if (sig_obj.contains("keyid")) {
    const std::string* keyid = string_field(sig_obj, "keyid");
    if (keyid == nullptr || !IsPrintableAscii(*keyid) ||
        keyid->find_first_of("\"\\") != std::string::npos) {
      return InvalidArgument(
          StrCat(what, ": signatures[0].keyid must be printable ASCII without '\"' or '\\'"));
    }
    if (!keyid->empty()) out_sig["keyid"] = *keyid;
  }
  json::Json out = {{"payload", oci::EncodeBase64(manifest)},
                    {"payloadType", std::string(kDevportalPayloadType)},
                    {"signatures", json::Json::array({out_sig})}};
  return SerializeJson(out);
}

json::Json BuildManifest(const DevportalOptions& o, const std::vector<DevportalEntry>& entries,
                         std::int64_t total) {
  json::Json items = json::Json::array();
  std::set<std::string> categories;
  std::set<std::string> sdks;
  for (const DevportalEntry& e : entries) {
    categories.insert(e.category);
    if (!e.sdk.empty()) sdks.insert(e.sdk);
    items.push_back({{"category", e.category},
                     {"path", e.path},
                     {"sha256", e.sha256},
                     {"sizeBytes", e.size},
                     {"contentType", std::string(DevportalContentType(e.path))}});
  }
  json::Json signature = {{"mode", "unsigned"}};
  if (o.sign) {
    signature = {{"mode", "dsse"},
                 {"envelope", std::string(kEnvelopeName)},
                 {"payloadType", std::string(kDevportalPayloadType)}};
    if (!o.public_key_pem.empty()) signature["publicKey"] = std::string(kKeyName);
  }
  return {
      {"version", std::string(kDevportalManifestVersion)},
      {"bundleId", o.bundle_id},
      {"generatedAt", o.generated_at},
      {"metadata", {{"releaseVersion", o.release_version}}},
      {"sources",
       {{"portalIncluded", categories.contains("portal")},
        {"specsIncluded", categories.contains("specs")},
        {"sdkNames", json::Json(std::vector<std::string>(sdks.begin(), sdks.end()))},
        {"changelogIncluded", categories.contains("changelog")}}},
      {"totals",
       {{"entryCount", entries.size()}, {"totalSizeBytes", total}}},
      {"entries", std::move(items)},
      {"signature", std::move(signature)},
  };
}

Result<std::pair<oci::Digest, std::int64_t>> HashFile(const fs::path& path) {
  EC_ASSIGN_OR_RETURN(oci::Descriptor d, oci::DescribeFile(path, oci::kOctetStream));
  return std::make_pair(d.digest, d.size);
}

oci::TarWriteEntry BytesEntry(std::string name, std::string bytes) {
  oci::TarWriteEntry entry;
  entry.name = std::move(name);
  entry.bytes = std::move(bytes);
  return entry;
}

oci::TarWriteEntry FileEntry(std::string name, const fs::path& source, std::int64_t size) {
  oci::TarWriteEntry entry;
  entry.name = std::move(name);
  entry.source = source;
  entry.size = size;
  return entry;
}

void MarkExecutable(oci::TarWriteEntry& entry) { entry.mode = 0755; }

}  // namespace

std::string_view DevportalContentType(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes = {{
      {".html", "text/html"},
      {".htm", "text/html"},
      {".css", "text/css"},
      {".js", "text/javascript"},
      {".json", "application/json"},
      {".yaml", "application/yaml"},
      {".yml", "application/yaml"},
      {".md", "text/markdown"},
      {".txt", "text/plain"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".woff2", "font/woff2"},
      {".tar.gz", "application/gzip"},
      {".tgz", "application/gzip"},
      {".zip", "application/zip"},
      {".sh", "text/x-shellscript"},
  }};
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [ext, type] : kTypes) {
    if (lower.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

Result<DevportalResult> WriteDevportalBundle(const DevportalOptions& o,
                                             const fs::path& dest_tgz) {
  const std::string where = StrCat("devportal bundle ", dest_tgz.string());
  EC_RETURN_IF_ERROR(ValidateOptions(o, dest_tgz));
  const DevportalScanLimits limits{.max_files = o.max_files,
                                   .max_total_bytes = o.max_total_bytes,
                                   .max_depth = kMaxDevportalDepth};
  EC_ASSIGN_OR_RETURN(std::vector<DevportalEntry> entries, ScanDevportalSource(o.source, limits));
  std::int64_t total = 0;
  for (const DevportalEntry& e : entries) total += e.size;

  std::string manifest = SerializeJson(BuildManifest(o, entries, total));
  std::optional<std::string> envelope;
  if (o.sign) {
    Result<std::string> signed_text = o.sign(kDevportalPayloadType, manifest);
    if (!signed_text.ok()) return signed_text.status().WithPrefix(StrCat(where, ": signing"));
    EC_ASSIGN_OR_RETURN(std::string normalized, NormalizeEnvelope(*signed_text, manifest));
    envelope = std::move(normalized);
  }

  // Every file of the bundle, by its path inside devportal-offline/; checksums.txt last.
  const std::string root = StrCat(kDevportalBundleRoot, "/");
  std::vector<oci::TarWriteEntry> tar;
  std::vector<std::pair<std::string, std::string>> sums;  // path, sha256 hex
  auto add_bytes = [&](std::string_view name, std::string bytes) -> oci::TarWriteEntry& {
    sums.emplace_back(std::string(name), oci::Digest::OfBytes(bytes).hex());
    tar.push_back(BytesEntry(StrCat(root, name), std::move(bytes)));
    return tar.back();  // valid until the next push_back
  };
  for (const DevportalEntry& e : entries) {
    sums.emplace_back(e.path, e.sha256);
    tar.push_back(FileEntry(StrCat(root, e.path), e.file, e.size));
  }
  add_bytes(kManifestName, manifest);
  if (envelope.has_value()) add_bytes(kEnvelopeName, *envelope);
  if (!o.public_key_pem.empty()) add_bytes(kKeyName, o.public_key_pem);
  add_bytes(kInstructionsName,
            DevportalInstructions({.bundle_id = o.bundle_id,
                                   .release_version = o.release_version,
                                   .generated_at = o.generated_at,
                                   .signed_bundle = envelope.has_value(),
                                   .ships_key = !o.public_key_pem.empty()}));
  MarkExecutable(add_bytes(kScriptName, DevportalVerifyScript(kDevportalPayloadType)));
  std::sort(sums.begin(), sums.end());
  std::string checksums;
  for (const auto& [path, hex] : sums) checksums += StrCat(hex, "  ", path, "\n");
  tar.push_back(BytesEntry(StrCat(root, kChecksumsName), std::move(checksums)));

  EC_RETURN_IF_ERROR(
      oci::WriteDeterministicTar(dest_tgz, std::move(tar), oci::TarCompression::kGzip));
  auto hashed = HashFile(dest_tgz);
  if (!hashed.ok()) {
    std::error_code ignored;
    fs::remove(dest_tgz, ignored);  // keep "complete or nothing" for the caller
    return hashed.status().WithPrefix(StrCat(where, ": reading back"));
  }
  return DevportalResult{.bundle_digest = hashed->first,
                         .bundle_bytes = hashed->second,
                         .manifest_json = std::move(manifest),
                         .entry_count = entries.size(),
                         .total_bytes = total};
}

}  // namespace ec::profiles
