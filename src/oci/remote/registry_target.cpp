#include "oci/remote/registry_target.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "json/parse.h"
#include "oci/limits.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/remote/blob_stream.h"
#include "oci/remote/http_headers.h"
#include "oci/remote/registry_errors.h"

namespace ec::oci::remote {
namespace {

constexpr int kMaxDownloadAttempts = 5;

bool IsOk(long status) { return status >= 200 && status < 300; }

}  // namespace

std::string ManifestAcceptHeader() {
  return StrCat("Accept: ", kOciManifest, ", ", kOciIndex, ", ", kDockerManifest, ", ",
                kDockerManifestList);
}

RegistryTarget::RegistryTarget(std::shared_ptr<RegistryClient> client, std::string repository)
    : client_(std::move(client)), repository_(std::move(repository)) {}

std::string RegistryTarget::Name() const { return StrCat(client_->host(), "/", repository_); }

std::string RegistryTarget::Path(std::string_view kind, std::string_view ref) const {
  return StrCat("/v2/", repository_, "/", kind, "/", ref);
}

Result<HttpResponse> RegistryTarget::Send(HttpRequest request, bool push) {
  return client_->Send(std::move(request), repository_, push ? "pull,push" : "pull");
}

Result<std::string> RegistryTarget::FetchManifestBytes(const Descriptor& desc) {
  HttpRequest req;
  req.url = Path("manifests", desc.digest.str());
  req.headers.push_back(ManifestAcceptHeader());
  req.max_body = kMaxManifestBytes;
  std::string what = StrCat("GET manifest ", desc.digest.str(), " from ", Name());
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  if (!IsOk(resp.status)) return StatusFromResponse(what, resp);
  if (resp.body_truncated) {
    return InvalidArgument(StrCat(what, ": larger than the limit of ", kMaxManifestBytes, " bytes"));
  }
  return std::move(resp.body);
}

Result<std::unique_ptr<Reader>> RegistryTarget::FetchBlob(const Descriptor& desc) {
  return FetchFrom(desc, 0);
}

Result<std::unique_ptr<Reader>> RegistryTarget::FetchFrom(const Descriptor& desc, std::int64_t offset) {
  if (IsManifestType(desc.media_type)) return Target::FetchFrom(desc, offset);
  RecordLocation(desc.digest);
  return std::unique_ptr<Reader>(new BlobStream(*client_, client_->BaseUrl() + Path("blobs", desc.digest.str()),
                                                repository_, desc,
                                                StrCat("GET blob ", desc.digest.str(), " from ", Name()), offset));
}

Result<std::unique_ptr<Reader>> RegistryTarget::Fetch(const Descriptor& desc) {
  if (IsManifestType(desc.media_type)) {
    EC_ASSIGN_OR_RETURN(std::string bytes, FetchManifestBytes(desc));
    return std::unique_ptr<Reader>(new StringReader(std::move(bytes)));
  }
  return FetchBlob(desc);
}

Result<bool> RegistryTarget::Exists(const Descriptor& desc) {
  HttpRequest req;
  req.method = "HEAD";
  bool manifest = IsManifestType(desc.media_type);
  req.url = Path(manifest ? "manifests" : "blobs", desc.digest.str());
  if (manifest) req.headers.push_back(ManifestAcceptHeader());
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  if (resp.status == 404) return false;
  if (!IsOk(resp.status)) return StatusFromResponse(StrCat("HEAD ", desc.digest.str(), " in ", Name()), resp);
  if (!manifest) RecordLocation(desc.digest);
  return true;
}

Result<Descriptor> RegistryTarget::Stat(const Digest& digest) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = Path("blobs", digest.str());
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  std::string what = StrCat("HEAD blob ", digest.str(), " in ", Name());
  if (!IsOk(resp.status)) return StatusFromResponse(what, resp);
  auto length = resp.Header("content-length");
  if (!length) return InvalidArgument(StrCat(what, ": no Content-Length"));
  Descriptor d;
  d.media_type = std::string(kOctetStream);
  d.digest = digest;
  d.size = std::strtoll(length->c_str(), nullptr, 10);
  return d;
}

namespace {

// The last read of a verifying reader also checks the digest, so a wrong blob aborts the
// request that carries it before the registry sees its end.
class CheckedReader final : public Reader {
 public:
  explicit CheckedReader(VerifyingReader& inner) : inner_(inner) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    EC_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(buf));
    if (n == 0) EC_RETURN_IF_ERROR(inner_.Verify());
    return n;
  }

 private:
  VerifyingReader& inner_;
};

