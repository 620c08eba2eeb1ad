#include "trivy/java_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "oci/io.h"
#include "oci/store/sqlite.h"
#include "trivy/jar_scan.h"

namespace ec::trivy {
namespace {

namespace fs = std::filesystem;
using oci::store::Database;
using oci::store::Statement;
using oci::store::Transaction;

// trivy-java-db pkg/db/db.go Init(), verbatim: Trivy runs its queries against these names.
constexpr std::array<std::string_view, 5> kSchema = {
    "CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT)",
    "CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, "
    "foreign key (artifact_id) references artifacts(id))",
    "CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id)",
    "CREATE INDEX indices_artifact_idx ON indices(artifact_id)",
    "CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1)",
};
constexpr std::string_view kInsertArtifact =
    "INSERT OR IGNORE INTO artifacts(group_id, artifact_id) VALUES (?1, ?2)";
constexpr std::string_view kInsertIndex =
    "INSERT INTO indices(artifact_id, version, sha1, archive_type) VALUES ("
    "(SELECT id FROM artifacts WHERE group_id = ?1 AND artifact_id = ?2), ?3, ?4, ?5) "
    "ON CONFLICT(sha1) DO NOTHING";
// The only archive type the upstream builder writes, and the one Trivy asks for.
constexpr std::string_view kArchiveTypeJar = "jar";
// Classifiers of jars that hold no runtime code (the upstream crawler skipped the same).
const std::set<std::string, std::less<>> kNotIndexedClassifiers = {
    "sources", "javadoc", "tests", "test", "test-sources", "test-javadoc"};

struct Candidate {
  fs::path root;  // the source it was found under; the jar itself for a file source
  fs::path jar;
};

void Walk(const fs::path& root, const fs::path& dir, std::vector<Candidate>& out,
          std::vector<std::string>& problems) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) {
      Walk(root, entry.path(), out, problems);
    } else if (entry.path().filename().string().ends_with(".jar")) {
      out.push_back({root, entry.path()});  // Sha1OfFile reports links to nothing, FIFOs...
    }
  }
  if (ec) problems.push_back(StrCat(dir.string(), ": cannot list directory: ", ec.message()));
}

Result<std::vector<Candidate>> FindJars(const std::vector<fs::path>& sources,
                                        std::vector<std::string>& problems) {
  std::vector<Candidate> out;
  for (const fs::path& source : sources) {
    std::error_code ec;
    fs::file_status st = fs::status(source, ec);
    if (!fs::exists(st)) {
      bool missing = !ec || ec == std::errc::no_such_file_or_directory;
      return InvalidArgument(StrCat("java db source ", source.string(), ": ",
                                    missing ? "does not exist" : ec.message()));
    }
    if (fs::is_directory(st)) {
      Walk(source, source, out, problems);
    } else {
      out.push_back({source, source});
    }
  }
  // One entry per file, whatever order the sources came in.
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.jar, a.root) < std::tie(b.jar, b.root);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Candidate& a, const Candidate& b) { return a.jar == b.jar; }),
            out.end());
  return out;
}

// Insertion order: main artifacts before classified ones (so they win a shared sha1, as
// upstream), then by coordinates, then by path so the first of two equal files is stable.
bool InsertsBefore(const ScannedJar& a, const ScannedJar& b) {
  const MavenCoordinates& x = a.coordinates;
  const MavenCoordinates& y = b.coordinates;
  return std::forward_as_tuple(!x.classifier.empty(), x.group_id, x.artifact_id, x.version,
                               x.classifier, a.path) <
         std::forward_as_tuple(!y.classifier.empty(), y.group_id, y.artifact_id, y.version,
                               y.classifier, b.path);
}

