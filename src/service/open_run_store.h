// Opens the run store a --database URL names: "sqlite:PATH" (or a bare path; the embedded
// default is <store>/service.db) or "postgres://…" / "postgresql://…" (several serve
// processes on several machines sharing one queue).
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "service/run_store.h"

namespace ec::service {

Result<std::unique_ptr<RunStore>> OpenRunStore(std::string_view url, const std::filesystem::path& default_sqlite);

// What OpenRunStore opens, for messages: the path or the URL without its password.
std::string DescribeDatabase(std::string_view url, const std::filesystem::path& default_sqlite);

}  // namespace ec::service
