#include "profiles/verify_export.h"

#include <map>
#include <vector>

#include "oci/base64.h"
#include "oci/io.h"
#include "oci/limits.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/tar.h"
#include "profiles/bundle_artifact.h"
#include "profiles/devportal_bundle.h"
#include "profiles/json_export.h"
#include "profiles/verify_devportal.h"
#include "sign/dsse.h"
#include "sign/sigstore_bundle.h"
#include "sign/simple_signing.h"
#include "sign/statement.h"

namespace ec::profiles {
namespace {

constexpr std::size_t kMaxManifestJsonBytes = 64u << 20;

VerifyFailure FailureOf(const Status& s) {
  switch (s.code()) {
    case Code::kNotFound: return VerifyFailure::kMissing;
    case Code::kDataLoss: return VerifyFailure::kIntegrity;
    default: return VerifyFailure::kOther;
  }
}

// The verifier: each step either adds a passed check or records the first failure.
class Verifier {
 public:
  Verifier(oci::Target& target, const oci::Descriptor& root, const sign::PublicKey* key,
           std::filesystem::path work_dir)
      : target_(target), root_(root), key_(key), work_dir_(std::move(work_dir)) {}

  VerifyReport Run() {
    if (Closure() && Contents() && Signatures()) {}
    return std::move(report_);
  }

 private:
  bool Fail(VerifyFailure f, std::string object, std::string message) {
    report_.failure = f;
    report_.object = std::move(object);
    report_.message = std::move(message);
    return false;
  }
  bool Fail(const Status& s, std::string object) { return Fail(FailureOf(s), std::move(object), s.message()); }
  void Pass(std::string what) { report_.passed.push_back(std::move(what)); }

  // Streams one blob through the digest check; keeps it on disk when `save` is set.
  Status FetchBlob(const oci::Descriptor& d, const std::filesystem::path* save) {
    EC_ASSIGN_OR_RETURN(auto reader, target_.Fetch(d));
    oci::VerifyingReader verifying(*reader, d, StrCat("blob ", d.digest.str(), " of ", target_.Name()));
    std::optional<oci::AtomicFile> out;
    if (save != nullptr) {
      EC_ASSIGN_OR_RETURN(oci::AtomicFile f, oci::AtomicFile::Create(*save));
      out.emplace(std::move(f));
    }
    std::vector<char> buf(oci::kCopyBufferBytes);
    while (true) {
      EC_ASSIGN_OR_RETURN(std::size_t n, verifying.Read(buf));
      if (n == 0) break;
      if (out) EC_RETURN_IF_ERROR(out->Write(std::string_view(buf.data(), n)));
    }
    EC_RETURN_IF_ERROR(verifying.Verify());
    if (out) EC_RETURN_IF_ERROR(out->Commit(false));
    return OkStatus();
  }