// Statement binds text and integers only; sha1 is a BLOB, which takes the C API.
Status InsertIndices(Database& db, const std::vector<ScannedJar>& rows) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), kInsertIndex.data(), static_cast<int>(kInsertIndex.size()), &raw,
                         nullptr) != SQLITE_OK) {
    return Internal(StrCat("sqlite prepare: ", db.ErrorMessage(), " (in: ", kInsertIndex, ")"));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
  auto bind_text = [&](int index, std::string_view text) {
    sqlite3_bind_text(stmt.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  };
  for (const ScannedJar& row : rows) {
    const MavenCoordinates& c = row.coordinates;
    bind_text(1, c.group_id);
    bind_text(2, c.artifact_id);
    bind_text(3, c.version);
    sqlite3_bind_blob(stmt.get(), 4, row.sha1.data(), static_cast<int>(row.sha1.size()),
                      SQLITE_STATIC);
    bind_text(5, kArchiveTypeJar);
    int rc = sqlite3_step(stmt.get());
    sqlite3_reset(stmt.get());
    if (rc != SQLITE_DONE) return Internal(StrCat("insert into indices: ", db.ErrorMessage()));
  }
  return OkStatus();
}

Status WriteDatabase(const fs::path& file, const std::vector<ScannedJar>& rows) {
  EC_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(file));
  // Open() leaves the connection in WAL mode, which the file header would remember. The
  // export must be one self-contained rollback-journal file; the journal can live in memory
  // because a failed build is thrown away whole.
  {
    EC_ASSIGN_OR_RETURN(Statement mode, Statement::Prepare(*db, "PRAGMA journal_mode=MEMORY"));
    EC_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.Text(0) != "memory") {
      return Internal(StrCat("cannot leave WAL mode: journal_mode is ", row ? mode.Text(0) : "?"));
    }
  }
  EC_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=OFF"));  // AtomicFile::Commit fsyncs
  for (std::string_view sql : kSchema) EC_RETURN_IF_ERROR(db->Exec(sql));

  {  // statements end before VACUUM, which refuses to run beside an active one
    EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
    std::set<std::pair<std::string, std::string>> artifacts;
    for (const ScannedJar& row : rows) {
      artifacts.emplace(row.coordinates.group_id, row.coordinates.artifact_id);
    }
    EC_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(*db, kInsertArtifact));
    for (const auto& [group, artifact] : artifacts) {
      insert.Reset();
      EC_RETURN_IF_ERROR(insert.Bind(1, group).Bind(2, artifact).Run());
    }
    EC_RETURN_IF_ERROR(InsertIndices(*db, rows));
    EC_RETURN_IF_ERROR(tx.Commit());
  }

  // VACUUM rewrites the file from scratch at the fixed page size, so the bytes depend only on
  // the rows and their order.
  EC_RETURN_IF_ERROR(db->Exec(StrCat("PRAGMA page_size=", kJavaDbPageSize)));
  EC_RETURN_IF_ERROR(db->Exec("VACUUM"));
  return OkStatus();
}

void RemoveSideFiles(const fs::path& db_file) {
  for (std::string_view suffix : {"-wal", "-shm", "-journal"}) {
    std::error_code ignored;
    fs::remove(fs::path(StrCat(db_file.string(), suffix)), ignored);
  }
}

}  // namespace

Result<JavaDbReport> BuildJavaDb(const std::vector<fs::path>& sources, const fs::path& dest_db) {
  JavaDbReport report;
  EC_ASSIGN_OR_RETURN(std::vector<Candidate> candidates, FindJars(sources, report.problems));

  std::vector<ScannedJar> scanned;
  for (const Candidate& candidate : candidates) {
    Result<ScannedJar> jar = ScanJar(candidate.root, candidate.jar);
    if (!jar.ok()) {
      report.problems.push_back(jar.status().message());
      ++report.skipped;
      continue;
    }
    const std::string& classifier = jar->coordinates.classifier;
    if (kNotIndexedClassifiers.contains(classifier)) {
      report.problems.push_back(StrCat(candidate.jar.string(), ": classifier \"", classifier,
                                       "\" is not indexed (no runtime code)"));
      ++report.skipped;
      continue;
    }
    scanned.push_back(std::move(jar).value());
  }

  std::sort(scanned.begin(), scanned.end(), InsertsBefore);
  std::vector<ScannedJar> rows;
  std::map<Sha1, const ScannedJar*> by_sha1;
  for (const ScannedJar& jar : scanned) {
    auto [it, inserted] = by_sha1.emplace(jar.sha1, &jar);
    if (!inserted) {
      const MavenCoordinates& c = it->second->coordinates;
      report.problems.push_back(StrCat(jar.path.string(), ": same content (sha1 ",
                                       HexSha1(jar.sha1), ") as ", it->second->path.string(),
                                       ", indexed as ", c.group_id, ":", c.artifact_id, ":",
                                       c.version));
      ++report.skipped;
      continue;
    }
    rows.push_back(jar);
  }
  std::sort(report.problems.begin(), report.problems.end());

  EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(dest_db));
  Status written = WriteDatabase(out.temp_path(), rows);
  RemoveSideFiles(out.temp_path());
  EC_RETURN_IF_ERROR(written.WithPrefix(StrCat("build ", dest_db.string())));
  EC_RETURN_IF_ERROR(out.Commit());
  report.jars = static_cast<int>(rows.size());
  return report;
}

}  // namespace ec::trivy
