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
#include "oci/remote/http_headers.h"
#include "oci/remote/registry_errors.h"

namespace ec::oci::remote {
namespace {

constexpr int kMaxDownloadAttempts = 5;

bool IsOk(long status) { return status >= 200 && status < 300; }

// A spool file that exists only as a descriptor: nothing is left behind, whatever happens.
Result<UniqueFd> CreateSpoolFile() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ec-blob-XXXXXX").string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return Unavailable(StrCat("create a spool file in ", tmpl, ": ", std::strerror(errno)));
  ::unlink(tmpl.c_str());
  return UniqueFd(fd);
}

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
  EC_ASSIGN_OR_RETURN(UniqueFd fd, CreateSpoolFile());
  std::string what = StrCat("GET blob ", desc.digest.str(), " from ", Name());
  std::int64_t have = 0;
  Status last;
  for (int attempt = 0; attempt < kMaxDownloadAttempts && have < desc.size + 1; ++attempt) {
    HttpRequest req;
    req.url = Path("blobs", desc.digest.str());
    if (have > 0) req.headers.push_back(StrCat("Range: bytes=", have, "-"));
    std::int64_t received = 0;
    bool restarted = false;
    int out = fd.get();
    req.sink = [&](std::string_view chunk) -> Status {
      if (have + received + static_cast<std::int64_t>(chunk.size()) > desc.size) {
        return DataLoss(StrCat(what, ": more bytes than the descriptor's ", desc.size));
      }
      EC_RETURN_IF_ERROR(PwriteAll(out, chunk, have + received, what));
      received += static_cast<std::int64_t>(chunk.size());
      return OkStatus();
    };
    auto resp = Send(std::move(req), false);
    if (resp.ok() && have > 0 && resp->status == 200) restarted = true;  // Range ignored
    if (resp.ok() && IsOk(resp->status)) {
      have = restarted ? received : have + received;
      if (have == desc.size) break;
      last = Unavailable(StrCat(what, ": the connection ended after ", have, " of ", desc.size, " bytes"));
      continue;
    }
    if (resp.ok()) return StatusFromResponse(what, *resp);
    if (resp.status().code() != Code::kUnavailable) return resp.status();
    // A broken connection: keep what arrived and ask for the rest.
    have = restarted ? received : have + received;
    last = resp.status();
  }
  if (have != desc.size) return last.ok() ? Unavailable(StrCat(what, ": incomplete")) : last;
  if (::ftruncate(fd.get(), desc.size) != 0) return Unavailable(StrCat(what, ": truncate spool file"));
  return std::unique_ptr<Reader>(FileReader::FromFd(std::move(fd), what));
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

Status RegistryTarget::PushBlob(const Descriptor& expected, Reader& content) {
  std::string what = StrCat("push blob ", expected.digest.str(), " to ", Name());
  HttpRequest start;
  start.method = "POST";
  start.url = StrCat("/v2/", repository_, "/blobs/uploads/");
  EC_ASSIGN_OR_RETURN(HttpResponse started, Send(start, true));
  if (started.status != 202) return StatusFromResponse(StrCat(what, ": start upload"), started);
  auto location = started.Header("location");
  if (!location) return InvalidArgument(StrCat(what, ": upload started without a Location"));
  std::string url = ResolveUrl(client_->BaseUrl() + start.url, *location);
  url += StrCat(url.find('?') == std::string::npos ? "?" : "&", "digest=", expected.digest.str());
  VerifyingReader verifying(content, expected, what);
  // The last read checks the digest, so a wrong blob aborts the PUT before it completes.
  struct CheckedReader final : Reader {
    VerifyingReader& v;
    explicit CheckedReader(VerifyingReader& r) : v(r) {}
    Result<std::size_t> Read(std::span<char> buf) override {
      EC_ASSIGN_OR_RETURN(std::size_t n, v.Read(buf));
      if (n == 0) EC_RETURN_IF_ERROR(v.Verify());
      return n;
    }
  } checked(verifying);
  HttpRequest put;
  put.method = "PUT";
  put.url = url;
  put.headers.push_back("Content-Type: application/octet-stream");
  put.body_reader = &checked;
  put.body_length = expected.size;
  auto done = Send(put, true);
  if (!done.ok()) {
    if (done.status().code() == Code::kDataLoss) {
      HttpRequest cancel;
      cancel.method = "DELETE";
      cancel.url = ResolveUrl(client_->BaseUrl() + start.url, *location);
      (void)Send(cancel, true);  // best effort: the registry drops unfinished uploads anyway
    }
    return done.status();
  }
  if (done->status != 201) return StatusFromResponse(what, *done);
  return OkStatus();
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
  if (static_cast<std::size_t>(expected.size) > kMaxManifestBytes) {
    return InvalidArgument(StrCat(what, ": manifest of ", expected.size,
                                  " bytes is over the limit of ", kMaxManifestBytes));
  }
  VerifyingReader verifying(content, expected, what);
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadAll(verifying, kMaxManifestBytes, what));
  EC_RETURN_IF_ERROR(verifying.Verify());
  return PushManifest(expected, bytes, expected.digest.str());
}

Result<Descriptor> RegistryTarget::Resolve(std::string_view reference) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = Path("manifests", reference);
  req.headers.push_back(ManifestAcceptHeader());
  std::string what = StrCat("resolve ", Name(), reference.find(':') == std::string_view::npos ? ":" : "@", reference);
  EC_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, false));
  if (resp.status == 404) return NotFound(StrCat(what, ": not found"));
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
  EC_ASSIGN_OR_RETURN(std::string bytes, FetchManifestBytes(desc));
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
