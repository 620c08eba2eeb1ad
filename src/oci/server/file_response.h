// Answers a GET for a file's bytes the way the registry answers blob pulls: Accept-Ranges, a
// single byte range (206 with Content-Range; ranges are clamped here, since httplib 0.11 does
// not clamp them and would announce more bytes than it sends), streamed from the file with
// pread so memory stays flat. Shared by the registry's blob route and the export service's
// downloads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace ec::oci::server {

// One byte range of a file of `size` bytes, from a Range header (RFC 9110 §14.1.2). Syntax we
// do not serve (several ranges, other units, garbage) means the whole file, as the RFC
// allows; ends past the file are clamped; a start past it is unsatisfiable.
struct ByteRange {
  enum Kind { kWhole, kPart, kUnsatisfiable } kind = kWhole;
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
};
ByteRange ParseByteRange(const std::string& header, std::int64_t size);

enum class FileResponse { kSent, kUnsatisfiable, kGone };

// Sets the status, Accept-Ranges, Content-Range and a streaming body for `file` (`size`
// bytes). kUnsatisfiable: Content-Range "bytes */N" is set and the caller sends its 416 body;
// kGone: the file could not be opened and nothing was set.
FileResponse SendFile(const std::filesystem::path& file, std::int64_t size, const httplib::Request& req,
                      httplib::Response& res, const std::string& content_type);

}  // namespace ec::oci::server