  bool Closure() {
    auto fetched = oci::FetchManifest(target_, root_);
    if (!fetched.ok()) return Fail(fetched.status(), root_.digest.str());
    manifest_ = fetched->manifest;
    if (manifest_.is_index || !manifest_.config) {
      return Fail(VerifyFailure::kOther, root_.digest.str(), "not an export: want an image manifest, got an index");
    }
    // Artifacts without the profile annotation (Trivy databases, anything signed with our
    // key) still get the closure and signature checks.
    auto profile = manifest_.annotations.find(std::string(kAnnotationProfile));
    if (profile != manifest_.annotations.end()) report_.profile = profile->second;
    std::error_code ec;
    std::filesystem::create_directories(work_dir_, ec);
    if (ec) return Fail(VerifyFailure::kOther, work_dir_.string(), StrCat("create ", work_dir_.string(), ": ", ec.message()));
    image_ = manifest_.config->media_type == oci::kOciConfig && manifest_.artifact_type.empty();
    std::vector<oci::Descriptor> blobs = manifest_.layers;
    blobs.insert(blobs.begin(), *manifest_.config);
    int i = 0;
    for (const oci::Descriptor& d : blobs) {
      std::filesystem::path saved = work_dir_ / StrCat("layer-", i++);
      auto title = d.annotations.find(std::string(oci::kAnnotationTitle));
      const bool keep = image_ && title != d.annotations.end();
      Status s = FetchBlob(d, keep ? &saved : nullptr);
      if (!s.ok()) return Fail(s, d.digest.str());
      if (title == d.annotations.end()) continue;
      if (!keep) {
        files_[title->second] = {d.digest.str(), d.size};
        continue;
      }
      // Image-compatible: the file is export/<name> inside "<name>.tar".
      std::string name = title->second.substr(0, title->second.size() - 4);
      auto index = oci::TarIndex::Build(saved);
      if (!index.ok()) return Fail(index.status(), d.digest.str());
      auto loc = index->Find(StrCat(kImageExportDir, "/", name));
      if (!loc) return Fail(VerifyFailure::kIntegrity, d.digest.str(), StrCat("layer ", title->second, " holds no ", kImageExportDir, "/", name));
      auto reader = oci::FileReader::Open(saved, loc->offset, loc->size);
      if (!reader.ok()) return Fail(reader.status(), name);
      oci::Hasher hasher;
      std::vector<char> buf(oci::kCopyBufferBytes);
      std::string head;
      while (true) {
        auto n = (*reader)->Read(buf);
        if (!n.ok()) return Fail(n.status(), name);
        if (*n == 0) break;
        hasher.Update(std::span<const char>(buf.data(), *n));
        if (name == "manifest.json" && head.size() < kMaxManifestJsonBytes) head.append(buf.data(), *n);
      }
      files_[name] = {hasher.Finish().str(), loc->size};
      in_tar_[name] = {saved, *loc};
      if (name == "manifest.json") manifest_json_ = head;
    }
    Pass(StrCat("closure: manifest, config and ", manifest_.layers.size(), " layers match their digests"));
    return true;
  }

  bool Contents() {
    auto mj = files_.find("manifest.json");
    if (mj == files_.end()) {
      // devportal:offline carries its own manifest, checksums and DSSE envelope inside the
      // .tgz: check those as verify-offline.sh does.
      if (report_.profile == "devportal:offline") return Devportal();
      if (report_.profile.empty()) {
        Pass("contents: no manifest.json (not an evidence bundle); closure and signatures only");
        return true;
      }
      return Fail(VerifyFailure::kMissing, "manifest.json", "the artifact has no layer titled manifest.json");
    }
    if (!image_) {
      for (const oci::Descriptor& d : manifest_.layers) {
        auto t = d.annotations.find(std::string(oci::kAnnotationTitle));
        if (t != d.annotations.end() && t->second == "manifest.json") {
          auto bytes = oci::FetchVerified(target_, d, kMaxManifestJsonBytes);
          if (!bytes.ok()) return Fail(bytes.status(), "manifest.json");
          manifest_json_ = *bytes;
        }
      }
    }
    auto parsed = json::Parse(manifest_json_, "manifest.json");
    if (!parsed.ok()) return Fail(VerifyFailure::kOther, "manifest.json", parsed.status().message());
    const json::Json& m = *parsed;
    if (!m.contains("contents") || !m["contents"].is_array() || !m.contains("rerunHash")) {
      return Fail(VerifyFailure::kOther, "manifest.json", "manifest.json has no contents[] or rerunHash");
    }
    std::vector<std::string> digests;
    std::size_t listed = 0;
    for (const json::Json& c : m["contents"]) {
      const std::string path = c.value("path", "");
      const std::string digest = c.value("digest", "");
      const std::int64_t bytes = c.value("bytes", std::int64_t{-1});
      auto f = files_.find(path);
      if (f == files_.end()) return Fail(VerifyFailure::kMissing, path, StrCat("manifest.json lists ", path, " but the artifact has no such file"));
      if (f->second.first != digest) {
        return Fail(VerifyFailure::kIntegrity, path, StrCat(path, ": got ", f->second.first, ", want ", digest, " (manifest.json)"));
      }
      if (f->second.second != bytes) {
        return Fail(VerifyFailure::kIntegrity, path, StrCat(path, ": got ", f->second.second, " bytes, want ", bytes, " (manifest.json)"));
      }
      digests.push_back(digest);
      ++listed;
    }
    if (listed + 1 != files_.size()) {
      return Fail(VerifyFailure::kIntegrity, "manifest.json",
                  StrCat("the artifact has ", files_.size() - 1, " files besides manifest.json but manifest.json lists ", listed));
    }
    const std::string rerun = HashOfSortedDigests(digests);
    if (rerun != m["rerunHash"].get<std::string>()) {
      return Fail(VerifyFailure::kIntegrity, "manifest.json",
                  StrCat("rerunHash: got ", rerun, ", want ", m["rerunHash"].get<std::string>()));
    }
    Pass(StrCat("contents: ", listed, " files match manifest.json, rerunHash ", rerun));
    return true;
  }

