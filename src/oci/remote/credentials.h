// Docker-style registry credentials: config.json (`auths`, `credsStore`, `credHelpers`), the
// docker-credential-<name> helper protocol, and explicit overrides from the command line.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "status.h"

namespace ec::oci::remote {

struct Credential {
  std::string username;         // may be empty for an identity token from a helper
  std::string password;         // or identity token
  // Username "<token>" from a helper (or "identitytoken" in auths) means Secret is an identity
  // token.
  bool identity_token = false;
  bool empty() const { return username.empty() && password.empty(); }
};

// Reads a Docker config.json (`auths` with base64 "auth" of "user:pass" or separate
// "username"/"password", "identitytoken"; `credsStore`; `credHelpers` per registry host).
//
// Hosts are compared case-insensitively, and "docker.io", "index.docker.io" and
// "registry-1.docker.io" are one registry. A helper is given "https://index.docker.io/v1/" as
// the server URL for Docker Hub (what `docker login` stores) and the host otherwise.
//
// Helpers are run on every Lookup (no caching): callers should keep the Credential per host.
class CredentialStore {
 public:
  // Default location: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json; a missing file
  // (or no HOME) is an empty store (not an error); a file that does not parse is an error naming
  // the file.
  static Result<CredentialStore> LoadDefault();
  // A missing file is an empty store; an empty file too (as Docker treats it). A document that
  // is not JSON, or whose auths / credsStore / credHelpers have the wrong types, is an error
  // naming the file. A malformed entry of `auths` fails only the Lookup that would use it.
  static Result<CredentialStore> Load(const std::filesystem::path& config_json);
  static CredentialStore Empty();

  // Credentials for a registry host ("docker.io", "localhost:5000"). Lookup order: override,
  // credHelpers[host] helper, then auths[host] (also keys written as "https://host",
  // "http://host", "https://host/v1/", any case, and for docker.io the keys
  // "https://index.docker.io/v1/" and "index.docker.io"), then the credsStore helper. A source
  // that has nothing for the host (helper says not found, auths entry absent or empty) passes
  // to the next; nothing found -> an empty Credential (anonymous), OK.
  //
  // A helper is the program `docker-credential-<name>` on PATH: run with argument "get", the
  // server URL on stdin, JSON {"ServerURL","Username","Secret"} on stdout; exit status non-zero
  // with "credentials not found in native keychain" in its output means not found. Other
  // failures (not on PATH, non-zero exit, killed, output too large or not JSON, no answer in 5
  // minutes) are FailedPrecondition errors naming the helper and the first line of its output
  // (bounded to 4 KiB); the helper's JSON output is never quoted, as it may hold the secret.
  Result<Credential> Lookup(std::string_view host) const;

  // Sets explicit credentials that override everything (from --username/--password-stdin).
  void SetOverride(std::string host, Credential c);

 private:
  // One `auths` entry, decoded at Load; `error` set when it is malformed.
  struct AuthEntry {
    Credential credential;
    Status error;
  };

  std::filesystem::path path_;  // for messages; empty for Empty()
  std::map<std::string, AuthEntry> auths_;               // keys as written in the file
  std::map<std::string, std::string> cred_helpers_;      // keys as written in the file
  std::string creds_store_;
  std::map<std::string, Credential> overrides_;          // keys normalised (see .cpp)
};

// Runs `docker-credential-<helper> get` for `server_url`. Exposed for tests and for callers
// that need a helper outside config.json; Lookup uses it.
Result<Credential> RunCredentialHelper(std::string_view helper, std::string_view server_url);

}  // namespace ec::oci::remote
