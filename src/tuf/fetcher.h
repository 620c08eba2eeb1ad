// How the TUF client reaches a repository: a Fetcher returns the bytes of one repository file,
// bounded. DirectoryFetcher reads a repository on disk (one WriteRepository made, or one
// unpacked from a bundle); an HTTP fetcher can live with the mirror code.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "status.h"

namespace ec::tuf {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // The bytes of `path`, relative to the repository root: "metadata/2.root.json",
  // "targets/images/<sha256>.alpine.tar". Must return NotFound when the file does not exist
  // (that ends the client's probe for a newer root; any other error aborts the refresh; an
  // HTTP fetcher maps 403 and 404 to NotFound, as tuf-js does), and
  // must fail, without reading on, once the file proves larger than `max_bytes`.
  virtual Result<std::string> Fetch(const std::string& path, std::size_t max_bytes) = 0;
};

class DirectoryFetcher final : public Fetcher {
 public:
  explicit DirectoryFetcher(std::filesystem::path root) : root_(std::move(root)) {}

  // Refuses paths that could leave the repository: absolute, "." / ".." or empty segments,
  // and symbolic links resolving outside `root`. Over the limit: DataLoss
  // "<path> is larger than the N-byte limit".
  Result<std::string> Fetch(const std::string& path, std::size_t max_bytes) override;

 private:
  std::filesystem::path root_;
};

}  // namespace ec::tuf