  // The bundle file on disk: the layer itself, or its entry in an image-compatible tar.
  Result<std::filesystem::path> Materialise(const std::string& name) {
    const std::filesystem::path dest = work_dir_ / name;
    if (auto t = in_tar_.find(name); t != in_tar_.end()) {
      EC_ASSIGN_OR_RETURN(auto reader, oci::FileReader::Open(t->second.first, t->second.second.offset, t->second.second.size));
      EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(dest));
      EC_RETURN_IF_ERROR(out.WriteFrom(*reader).status());
      EC_RETURN_IF_ERROR(out.Commit(false));
      return dest;
    }
    for (const oci::Descriptor& d : manifest_.layers) {
      auto title = d.annotations.find(std::string(oci::kAnnotationTitle));
      if (title != d.annotations.end() && title->second == name) {
        EC_RETURN_IF_ERROR(FetchBlob(d, &dest));
        return dest;
      }
    }
    return NotFound(StrCat("the artifact has no file ", name));
  }

  bool Devportal() {
    auto tgz = Materialise(std::string(kDevportalBundleFile));
    if (!tgz.ok()) return Fail(tgz.status(), std::string(kDevportalBundleFile));
    VerifyReport inner = VerifyDevportalBundle(*tgz, key_);
    for (std::string& p : inner.passed) Pass(StrCat(kDevportalBundleFile, ": ", p));
    if (!inner.ok()) return Fail(inner.failure, StrCat(kDevportalBundleFile, ": ", inner.object), inner.message);
    return true;
  }

  bool Signatures() {
    if (key_ == nullptr) {
      Pass("signatures: not checked (no --key)");
      return true;
    }
    auto referrers = target_.Referrers(root_, sign::kBundleArtifactType);
    if (!referrers.ok() && referrers.status().code() != Code::kNotSupported) return Fail(referrers.status(), root_.digest.str());
    std::string last_error = "no Sigstore bundle referrer";
    if (referrers.ok()) {
      for (const oci::Descriptor& r : *referrers) {
        Status s = CheckBundle(r);
        if (s.ok()) {
          ++report_.signatures_verified;
        } else if (s.code() == Code::kDataLoss && s.message().find("disagrees") != std::string::npos) {
          return Fail(VerifyFailure::kSignature, r.digest.str(), s.message());
        } else {
          last_error = StrCat(r.digest.str(), ": ", s.message());
        }
      }
    }
    if (report_.signatures_verified == 0) {
      return Fail(VerifyFailure::kSignature, root_.digest.str(),
                  StrCat("no valid signature by key ", key_->Hint(), " on ", root_.digest.str(), " (", last_error, ")"));
    }
    Pass(StrCat("signatures: ", report_.signatures_verified, " Sigstore bundle(s) by key ", key_->Hint(),
                ", provenance subjects agree with the artifact"));
    return Cosign();
  }

