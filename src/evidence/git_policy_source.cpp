#include "evidence/git_policy_source.h"

#include <git2.h>

#include <array>
#include <memory>
#include <vector>

namespace ec::evidence {
namespace {

// libgit2 keeps global state (allocators, TLS, caches); initialise it once per process and
// shut it down at exit.
class LibGit2 {
 public:
  LibGit2() : init_(git_libgit2_init()) {}
  ~LibGit2() {
    if (init_ > 0) git_libgit2_shutdown();
  }
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;
  bool ok() const { return init_ > 0; }

 private:
  int init_;
};

Status EnsureLibGit2() {
  static const LibGit2 lib;
  if (!lib.ok()) return Internal("libgit2 initialisation failed");
  return OkStatus();
}

// One owning pointer type per libgit2 object, freed by its own *_free function.
template <auto Free>
struct GitDeleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using RepositoryPtr = std::unique_ptr<git_repository, GitDeleter<git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitDeleter<git_odb_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob_free>>;

std::string GitMessage() {
  const git_error* e = git_error_last();
  return (e != nullptr && e->message != nullptr) ? std::string(e->message) : "unknown error";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path or file:// URL to a local path. Other URLs are refused: policy is read from a local
// mirror only, never fetched.
Result<std::string> LocalPath(std::string_view repository) {
  if (repository.empty()) return InvalidArgument("policy repository: got \"\", want a path");
  auto scheme_end = repository.find("://");
  if (scheme_end == std::string_view::npos) return std::string(repository);
  std::string scheme(repository.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "file") {
    return InvalidArgument(StrCat("policy repository \"", repository, "\": got scheme ", scheme,
                                  ", want a local path or a file:// URL"));
  }
  std::string_view rest = repository.substr(scheme_end + 3);
  if (rest.starts_with("localhost/")) rest.remove_prefix(9);
  if (!rest.starts_with("/")) {
    return InvalidArgument(StrCat("policy repository \"", repository,
                                  "\": want file:///absolute/path (no host)"));
  }
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size()) {
      int hi = HexValue(rest[i + 1]), lo = HexValue(rest[i + 2]);
      if (hi >= 0 && lo >= 0) {
        path.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    if (rest[i] == '%') {
      return InvalidArgument(
          StrCat("policy repository \"", repository, "\": bad percent-escape in URL"));
    }
    path.push_back(rest[i]);
  }
  return path;
}

std::string OidHex(const git_oid* oid) {
  std::array<char, GIT_OID_HEXSZ> hex{};
  git_oid_fmt(hex.data(), oid);
  return std::string(hex.data(), hex.size());
}

// Looks `file` up in `tree`. NotFound only when no entry exists at that path.
Result<std::string> ReadFile(git_repository* repo, git_tree* tree, const std::string& commit,
                             const std::string& file) {
  git_tree_entry* raw_entry = nullptr;
  int rc = git_tree_entry_bypath(&raw_entry, tree, file.c_str());
  TreeEntryPtr entry(raw_entry);
  if (rc == GIT_ENOTFOUND) return NotFound(StrCat(file, " not found at commit ", commit));
  if (rc != 0) return Internal(StrCat("reading ", file, " at commit ", commit, ": ", GitMessage()));

  switch (git_tree_entry_type(entry.get())) {
    case GIT_OBJECT_BLOB:
      break;
    case GIT_OBJECT_TREE:
      return InvalidArgument(
          StrCat(file, " at commit ", commit, " is a directory, want a regular file"));
    default:
      return InvalidArgument(
          StrCat(file, " at commit ", commit, " is a submodule, want a regular file"));
  }
  if (git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK) {
    return InvalidArgument(
        StrCat(file, " at commit ", commit, " is a symbolic link, want a regular file"));
  }

  // Check the size from the object header before inflating the blob.
  const git_oid* oid = git_tree_entry_id(entry.get());
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) {
    return Internal(StrCat("opening the object database: ", GitMessage()));
  }
  OdbPtr odb(raw_odb);
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb.get(), oid) != 0) {
    return Internal(StrCat("reading ", file, " at commit ", commit, ": ", GitMessage()));
  }
  if (size > kMaxPolicyBytes) {
    return InvalidArgument(StrCat(file, " at commit ", commit, ": got ", size,
                                  " bytes, want at most ", kMaxPolicyBytes,
                                  " (kMaxPolicyBytes)"));
  }

  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo, oid) != 0) {
    return Internal(StrCat("reading ", file, " at commit ", commit, ": ", GitMessage()));
  }
  BlobPtr blob(raw_blob);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  auto blob_size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
  return std::string(data, blob_size);
}

}  // namespace

