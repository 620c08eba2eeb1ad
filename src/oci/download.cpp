#include "oci/download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "oci/limits.h"

namespace ec::oci {
namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

std::filesystem::path PartialPathFor(const std::filesystem::path& dest) {
  return dest.parent_path() / StrCat(".", dest.filename().string(), ".partial");
}

Status DownloadBlob(Target& src, const Descriptor& desc, const std::filesystem::path& dest,
                    const std::function<void(std::int64_t)>& on_bytes) {
  const std::filesystem::path partial = PartialPathFor(dest);
  const std::string what = StrCat("download ", desc.digest.str(), " from ", src.Name(), " to ", dest.string());
  UniqueFd fd(::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return Unavailable(StrCat(what, ": open ", partial.string(), ": ", Errno()));

  // Hash what an earlier run left; more than the blob's size means it is not ours.
  Hasher hasher(desc.digest.algorithm());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Unavailable(StrCat(what, ": stat: ", Errno()));
  std::int64_t have = static_cast<std::int64_t>(st.st_size);
  if (have > desc.size) {
    if (::ftruncate(fd.get(), 0) != 0) return Unavailable(StrCat(what, ": truncate: ", Errno()));
    have = 0;
  }
  std::string buf(kCopyBufferBytes, '\0');
  for (std::int64_t off = 0; off < have;) {
    ssize_t n = ::pread(fd.get(), buf.data(), buf.size(), static_cast<off_t>(off));
    if (n <= 0) return Unavailable(StrCat(what, ": read ", partial.string(), ": ", Errno()));
    hasher.Update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    off += n;
  }
  if (have > 0 && on_bytes) on_bytes(have);

  std::int64_t pos = have;
  if (pos < desc.size) {
    EC_ASSIGN_OR_RETURN(auto reader, pos > 0 ? src.FetchFrom(desc, pos) : src.Fetch(desc));
    while (pos < desc.size) {
      std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(desc.size - pos, buf.size()));
      // A broken stream keeps the partial file: the next run resumes from here.
      EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(std::span<char>(buf.data(), want)));
      if (n == 0) {
        return DataLoss(StrCat(what, ": blob is truncated; got ", pos, " bytes, want ", desc.size));
      }
      std::string_view chunk(buf.data(), n);
      EC_RETURN_IF_ERROR(PwriteAll(fd.get(), chunk, pos, partial.string()));
      hasher.Update(chunk);
      pos += static_cast<std::int64_t>(n);
      if (on_bytes) on_bytes(static_cast<std::int64_t>(n));
    }
    char extra = 0;
    EC_ASSIGN_OR_RETURN(std::size_t more, reader->Read(std::span<char>(&extra, 1)));
    if (more != 0) {
      ::unlink(partial.c_str());
      return DataLoss(StrCat(what, ": blob is longer than its ", desc.size, " bytes"));
    }
  }
  Digest got = hasher.Finish();
  if (got != desc.digest) {
    // Bad bytes, fetched now or kept from before: start over next time.
    ::unlink(partial.c_str());
    return DataLoss(StrCat(what, ": digest mismatch: got ", got.str(), ", want ", desc.digest.str()));
  }
  if (::fsync(fd.get()) != 0) return Unavailable(StrCat(what, ": fsync: ", Errno()));
  if (::rename(partial.c_str(), dest.c_str()) != 0) {
    return Unavailable(StrCat(what, ": rename ", partial.string(), ": ", Errno()));
  }
  UniqueFd dir(::open(dest.parent_path().empty() ? "." : dest.parent_path().c_str(),
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
  return OkStatus();
}

}  // namespace ec::oci
