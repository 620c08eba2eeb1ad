// BuildJavaDb: writes trivy-java.db, the SQLite index Trivy's jar analyzer consults to name a
// jar by its SHA-1 (schema 1 of aquasecurity/trivy-java-db; see trivy-db.md §1.6), from jars
// on disk instead of Maven Central's index.
//
// Tables, indexes and insert semantics are upstream's: `artifacts` (id, group_id,
// artifact_id) and `indices` (artifact_id, version, sha1 as 20 raw bytes, archive_type
// "jar"); rows without a classifier go in before classifier rows, so they win a shared sha1.
// Jars with a sources/javadoc/tests classifier are not runtime code and are left out.
//
// The file is a pure function of the jars found: rows are inserted in sorted order, the page
// size is fixed, the file ends in rollback-journal mode (self-contained, no -wal) and is
// VACUUMed, and nothing time-dependent is stored. It is built under a temporary name in
// dest_db's directory and renamed over dest_db only when complete.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::trivy {

inline constexpr int kJavaDbSchemaVersion = 1;  // metadata.json "Version"
inline constexpr std::string_view kJavaDbFileName = "trivy-java.db";
inline constexpr int kJavaDbPageSize = 4096;

struct JavaDbReport {
  int jars = 0;     // rows written to `indices`
  int skipped = 0;  // jar files found but not written; each has a line in `problems`
  // "<path>: <reason>", for skipped jars (unreadable, no coordinates, excluded classifier,
  // same content as a jar already indexed) and for directories that could not be listed.
  std::vector<std::string> problems;
};

// `sources` are directories (walked recursively for *.jar, directory symlinks not followed;
// a Maven repository root gives coordinates to jars without pom.properties) or single jar
// files. A source that does not exist is an error; a jar that cannot be used is reported
// and skipped.
Result<JavaDbReport> BuildJavaDb(const std::vector<std::filesystem::path>& sources,
                                 const std::filesystem::path& dest_db);

}  // namespace ec::trivy