Result<PolicySource> ReadPolicyFromGit(std::string_view repository, std::string_view ref,
                                       std::string_view file) {
  if (ref.empty()) return InvalidArgument("policy ref: got \"\", want a branch, tag or commit");
  if (file.empty()) return InvalidArgument("policy file: got \"\", want a path in the repository");
  EC_RETURN_IF_ERROR(EnsureLibGit2());
  EC_ASSIGN_OR_RETURN(std::string path, LocalPath(repository));

  // NO_SEARCH: a directory that is not itself a repository must not resolve to an enclosing one.
  git_repository* raw_repo = nullptr;
  int rc = git_repository_open_ext(&raw_repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                   nullptr);
  RepositoryPtr repo(raw_repo);
  if (rc == GIT_ENOTFOUND) {
    return NotFound(StrCat("repository ", repository, " not found: ", GitMessage()));
  }
  if (rc != 0) {
    return Internal(StrCat("opening repository ", repository, ": ", GitMessage()));
  }

  std::string spec(ref);
  git_object* raw_obj = nullptr;
  rc = git_revparse_single(&raw_obj, repo.get(), spec.c_str());
  ObjectPtr obj(raw_obj);
  if (rc == GIT_ENOTFOUND) {
    return NotFound(StrCat("ref \"", ref, "\" not found in ", repository));
  }
  if (rc == GIT_EAMBIGUOUS) {
    return InvalidArgument(StrCat("ref \"", ref, "\" is ambiguous in ", repository));
  }
  if (rc != 0) {
    return InvalidArgument(
        StrCat("ref \"", ref, "\" is not a valid revision in ", repository, ": ", GitMessage()));
  }

  // Annotated tags (and tags of tags) peel to their commit.
  git_object* raw_peeled = nullptr;
  rc = git_object_peel(&raw_peeled, obj.get(), GIT_OBJECT_COMMIT);
  ObjectPtr peeled(raw_peeled);
  if (rc != 0) {
    return InvalidArgument(StrCat("ref \"", ref, "\" in ", repository, " does not name a commit"));
  }
  const git_oid* commit_oid = git_object_id(peeled.get());
  std::string commit_id = OidHex(commit_oid);
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo.get(), commit_oid) != 0) {
    return Internal(StrCat("reading commit ", commit_id, ": ", GitMessage()));
  }
  CommitPtr commit(raw_commit);

  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0) {
    return Internal(StrCat("reading the tree of commit ", commit_id, ": ", GitMessage()));
  }
  TreePtr tree(raw_tree);

  std::vector<std::string> candidates = {std::string(file)};
  if (file == kDefaultPolicyFile) candidates.emplace_back(kFallbackPolicyFile);
  for (const std::string& candidate : candidates) {
    Result<std::string> bytes = ReadFile(repo.get(), tree.get(), commit_id, candidate);
    if (bytes.ok()) return PolicySource{commit_id, candidate, std::move(bytes).value()};
    if (bytes.status().code() != Code::kNotFound) return bytes.status();
  }
  if (candidates.size() == 1) return NotFound(StrCat(file, " not found at commit ", commit_id));
  return NotFound(StrCat(file, " not found at commit ", commit_id, " (tried ", kDefaultPolicyFile,
                         ", ", kFallbackPolicyFile, ")"));
}

}  // namespace ec::evidence