// Statuses with which a registry refuses an upload method (rather than the content).
bool RefusesMethod(long status) {
  return status == 405 || status == 413 || status == 415 || status == 416 || status == 501;
}

}  // namespace

std::string RegistryTarget::UploadUrl(const std::string& location) const {
  return ResolveUrl(client_->BaseUrl() + StrCat("/v2/", repository_, "/blobs/uploads/"), location);
}

void RegistryTarget::CancelUpload(const std::string& location) {
  HttpRequest cancel;
  cancel.method = "DELETE";
  cancel.url = UploadUrl(location);
  (void)Send(cancel, true);  // best effort: registries drop unfinished uploads anyway
}

Result<std::string> RegistryTarget::FinishUpload(const Descriptor& expected, const std::string& location) {
  std::string url = UploadUrl(location);
  url += StrCat(url.find('?') == std::string::npos ? "?" : "&", "digest=", expected.digest.str());
  HttpRequest put;
  put.method = "PUT";
  put.url = url;
  put.body = std::string();
  put.headers.push_back("Content-Type: application/octet-stream");
  EC_ASSIGN_OR_RETURN(HttpResponse done, Send(put, true));
  if (done.status != 201) {
    return StatusFromResponse(StrCat("finish upload of ", expected.digest.str(), " to ", Name()), done);
  }
  return std::string();
}

Status RegistryTarget::PutMonolithic(const Descriptor& expected, Reader& content,
                                     const std::string& location) {
  std::string what = StrCat("push blob ", expected.digest.str(), " to ", Name());
  std::string url = UploadUrl(location);
  url += StrCat(url.find('?') == std::string::npos ? "?" : "&", "digest=", expected.digest.str());
  HttpRequest put;
  put.method = "PUT";
  put.url = url;
  put.headers.push_back("Content-Type: application/octet-stream");
  put.body_reader = &content;
  put.body_length = expected.size;
  EC_ASSIGN_OR_RETURN(HttpResponse done, Send(put, true));
  if (done.status == 201) return OkStatus();
  if (done.status == 429 || done.status >= 500) {
    // The body was consumed: wait as asked, then let the caller start over with a new reader.
    client_->Backoff(0, &done);
    return StatusFromResponse(what, done);
  }
  if (RefusesMethod(done.status)) {
    client_->RaiseUploadRung(1);
    return Unavailable(StrCat(what, ": the registry refused a single PUT (HTTP ", done.status,
                              "); retrying with PATCH"));
  }
  return StatusFromResponse(what, done);
}

Status RegistryTarget::PatchStreamed(const Descriptor& expected, Reader& content,
                                     const std::string& location) {
  std::string what = StrCat("push blob ", expected.digest.str(), " to ", Name());
  HttpRequest patch;
  patch.method = "PATCH";
  patch.url = UploadUrl(location);
  patch.headers.push_back("Content-Type: application/octet-stream");
  patch.body_reader = &content;
  patch.body_length = expected.size;
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(patch, true));
  if (RefusesMethod(resp.status)) {
    client_->RaiseUploadRung(2);
    return Unavailable(StrCat(what, ": the registry refused a streamed PATCH (HTTP ", resp.status,
                              "); retrying in chunks"));
  }
  if (resp.status != 202) return StatusFromResponse(what, resp);
  auto next = resp.Header("location");
  return FinishUpload(expected, next ? *next : location).status();
}

