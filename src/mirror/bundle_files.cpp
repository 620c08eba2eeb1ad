#include "mirror/bundle_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "age/decrypt.h"
#include "age/encrypt.h"
#include "age/sink.h"
#include "mirror/pack.h"
#include "oci/io.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;

// The read end of a pipe, read with read(2) (FileReader reads by offset, which pipes lack).
class PipeReader final : public oci::Reader {
 public:
  explicit PipeReader(oci::UniqueFd fd) : fd_(std::move(fd)) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    while (true) {
      ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return Unavailable(StrCat("read the archive pipe: ", std::strerror(errno)));
    }
  }

 private:
  oci::UniqueFd fd_;
};

bool EndsWith(const std::string& s, std::string_view suffix) { return s.size() >= suffix.size() && s.ends_with(suffix); }

// tar → pipe → age → `to`: the plaintext archive exists only in the pipe.
Status WriteEncrypted(std::vector<oci::TarWriteEntry> entries, const fs::path& to, const BundleOutput& output) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Unavailable("create a pipe for the encryptor");
  oci::UniqueFd read_end(fds[0]);
  oci::UniqueFd write_end(fds[1]);
  Status tar_status;
  std::thread producer([&] {
    tar_status = oci::WriteDeterministicTarToFd(write_end.get(), "bundle archive", std::move(entries), output.compression);
    write_end.Reset();  // EOF for the encryptor, also after a failure
  });
  Status enc_status;
  auto in = std::make_unique<PipeReader>(std::move(read_end));
  auto out = oci::AtomicFile::Create(to);
  if (!out.ok()) {
    enc_status = out.status();
  } else {
    age::AtomicFileSink sink(*out);
    enc_status = age::Encrypt(*in, output.recipients, sink);
  }
  // Whatever happened, read the pipe to its end so the producer can finish.
  std::vector<char> drain(1 << 16);
  while (true) {
    auto n = in->Read(drain);
    if (!n.ok() || *n == 0) break;
  }
  producer.join();
  if (enc_status.ok() && tar_status.ok()) enc_status = out->Commit();
  EC_RETURN_IF_ERROR(tar_status);
  return enc_status;
}

}  // namespace

Result<BundleOutput> PlanBundleOutput(const fs::path& to, std::int64_t part_bytes, std::vector<std::string> recipients) {
  BundleOutput out;
  std::string name = to.filename().string();
  out.recipients = std::move(recipients);
  out.encrypted = !out.recipients.empty();
  if (EndsWith(name, ".age")) {
    if (!out.encrypted) return InvalidArgument(StrCat(to.string(), ": an .age name needs --recipient or --recipients-file"));
    name = name.substr(0, name.size() - 4);
  } else if (out.encrypted) {
    return InvalidArgument(StrCat(to.string(), ": recipients are set, so the bundle must be encrypted, but this name would be "
                                               "written in plaintext; name it FILE.tar.age or FILE.tar.zst.age"));
  }
  if (EndsWith(name, ".tar.zst")) {
    out.directory = false;
    out.compression = oci::TarCompression::kZstd;
  } else if (EndsWith(name, ".tar")) {
    out.directory = false;
  } else if (out.encrypted) {
    return InvalidArgument(StrCat(to.string(), ": an encrypted bundle is a file: FILE.tar.age or FILE.tar.zst.age"));
  }
  if (part_bytes != 0 && out.directory) return InvalidArgument("--split-size needs an archive (FILE.tar or FILE.tar.zst)");
  out.part_bytes = part_bytes;
  for (const std::string& r : out.recipients) EC_RETURN_IF_ERROR(age::ParseRecipient(r).status());
  return out;
}

Result<std::vector<fs::path>> WriteBundleArchive(std::vector<oci::TarWriteEntry> entries, const fs::path& to,
                                                 const BundleOutput& output) {
  if (output.directory) return InvalidArgument(StrCat(to.string(), ": a bundle directory is not an archive"));
  if (output.encrypted) {
    EC_RETURN_IF_ERROR(WriteEncrypted(std::move(entries), to, output));
  } else {
    EC_RETURN_IF_ERROR(oci::WriteDeterministicTar(to, std::move(entries), output.compression));
  }
  if (output.part_bytes == 0) return std::vector<fs::path>{to};
  return SplitIntoParts(to, output.part_bytes);
}

Result<fs::path> OpenBundlePath(const fs::path& path, const std::vector<age::Identity>& identities, const fs::path& scratch) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path;
  fs::path file = path;
  // Parts of an encrypted bundle are joined before decrypting; UnpackBundle joins plain ones.
  EC_ASSIGN_OR_RETURN(auto probe, oci::FileReader::Open(path));
  std::string head(32, '\0');
  EC_ASSIGN_OR_RETURN(std::size_t n, probe->Read(head));
  head.resize(n);
  if (age::LooksLikeAge(head)) {
    if (identities.empty()) return FailedPrecondition(StrCat(path.string(), " is encrypted; give --identity FILE"));
    EC_ASSIGN_OR_RETURN(auto cipher, oci::FileReader::Open(path));
    const fs::path plain = scratch / "decrypted.tar";
    EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(plain));
    age::AtomicFileSink sink(out);
    Status s = age::Decrypt(*cipher, identities, sink, path.string());
    if (!s.ok()) return s;  // the uncommitted file is dropped
    EC_RETURN_IF_ERROR(out.Commit(false));
    file = plain;
  }
  const fs::path dir = scratch / "bundle";
  EC_RETURN_IF_ERROR(UnpackBundle(file, dir, scratch));
  return dir;
}

}  // namespace ec::mirror