  Status CheckBundle(const oci::Descriptor& referrer) {
    EC_ASSIGN_OR_RETURN(oci::FetchedManifest m, oci::FetchManifest(target_, referrer));
    if (m.manifest.layers.size() != 1) return DataLoss(StrCat("want 1 layer, got ", m.manifest.layers.size()));
    EC_ASSIGN_OR_RETURN(std::string text, oci::FetchVerified(target_, m.manifest.layers[0], sign::kMaxEnvelopeBytes));
    EC_ASSIGN_OR_RETURN(sign::Envelope env, sign::ParseBundle(text, StrCat("bundle ", referrer.digest.str())));
    EC_RETURN_IF_ERROR(sign::VerifyEnvelope(env, *key_));
    EC_ASSIGN_OR_RETURN(sign::ParsedStatement st, sign::ParseStatement(env.payload));
    EC_RETURN_IF_ERROR(sign::CheckSubject(st, root_.digest.hex()));
    // A signed subject named like a file must be that file: the signature covers content.
    for (const sign::Subject& s : st.subjects) {
      auto f = files_.find(s.name);
      if (f != files_.end() && f->second.first != StrCat("sha256:", s.sha256_hex)) {
        return DataLoss(StrCat("the signed statement disagrees on ", s.name, ": got ", f->second.first,
                               ", signed sha256:", s.sha256_hex));
      }
    }
    return OkStatus();
  }

  bool Cosign() {
    auto tagged = target_.Resolve(sign::CosignSignatureTag(root_.digest));
    if (!tagged.ok()) {
      Pass("cosign: no sha256-<hex>.sig signature (not required)");
      return true;
    }
    auto m = oci::FetchManifest(target_, *tagged);
    if (!m.ok()) return Fail(m.status(), tagged->digest.str());
    for (const oci::Descriptor& layer : m->manifest.layers) {
      auto payload = oci::FetchVerified(target_, layer, sign::kMaxSimpleSigningBytes);
      if (!payload.ok()) return Fail(payload.status(), layer.digest.str());
      auto annotated = layer.annotations.find(std::string(sign::kCosignSignatureAnnotation));
      std::optional<std::string> sig;
      if (annotated != layer.annotations.end()) sig = oci::DecodeBase64(annotated->second);
      if (!sig) return Fail(VerifyFailure::kSignature, layer.digest.str(), "cosign signature layer has no valid signature annotation");
      Status s = key_->Verify(*payload, *sig);
      if (!s.ok()) return Fail(VerifyFailure::kSignature, layer.digest.str(), StrCat("cosign signature: ", s.message()));
      auto digest = sign::ParseSimpleSigningPayload(*payload);
      if (!digest.ok()) return Fail(VerifyFailure::kSignature, layer.digest.str(), digest.status().message());
      if (*digest != root_.digest) {
        return Fail(VerifyFailure::kSignature, layer.digest.str(),
                    StrCat("cosign payload signs ", digest->str(), ", want ", root_.digest.str()));
      }
    }
    report_.cosign_signature = true;
    Pass(StrCat("cosign: ", m->manifest.layers.size(), " simple-signing signature(s) verify"));
    return true;
  }

  oci::Target& target_;
  oci::Descriptor root_;
  const sign::PublicKey* key_;
  std::filesystem::path work_dir_;
  VerifyReport report_;
  oci::Manifest manifest_;
  bool image_ = false;
  std::map<std::string, std::pair<std::string, std::int64_t>> files_;  // name → (digest, size)
  std::string manifest_json_;
  std::map<std::string, std::pair<std::filesystem::path, oci::TarEntryLocation>> in_tar_;  // image layers
};

}  // namespace

int VerifyReport::ExitCode() const {
  switch (failure) {
    case VerifyFailure::kNone: return 0;
    case VerifyFailure::kIntegrity: return 2;
    case VerifyFailure::kSignature: return 3;
    case VerifyFailure::kMissing: return 4;
    case VerifyFailure::kOther: return 1;
  }
  return 1;
}

json::Json VerifyReport::ToJson() const {
  json::Json j = {{"verified", ok()}, {"profile", profile}, {"checks", passed},
                  {"signaturesVerified", signatures_verified}, {"cosignSignature", cosign_signature}};
  if (!ok()) j["failure"] = {{"object", object}, {"message", message}, {"exitCode", ExitCode()}};
  return j;
}

VerifyReport VerifyExport(oci::Target& target, const oci::Descriptor& root, const sign::PublicKey* key,
                          const std::filesystem::path& work_dir) {
  return Verifier(target, root, key, work_dir).Run();
}

}  // namespace ec::profiles