Status RegistryTarget::PatchChunked(const Descriptor& expected, VerifyingReader& content,
                                    std::string location, std::int64_t min_chunk) {
  std::string what = StrCat("push blob ", expected.digest.str(), " to ", Name());
  std::int64_t chunk = std::max(client_->chunk_size(), min_chunk);
  std::vector<char> buf(static_cast<std::size_t>(std::min<std::int64_t>(chunk, std::max<std::int64_t>(expected.size, 1))));
  std::int64_t sent = 0;  // bytes the registry has acknowledged
  while (sent < expected.size) {
    // Fill the buffer: it is kept until the registry acknowledges it, so a broken connection
    // resumes from the registry's Range without reading the source again.
    std::size_t fill = 0;
    while (fill < buf.size()) {
      EC_ASSIGN_OR_RETURN(std::size_t n, content.Read(std::span<char>(buf.data() + fill, buf.size() - fill)));
      if (n == 0) break;
      fill += n;
    }
    std::int64_t start = sent;
    std::int64_t end = start + static_cast<std::int64_t>(fill);  // exclusive
    for (int attempt = 0; sent < end; ++attempt) {
      if (attempt >= 5) return Unavailable(StrCat(what, ": chunk at ", sent, " failed 5 times"));
      std::size_t from = static_cast<std::size_t>(sent - start);
      StringReader body(std::string(buf.data() + from, fill - from));
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = UploadUrl(location);
      patch.headers.push_back("Content-Type: application/octet-stream");
      patch.headers.push_back(StrCat("Content-Range: ", sent, "-", end - 1));
      patch.body_reader = &body;
      patch.body_length = end - sent;
      auto resp = Send(patch, true);
      if (resp.ok() && resp->status == 202) {
        if (auto next = resp->Header("location")) location = *next;
        sent = end;
        continue;
      }
      if (resp.ok() && resp->status != 416 && !(resp->status >= 500)) return StatusFromResponse(what, *resp);
      if (!resp.ok() && resp.status().code() != Code::kUnavailable) return resp.status();
      // A broken connection or 416: ask the registry how far it got and go on from there.
      HttpRequest status_req;
      status_req.url = UploadUrl(location);
      EC_ASSIGN_OR_RETURN(HttpResponse st, Send(status_req, true));
      if (st.status != 204) return StatusFromResponse(StrCat(what, ": upload status"), st);
      if (auto next = st.Header("location")) location = *next;
      auto range = st.Header("range");
      std::int64_t have = 0;
      if (range) {
        if (auto last = ParseRangeEnd(*range)) have = *last + 1;
      }
      if (have < start || have > end) {
        return Unavailable(StrCat(what, ": the registry has ", have, " bytes, outside the chunk ",
                                  start, "-", end - 1, " being resent"));
      }
      sent = have;
    }
  }
  EC_RETURN_IF_ERROR(content.Verify());
  return FinishUpload(expected, location).status();
}

Status RegistryTarget::PushBlob(const Descriptor& expected, Reader& content) {
  std::string what = StrCat("push blob ", expected.digest.str(), " to ", Name());
  HttpRequest start;
  start.method = "POST";
  start.url = StrCat("/v2/", repository_, "/blobs/uploads/");
  EC_ASSIGN_OR_RETURN(HttpResponse started, Send(start, true));
  if (started.status != 202) return StatusFromResponse(StrCat(what, ": start upload"), started);
  auto location = started.Header("location");
  if (!location) return InvalidArgument(StrCat(what, ": upload started without a Location"));
  std::int64_t min_chunk = 0;
  if (auto m = started.Header("oci-chunk-min-length")) {
    min_chunk = std::strtoll(m->c_str(), nullptr, 10);
    if (min_chunk > 0) client_->RaiseUploadRung(2);  // the registry wants chunks
  }
  VerifyingReader verifying(content, expected, what);
  CheckedReader checked(verifying);
  Status s;
  switch (client_->upload_rung()) {
    case 0: s = PutMonolithic(expected, checked, *location); break;
    case 1: s = PatchStreamed(expected, checked, *location); break;
    default: s = PatchChunked(expected, verifying, *location, min_chunk); break;
  }
  if (s.code() == Code::kDataLoss) CancelUpload(*location);
  if (s.ok()) RecordLocation(expected.digest);
  return s;
}

void RegistryTarget::RecordLocation(const Digest& digest) {
  if (BlobLocations* l = client_->locations()) l->Record(client_->host(), digest.str(), repository_);
}

Result<bool> RegistryTarget::Mount(const Descriptor& desc, Target& source) {
  // Candidates: the source itself when it is another repository of this registry, then the
  // repositories of this registry where the blob was seen before.
  std::vector<std::string> candidates;
  auto [host, repository] = source.RegistryLocation();
  if (host == client_->host() && !repository.empty() && repository != repository_) {
    candidates.push_back(repository);
  }
  if (BlobLocations* l = client_->locations()) {
    for (auto& r : l->Lookup(client_->host(), desc.digest.str())) {
      if (r != repository_ && std::find(candidates.begin(), candidates.end(), r) == candidates.end()) {
        candidates.push_back(std::move(r));
      }
    }
  }
  for (const std::string& from : candidates) {
    // The token must cover pulling from that repository too: touching it adds its scope.
    HttpRequest touch;
    touch.method = "HEAD";
    touch.url = StrCat("/v2/", from, "/blobs/", desc.digest.str());
    auto seen = client_->Send(touch, from, "pull");
    if (!seen.ok() || seen->status != 200) {
      if (BlobLocations* l = client_->locations()) l->Forget(client_->host(), desc.digest.str(), from);
      continue;
    }
    HttpRequest req;
    req.method = "POST";
    req.url = StrCat("/v2/", repository_, "/blobs/uploads/?mount=", desc.digest.str(), "&from=", from);
    auto resp = Send(req, true);
    if (!resp.ok()) continue;  // fall back to the next candidate, then to copying the bytes
    if (resp->status == 201) {
      RecordLocation(desc.digest);
      return true;
    }
    if (resp->status == 202) {
      if (auto location = resp->Header("location")) CancelUpload(*location);
    }
  }
  return false;
}

