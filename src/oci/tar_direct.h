// The uncompressed-tar writer behind WriteDeterministicTar: libarchive formats each header,
// and entry data goes from its source file to the archive through copy_file_range(2), so the
// kernel moves the bytes without a trip through user space (the way cp does). Internal to
// tar.cpp; produces exactly the bytes libarchive's own writer would.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/tar.h"
#include "status.h"

namespace ec::oci::internal {

struct TarItem {
  std::string tar_name;        // directories end in "/"
  const TarWriteEntry* file;   // null for a directory
};

// Writes `items` (already sorted and validated, sizes set) to `fd`, then the two zero blocks
// that end an archive. `what` prefixes errors.
Status WriteUncompressedTar(int fd, const std::vector<TarItem>& items, std::string_view what);

// The header bytes libarchive's restricted-pax writer emits for one entry, with the fixed
// metadata every Export Center archive uses (mtime 0, uid/gid 0, modes 0644/0755).
Result<std::string> TarHeaderBytes(const TarItem& item, std::string_view what);

// Reads an entry's data from its reader or source file (the FileReader path), checking its
// declared size, and hands it to `write` chunk by chunk through `buf`.
Status StreamEntryData(const TarWriteEntry& e, std::vector<char>& buf, std::string_view what,
                       const std::function<Status(std::string_view)>& write);

// Zero bytes that pad `size` bytes of data to the next 512-byte block.
std::int64_t TarPadding(std::int64_t size);

// Every parent directory of `names` ("blobs/", "blobs/sha256/"), sorted.
std::vector<std::string> TarParentDirectories(const std::vector<std::string>& names);

}  // namespace ec::oci::internal
