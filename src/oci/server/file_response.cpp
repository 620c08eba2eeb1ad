#include "oci/server/file_response.h"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <vector>

#include "oci/io.h"
#include "status.h"

namespace ec::oci::server {
namespace {

constexpr std::size_t kReadChunk = 256u << 10;

std::int64_t ParseCount(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return -1;
  return value;
}

}  // namespace

ByteRange ParseByteRange(const std::string& header, std::int64_t size) {
  ByteRange r;
  constexpr std::string_view kUnit = "bytes=";
  if (header.rfind(kUnit, 0) != 0 || header.find(',') != std::string::npos) return r;
  std::string spec = header.substr(kUnit.size());
  std::size_t dash = spec.find('-');
  if (dash == std::string::npos) return r;
  std::string a = spec.substr(0, dash);
  std::string b = spec.substr(dash + 1);
  if (a.empty()) {  // suffix: the last N bytes
    std::int64_t n = ParseCount(b);
    if (n < 0) return r;
    if (n == 0 || size == 0) return {ByteRange::kUnsatisfiable, 0, 0};
    return {ByteRange::kPart, std::max<std::int64_t>(0, size - n), size - 1};
  }
  std::int64_t first = ParseCount(a);
  std::int64_t last = b.empty() ? size - 1 : ParseCount(b);
  if (first < 0 || last < 0) return r;
  // A start past the end is unsatisfiable even for "N-" (whose implied end is before it).
  if (first >= size) return {ByteRange::kUnsatisfiable, 0, 0};
  if (last < first) return r;
  return {ByteRange::kPart, first, std::min(last, size - 1)};
}

FileResponse SendFile(const std::filesystem::path& file, std::int64_t size, const httplib::Request& req,
                      httplib::Response& res, const std::string& content_type) {
  auto fd = std::make_shared<UniqueFd>(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd->valid()) return FileResponse::kGone;
  res.set_header("Accept-Ranges", "bytes");
  ByteRange range = ParseByteRange(req.get_header_value("Range"), size);
  // Clearing httplib's parsed ranges stops it from applying them a second time.
  const_cast<httplib::Request&>(req).ranges.clear();
  if (range.kind == ByteRange::kUnsatisfiable) {
    res.set_header("Content-Range", StrCat("bytes */", size));
    return FileResponse::kUnsatisfiable;
  }
  std::int64_t first = 0;
  std::int64_t length = size;
  if (range.kind == ByteRange::kPart) {
    first = range.first;
    length = range.last - range.first + 1;
    res.status = 206;
    res.set_header("Content-Range", StrCat("bytes ", range.first, "-", range.last, "/", size));
  }
  if (length == 0) {
    res.set_content("", content_type);
    return FileResponse::kSent;
  }
  res.set_content_provider(
      static_cast<std::size_t>(length), content_type,
      [fd, first](std::size_t offset, std::size_t want_bytes, httplib::DataSink& sink) {
        thread_local std::vector<char> buf(kReadChunk);
        std::size_t want = std::min(want_bytes, buf.size());
        ssize_t n = ::pread(fd->get(), buf.data(), want, static_cast<off_t>(first) + static_cast<off_t>(offset));
        if (n <= 0) return false;  // the file shrank under us: end the response
        return sink.write(buf.data(), static_cast<std::size_t>(n));
      });
  return FileResponse::kSent;
}

}  // namespace ec::oci::server