Status RegistryTarget::PushManifest(const Descriptor& expected, const std::string& bytes,
                                    std::string_view ref) {
  HttpRequest put;
  put.method = "PUT";
  put.url = Path("manifests", ref);
  put.headers.push_back("Content-Type: " + expected.media_type);
  put.body = bytes;
  std::string what = StrCat("push manifest ", expected.digest.str(), " to ", Name(), ":", ref);
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(put, true));
  if (resp.status != 201 && resp.status != 200) return StatusFromResponse(what, resp);
  if (auto digest = resp.Header("docker-content-digest"); digest && *digest != expected.digest.str()) {
    return DataLoss(StrCat(what, ": the registry stored another digest; got ", *digest, ", want ",
                           expected.digest.str()));
  }
  if (ref.find(':') == std::string_view::npos) return OkStatus();  // a tag: subject handled already
  EC_ASSIGN_OR_RETURN(Manifest parsed, Manifest::Parse(bytes, expected.media_type, what));
  if (parsed.subject && !resp.Header("oci-subject")) {
    // The registry did not index the subject: keep the referrers tag schema up to date.
    return UpdateReferrersFallback(expected, parsed);
  }
  return OkStatus();
}

Status RegistryTarget::UpdateReferrersFallback(const Descriptor& manifest, const Manifest& parsed) {
  const Digest& subject = parsed.subject->digest;
  std::string tag = StrCat(subject.algorithm_name(), "-", subject.hex());
  json::Json index = {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", json::Json::array()}};
  HttpRequest get;
  get.url = Path("manifests", tag);
  get.headers.push_back(StrCat("Accept: ", kOciIndex));
  get.max_body = kMaxManifestBytes;
  EC_ASSIGN_OR_RETURN(HttpResponse existing, Send(get, true));
  if (existing.status == 200) {
    auto doc = json::Parse(existing.body, StrCat("referrers index ", tag));
    if (doc.ok() && doc->is_object() && doc->contains("manifests") && (*doc)["manifests"].is_array()) {
      index = *doc;
    }
  } else if (existing.status != 404) {
    return StatusFromResponse(StrCat("read referrers tag ", tag, " in ", Name()), existing);
  }
  for (const auto& m : index["manifests"]) {
    if (m.is_object() && m.value("digest", "") == manifest.digest.str()) return OkStatus();
  }
  Descriptor entry;
  entry.media_type = manifest.media_type;
  entry.digest = manifest.digest;
  entry.size = manifest.size;
  entry.artifact_type = parsed.artifact_type.empty() && parsed.config ? parsed.config->media_type
                                                                      : parsed.artifact_type;
  entry.annotations = parsed.annotations;
  index["manifests"].push_back(entry.ToJson());
  std::string bytes = index.dump();
  return PushManifest(DescriptorOf(kOciIndex, bytes), bytes, tag);
}

Status RegistryTarget::Push(const Descriptor& expected, Reader& content) {
  if (!IsManifestType(expected.media_type)) {
    EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
    if (exists) return OkStatus();
    return PushBlob(expected, content);
  }
  std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadVerifiedManifest(content, expected, what));
  return PushManifest(expected, bytes, expected.digest.str());
}

