#include "profiles/verify_devportal.h"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "oci/limits.h"
#include "profiles/devportal_bundle.h"
#include "sign/dsse.h"

namespace ec::profiles {
namespace {

// Small files kept whole; the others are only hashed.
constexpr std::size_t kMaxMetadataBytes = 16u << 20;

struct Entry {
  std::string sha256_hex;
  std::int64_t size = 0;
  std::string bytes;  // metadata files only
};

bool IsMetadata(std::string_view name) {
  return name == kDevportalManifestName || name == kDevportalEnvelopeName || name == kDevportalChecksumsName;
}

// Reads every regular file of the bundle (under kDevportalBundleRoot/) with libarchive.
Result<std::map<std::string, Entry>> ReadBundle(const std::filesystem::path& tgz) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tgz.c_str(), oci::kCopyBufferBytes) != ARCHIVE_OK) {
    return NotFound(StrCat("open ", tgz.string(), ": ", archive_error_string(a.get())));
  }
  const std::string prefix = StrCat(kDevportalBundleRoot, "/");
  std::map<std::string, Entry> out;
  std::vector<char> buf(oci::kCopyBufferBytes);
  archive_entry* e = nullptr;
  while (true) {
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return DataLoss(StrCat(tgz.string(), ": ", archive_error_string(a.get())));
    std::string name = archive_entry_pathname(e);
    if (archive_entry_filetype(e) == AE_IFDIR) continue;
    if (archive_entry_filetype(e) != AE_IFREG || name.rfind(prefix, 0) != 0 || name.find("..") != std::string::npos) {
      return DataLoss(StrCat(tgz.string(), ": unexpected entry \"", name, "\" (want regular files under ", prefix, ")"));
    }
    name = name.substr(prefix.size());
    Entry entry;
    oci::Hasher hasher;
    while (true) {
      la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) return DataLoss(StrCat(tgz.string(), ": ", name, ": ", archive_error_string(a.get())));
      if (n == 0) break;
      hasher.Update(std::span<const char>(buf.data(), static_cast<std::size_t>(n)));
      entry.size += n;
      if (IsMetadata(name) && entry.bytes.size() < kMaxMetadataBytes) entry.bytes.append(buf.data(), static_cast<std::size_t>(n));
    }
    entry.sha256_hex = hasher.Finish().hex();
    if (!out.emplace(name, std::move(entry)).second) return DataLoss(StrCat(tgz.string(), ": duplicate entry ", name));
  }
  return out;
}

}  // namespace

VerifyReport VerifyDevportalBundle(const std::filesystem::path& tgz, const sign::PublicKey* key) {
  VerifyReport report;
  report.profile = "devportal:offline";
  auto fail = [&](VerifyFailure f, std::string object, std::string message) {
    report.failure = f;
    report.object = std::move(object);
    report.message = std::move(message);
    return report;
  };
  auto files = ReadBundle(tgz);
  if (!files.ok()) {
    return fail(files.status().code() == Code::kNotFound ? VerifyFailure::kMissing : VerifyFailure::kIntegrity,
                tgz.string(), files.status().message());
  }
  for (std::string_view need : {kDevportalManifestName, kDevportalChecksumsName}) {
    if (!files->count(std::string(need))) return fail(VerifyFailure::kMissing, std::string(need), StrCat("the bundle has no ", need));
  }
  // checksums.txt: "<hex>  <path>" for every other file.
  std::istringstream lines(files->at(std::string(kDevportalChecksumsName)).bytes);
  std::size_t listed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0) {
      return fail(VerifyFailure::kIntegrity, std::string(kDevportalChecksumsName), StrCat("malformed line \"", line, "\""));
    }
    const std::string hex = line.substr(0, 64);
    const std::string path = line.substr(66);
    auto f = files->find(path);
    if (f == files->end()) return fail(VerifyFailure::kMissing, path, StrCat("checksums.txt lists ", path, " but the bundle has no such file"));
    if (f->second.sha256_hex != hex) {
      return fail(VerifyFailure::kIntegrity, path, StrCat(path, ": got sha256 ", f->second.sha256_hex, ", want ", hex, " (checksums.txt)"));
    }
    ++listed;
  }
  if (listed + 1 != files->size()) {
    return fail(VerifyFailure::kIntegrity, std::string(kDevportalChecksumsName),
                StrCat("the bundle has ", files->size() - 1, " files besides checksums.txt but it lists ", listed));
  }
  report.passed.push_back(StrCat("checksums: ", listed, " files match checksums.txt"));

  const std::string& manifest_bytes = files->at(std::string(kDevportalManifestName)).bytes;
  auto manifest = json::Parse(manifest_bytes, "manifest.json");
  if (!manifest.ok()) return fail(VerifyFailure::kOther, "manifest.json", manifest.status().message());
  std::size_t entries = 0;
  for (const json::Json& e : manifest->value("entries", json::Json::array())) {
    const std::string path = e.value("path", "");
    auto f = files->find(path);
    if (f == files->end()) return fail(VerifyFailure::kMissing, path, StrCat("manifest.json lists ", path, " but the bundle has no such file"));
    if (f->second.sha256_hex != e.value("sha256", "") || f->second.size != e.value("sizeBytes", std::int64_t{-1})) {
      return fail(VerifyFailure::kIntegrity, path, StrCat(path, ": got sha256 ", f->second.sha256_hex, ", ", f->second.size,
                                                          " bytes; manifest.json says ", e.value("sha256", ""), ", ",
                                                          e.value("sizeBytes", std::int64_t{-1})));
    }
    ++entries;
  }
  report.passed.push_back(StrCat("manifest: ", entries, " entries match their files"));

  if (key == nullptr) {
    report.passed.push_back("signatures: not checked (no --key)");
    return report;
  }
  auto env_file = files->find(std::string(kDevportalEnvelopeName));
  if (env_file == files->end()) return fail(VerifyFailure::kSignature, std::string(kDevportalEnvelopeName), "the bundle is unsigned");
  auto env = sign::ParseEnvelope(env_file->second.bytes, kDevportalEnvelopeName);
  if (!env.ok()) return fail(VerifyFailure::kSignature, std::string(kDevportalEnvelopeName), env.status().message());
  if (Status s = sign::VerifyEnvelope(*env, *key); !s.ok()) {
    return fail(VerifyFailure::kSignature, std::string(kDevportalEnvelopeName), s.message());
  }
  if (env->payload_type != kDevportalPayloadType || env->payload != manifest_bytes) {
    return fail(VerifyFailure::kSignature, std::string(kDevportalEnvelopeName),
                "the signed payload is not this manifest.json (or not a devportal manifest)");
  }
  report.signatures_verified = 1;
  report.passed.push_back(StrCat("signature: manifest.dsse.json verifies with key ", key->Hint()));
  return report;
}

}  // namespace ec::profiles