Result<Descriptor> RegistryTarget::Resolve(std::string_view reference) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = Path("manifests", reference);
  req.headers.push_back(ManifestAcceptHeader());
  std::string what = StrCat("resolve ", Name(), reference.find(':') == std::string_view::npos ? ":" : "@", reference);
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  if (resp.status == 404) {
    return NotFound(StrCat(what, ": ", reference.find(':') == std::string_view::npos ? "tag" : "manifest",
                           " \"", reference, "\" not found"));
  }
  if (!IsOk(resp.status)) return StatusFromResponse(what, resp);
  auto type = resp.Header("content-type");
  auto digest = resp.Header("docker-content-digest");
  auto length = resp.Header("content-length");
  Descriptor d;
  if (!digest || !type || !length) {
    // Some registries omit headers on HEAD: read the manifest and describe it ourselves.
    HttpRequest get = req;
    get.method = "GET";
    get.max_body = kMaxManifestBytes;
    EC_ASSIGN_OR_RETURN(HttpResponse full, Send(get, false));
    if (!IsOk(full.status)) return StatusFromResponse(what, full);
    EC_ASSIGN_OR_RETURN(Manifest m, Manifest::Parse(full.body, type.value_or(""), what));
    d = DescriptorOf(m.media_type, full.body);
  } else {
    EC_ASSIGN_OR_RETURN(d.digest, Digest::Parse(*digest));
    d.media_type = type->substr(0, type->find(';'));
    d.size = std::strtoll(length->c_str(), nullptr, 10);
  }
  if (reference.find(':') != std::string_view::npos && d.digest.str() != reference) {
    return DataLoss(StrCat(what, ": the registry answered with another digest; got ", d.digest.str(),
                           ", want ", reference));
  }
  return d;
}

Status RegistryTarget::Tag(const Descriptor& desc, std::string_view tag) {
  EC_RETURN_IF_ERROR(ValidateTag(tag));
  auto fetched = FetchManifestBytes(desc);
  if (!fetched.ok() && fetched.status().code() == Code::kNotFound) {
    return FailedPrecondition(StrCat("tag ", tag, " in ", Name(), ": manifest ", desc.digest.str(),
                                     " is not there; push it first"));
  }
  EC_ASSIGN_OR_RETURN(std::string bytes, std::move(fetched));
  if (Digest::OfBytes(bytes) != desc.digest) {
    return DataLoss(StrCat("tag ", desc.digest.str(), " in ", Name(), ": the registry served other bytes"));
  }
  return PushManifest(desc, bytes, tag);
}

Result<std::vector<std::string>> RegistryTarget::ListTags() {
  std::vector<std::string> tags;
  std::string url = StrCat("/v2/", repository_, "/tags/list?n=1000");
  for (int page = 0; page < 10000 && !url.empty(); ++page) {
    HttpRequest req;
    req.url = url;
    req.max_body = kMaxManifestBytes;
    EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
    std::string what = StrCat("list tags of ", Name());
    if (resp.status == 404) return tags;
    if (!IsOk(resp.status)) return StatusFromResponse(what, resp);
    EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(resp.body, what));
    if (doc.is_object() && doc.contains("tags") && doc["tags"].is_array()) {
      for (const auto& t : doc["tags"]) {
        if (t.is_string()) tags.push_back(t.get<std::string>());
      }
    }
    url.clear();
    if (auto link = resp.Header("link")) {
      std::string next = ParseLinkNext(*link);
      if (!next.empty()) url = ResolveUrl(client_->BaseUrl() + "/v2/", next);
    }
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

Result<std::vector<Descriptor>> RegistryTarget::Referrers(const Descriptor& subject,
                                                          std::string_view artifact_type) {
  std::string what = StrCat("referrers of ", subject.digest.str(), " in ", Name());
  HttpRequest req;
  req.url = Path("referrers", subject.digest.str());
  req.max_body = kMaxManifestBytes;
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  std::string body;
  auto type = resp.Header("content-type").value_or("");
  if (resp.status == 200 && type.rfind(std::string(kOciIndex), 0) == 0) {
    body = std::move(resp.body);
  } else {
    // No referrers API (e.g. distribution 2.8 answers 404): read the fallback tag.
    HttpRequest get;
    get.url = Path("manifests", StrCat(subject.digest.algorithm_name(), "-", subject.digest.hex()));
    get.headers.push_back(StrCat("Accept: ", kOciIndex));
    get.max_body = kMaxManifestBytes;
    EC_ASSIGN_OR_RETURN(HttpResponse fallback, Send(get, false));
    if (fallback.status == 404) return std::vector<Descriptor>{};
    if (!IsOk(fallback.status)) return StatusFromResponse(what, fallback);
    body = std::move(fallback.body);
  }
  EC_ASSIGN_OR_RETURN(Manifest index, Manifest::Parse(body, kOciIndex, what));
  std::vector<Descriptor> out;
  for (auto& d : index.manifests) {
    if (artifact_type.empty() || d.artifact_type == artifact_type) out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const Descriptor& a, const Descriptor& b) { return a.digest < b.digest; });
  return out;
}

}  // namespace ec::oci::remote
