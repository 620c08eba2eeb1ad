// The export service's state: profile revisions, runs and their queue (claims, leases,
// cancels), events, distribution records, tokens, audit; tenant isolation on every getter, and
// everything found again after reopening. Every "[run-store]" case runs against SQLite, and
// also against PostgreSQL when EC_TEST_POSTGRES_URL is set (conformance/service/postgres.sh
// starts one), each time on an empty store of its own.
#include "json/parse.h"
#include "service/postgres_run_store.h"
#include "service/sqlite_run_store.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <set>
#include <thread>

#include "oci/digest.h"
#include "oci/store/sqlite.h"
#include "support/test_support.h"

namespace ec::service {
using namespace ec::testing;

namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

enum class StoreKind { kSqlite, kPostgres };

// A PostgreSQL server to test against, e.g. "postgres://postgres@127.0.0.1:5432/postgres".
std::string PostgresUrl() {
  const char* url = std::getenv("EC_TEST_POSTGRES_URL");
  return url == nullptr ? "" : url;
}

std::vector<StoreKind> StoreKinds() {
  std::vector<StoreKind> kinds = {StoreKind::kSqlite};
  if (!PostgresUrl().empty()) kinds.push_back(StoreKind::kPostgres);
  return kinds;
}

// One libpq connection of the test's own, beside the store's.
class PgSession {
 public:
  explicit PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
    INFO(PQerrorMessage(conn_.get()));
    REQUIRE(PQstatus(conn_.get()) == CONNECTION_OK);
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
  }
  // Runs `sql` (several statements allowed) and returns the first value of its last result.
  std::string Exec(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql.c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(r.get());
    INFO(sql << ": " << PQerrorMessage(conn_.get()));
    REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
    if (PQntuples(r.get()) == 0 || PQnfields(r.get()) == 0) return "";
    return PQgetvalue(r.get(), 0, 0);
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

// Where one test case's store lives, empty at the start: a SQLite file in a temporary
// directory, or a PostgreSQL schema of its own, selected by the URL's search_path and dropped
// with everything in it at the end.
class Backend {
 public:
  explicit Backend(StoreKind kind) : kind_(kind) {
    if (kind_ != StoreKind::kPostgres) return;
    static std::atomic<int> counter{0};
    schema_ = StrCat("ec_test_", ::getpid(), "_",
                     std::chrono::steady_clock::now().time_since_epoch().count() % 1000000, "_",
                     counter++);
    const std::string base = PostgresUrl();
    PgSession(base).Exec(StrCat("CREATE SCHEMA ", schema_));
    // The application name lets a test find the store's own connections; the lock timeout
    // turns a claim or update that blocks by mistake into a failure instead of a hang.
    url_ = StrCat(base, base.find('?') == std::string::npos ? "?" : "&",
                  "options=-csearch_path%3D", schema_, "%20-clock_timeout%3D10s",
                  "&application_name=", schema_);
  }
  ~Backend() {
    if (kind_ != StoreKind::kPostgres) return;
    // Not PgSession: no REQUIRE in a destructor.
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(PostgresUrl().c_str()),
                                                      &PQfinish);
    if (PQstatus(conn.get()) == CONNECTION_OK) {
      PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);  // "drop cascades…"
      PQclear(PQexec(conn.get(), StrCat("DROP SCHEMA IF EXISTS ", schema_, " CASCADE").c_str()));
    }
  }
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  std::string name() const {
    return kind_ == StoreKind::kSqlite ? "run store: SQLite"
                                       : StrCat("run store: PostgreSQL, schema ", schema_);
  }
  bool postgres() const { return kind_ == StoreKind::kPostgres; }
  const std::string& schema() const { return schema_; }
  const std::string& url() const { return url_; }
  std::filesystem::path db_path() const { return dir_ / "service" / "runs.db"; }

  Result<std::unique_ptr<RunStore>> TryOpen(RunStoreOptions options = {}) const {
    if (kind_ == StoreKind::kSqlite) {
      auto s = SqliteRunStore::Open(db_path(), options);
      if (!s.ok()) return s.status();
      return std::unique_ptr<RunStore>(std::move(s).value());
    }
    auto s = PostgresRunStore::Open(url_, options);
    if (!s.ok()) return s.status();
    return std::unique_ptr<RunStore>(std::move(s).value());
  }

  std::unique_ptr<RunStore> Open(RunStoreOptions options = {}) const {
    auto s = TryOpen(options);
    INFO(s.status().message());
    REQUIRE(s.ok());
    return std::move(s).value();
  }

  // Changes the database behind the store's back.
  void Sql(const std::string& sql) const {
    if (kind_ == StoreKind::kPostgres) {
      PgSession(url_).Exec(sql);
      return;
    }
    auto db = oci::store::Database::Open(db_path());
    REQUIRE(db.ok());
    REQUIRE_OK((*db)->Exec(sql));
  }

  // Everything the database holds, as bytes to search.
  std::string Contents() const {
    if (kind_ == StoreKind::kPostgres) {
      std::string sql = "SELECT concat_ws(E'\\n'";
      for (const char* table : {"profiles", "runs", "run_events", "distributions", "tokens",
                                "audit"}) {
        sql += StrCat(", (SELECT string_agg(t::text, E'\\n') FROM ", table, " t)");
      }
      return PgSession(url_).Exec(sql + ")");
    }
    std::string bytes = ReadFile(db_path());
    if (std::filesystem::exists(db_path().string() + "-wal")) {
      bytes += ReadFile(db_path().string() + "-wal");
    }
    return bytes;
  }

 private:
  StoreKind kind_;
  TempDir dir_;
  std::string schema_;
  std::string url_;
};

std::string Sha(std::string_view bytes) { return oci::Digest::OfBytes(bytes).str(); }

StoredProfile Profile(std::string tenant, std::string name, int revision, std::string document) {
  std::string digest = Sha(document);
  return {std::move(tenant), std::move(name), revision, digest, std::move(document), kNow};
}

NewRun RunOf(std::string tenant, std::string profile, std::string parameters = "{}",
             std::string key = "") {
  NewRun r;
  r.tenant = std::move(tenant);
  r.profile_name = std::move(profile);
  r.profile_revision = 1;
  r.profile_digest = Sha("{}");
  r.parameters = std::move(parameters);
  r.idempotency_key = std::move(key);
  r.created_at = kNow;
  return r;
}

Run Create(RunStore& store, const NewRun& r) {
  auto created = store.CreateRun(r);
  INFO(created.status().message());
  REQUIRE(created.ok());
  CHECK(created->second);
  return created->first;
}

Run Claim(RunStore& store, std::string_view worker, std::int64_t now, std::int64_t lease = 30) {
  auto claimed = store.ClaimNextRun(worker, now, lease);
  INFO(claimed.status().message());
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  return **claimed;
}

bool NothingToClaim(RunStore& store, std::int64_t now) {
  auto claimed = store.ClaimNextRun("idle-worker", now, 30);
  REQUIRE(claimed.ok());
  return !claimed->has_value();
}

Run Get(RunStore& store, const Run& run) {
  auto got = store.GetRun(run.tenant, run.id);
  INFO(got.status().message());
  REQUIRE(got.ok());
  return *got;
}

std::vector<std::string> EventTypes(RunStore& store, const Run& run) {
  auto events = store.Events(run.tenant, run.id, 0, 0);
  INFO(events.status().message());
  REQUIRE(events.ok());
  std::vector<std::string> out;
  for (const RunEvent& e : *events) out.push_back(e.type);
  return out;
}

std::vector<std::string> Ids(const std::vector<Run>& runs) {
  std::vector<std::string> out;
  for (const Run& r : runs) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("RunStore: profile revisions are immutable", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  const std::string r3 = R"({"kind":"json:raw","v":3})";
  REQUIRE_OK(store->PutProfile(Profile("acme", "daily-vex", 1, R"({"kind":"json:raw"})")));
  REQUIRE_OK(store->PutProfile(Profile("acme", "daily-vex", 3, r3)));
  REQUIRE_OK(store->PutProfile(Profile("acme", "daily-vex", 3, r3)));  // again: nothing changes

  Status changed = store->PutProfile(Profile("acme", "daily-vex", 3, R"({"kind":"json:policy"})"));
  CHECK(changed.code() == Code::kFailedPrecondition);
  CHECK(changed.message() == StrCat("profile acme/daily-vex r3 exists with ", Sha(r3),
                                    "; revisions are immutable, publish r4"));
  // The next free revision is named, not just revision + 1.
  Status older = store->PutProfile(Profile("acme", "daily-vex", 1, R"({"other":1})"));
  CHECK(older.code() == Code::kFailedPrecondition);
  CHECK(older.message().ends_with("publish r4"));

  auto latest = store->GetProfile("acme", "daily-vex", std::nullopt);
  REQUIRE(latest.ok());
  CHECK(latest->revision == 3);
  CHECK(latest->document == r3);
  CHECK(latest->digest == Sha(r3));
  CHECK(latest->created_at == kNow);
  auto first = store->GetProfile("acme", "daily-vex", 1);
  REQUIRE(first.ok());
  CHECK(first->document == R"({"kind":"json:raw"})");
  auto missing = store->GetProfile("acme", "daily-vex", 2);
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(missing.status().message() == "profile acme/daily-vex r2 not found");
  CHECK(store->GetProfile("acme", "weekly", std::nullopt).status().message() ==
        "profile acme/weekly not found");

  REQUIRE_OK(store->PutProfile(Profile("acme", "audit-pack", 1, "{}")));
  auto list = store->ListProfiles("acme");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].name == "audit-pack");
  CHECK((*list)[0].revision == 1);
  CHECK((*list)[1].name == "daily-vex");
  CHECK((*list)[1].revision == 3);

  CHECK(store->PutProfile(Profile("acme", "x", 0, "{}")).code() == Code::kInvalidArgument);
  CHECK(store->PutProfile(Profile("acme", "x", 1, "not json")).code() == Code::kInvalidArgument);
  CHECK(store->PutProfile(Profile("acme/evil", "x", 1, "{}")).code() == Code::kInvalidArgument);
  StoredProfile bad_digest = Profile("acme", "x", 1, "{}");
  bad_digest.digest = "sha256:1234";
  CHECK(store->PutProfile(bad_digest).code() == Code::kInvalidArgument);
  StoredProfile other_digest = Profile("acme", "x", 1, "{}");
  other_digest.digest = Sha("something else");
  Status mismatch = store->PutProfile(other_digest);
  CHECK(mismatch.code() == Code::kInvalidArgument);
  CHECK(mismatch.message() == StrCat("profile acme/x r1: digest ", Sha("something else"),
                                     " is not the sha256 of its document"));
}

TEST_CASE("RunStore: an idempotency key returns the original run, not another one",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run first = Create(*store, RunOf("acme", "daily-vex", R"({"since":"2025-01-01"})", "key-1"));
  CHECK(first.status == RunStatus::kQueued);
  CHECK(first.id.starts_with("run-"));
  CHECK(first.id.size() == 30);
  CHECK(first.attempt == 0);
  CHECK(first.created_at == kNow);

  // The same request again (whitespace does not make another request).
  auto again =
      store->CreateRun(RunOf("acme", "daily-vex", R"({ "since": "2025-01-01" })", "key-1"));
  REQUIRE(again.ok());
  CHECK(again->first.id == first.id);
  CHECK_FALSE(again->second);

  auto other = store->CreateRun(RunOf("acme", "daily-vex", R"({"since":"2024-01-01"})", "key-1"));
  CHECK(other.status().code() == Code::kFailedPrecondition);
  CHECK(other.status().message() ==
        StrCat("Idempotency-Key key-1 was used for another request (run ", first.id, ")"));

  // The request digest the service computes wins over the default one.
  NewRun body1 = RunOf("acme", "daily-vex", "{}", "key-2");
  body1.request_digest = Sha("body 1");
  Run by_digest = Create(*store, body1);
  NewRun body2 = body1;
  body2.request_digest = Sha("body 2");
  CHECK(store->CreateRun(body2).status().code() == Code::kFailedPrecondition);
  CHECK(store->CreateRun(body1)->first.id == by_digest.id);

  // Keys are per tenant; without a key every create is a new run.
  Run theirs = Create(*store, RunOf("globex", "daily-vex", R"({"since":"2025-01-01"})", "key-1"));
  Run a = Create(*store, RunOf("acme", "daily-vex"));
  Run b = Create(*store, RunOf("acme", "daily-vex"));
  std::vector<std::string> ids = {first.id, by_digest.id, theirs.id, a.id, b.id};
  CHECK(std::is_sorted(ids.begin(), ids.end()));  // creation order
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  CHECK(*store->QueueDepth() == 5);

  CHECK(store->CreateRun(RunOf("acme", "daily-vex", "[1]")).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->CreateRun(RunOf("acme", "daily-vex", "{}", "bad\nkey")).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("RunStore: lists runs newest first, by page, with filters", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  std::vector<Run> runs;
  for (const char* profile : {"daily-vex", "weekly", "daily-vex", "weekly", "daily-vex"}) {
    runs.push_back(Create(*store, RunOf("acme", profile)));
  }
  Create(*store, RunOf("globex", "daily-vex"));

  auto page1 = store->ListRuns("acme", {}, {.limit = 2});
  REQUIRE(page1.ok());
  CHECK(Ids(page1->runs) == std::vector<std::string>{runs[4].id, runs[3].id});
  CHECK(page1->next == runs[3].id);
  auto page2 = store->ListRuns("acme", {}, {.limit = 2, .after = page1->next});
  REQUIRE(page2.ok());
  CHECK(Ids(page2->runs) == std::vector<std::string>{runs[2].id, runs[1].id});
  auto page3 = store->ListRuns("acme", {}, {.limit = 2, .after = page2->next});
  REQUIRE(page3.ok());
  CHECK(Ids(page3->runs) == std::vector<std::string>{runs[0].id});
  CHECK(page3->next.empty());

  auto weekly = store->ListRuns("acme", {.profile = "weekly"}, {});
  REQUIRE(weekly.ok());
  CHECK(Ids(weekly->runs) == std::vector<std::string>{runs[3].id, runs[1].id});
  Run claimed = Claim(*store, "w1", kNow);
  CHECK(claimed.id == runs[0].id);
  auto running = store->ListRuns("acme", {.status = RunStatus::kRunning}, {});
  REQUIRE(running.ok());
  CHECK(Ids(running->runs) == std::vector<std::string>{runs[0].id});
  auto queued = store->ListRuns("acme", {.status = RunStatus::kQueued}, {.limit = 1000});
  REQUIRE(queued.ok());
  CHECK(queued->runs.size() == 4);

  CHECK(PageLimit(0, kDefaultPageSize, kMaxPageSize) == 50);
  CHECK(PageLimit(1000, kDefaultPageSize, kMaxPageSize) == 200);
  CHECK(PageLimit(7, kDefaultPageSize, kMaxPageSize) == 7);
}

TEST_CASE("RunStore: one tenant never sees another's objects", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  REQUIRE_OK(store->PutProfile(Profile("acme", "daily-vex", 1, "{}")));
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  auto recorded = store->RecordDistribution(run.id, "registry.example/vex:1", Sha("m"), kNow);
  REQUIRE(recorded.ok());
  auto token = store->CreateToken("acme", "ci", {"export:run"}, kNow);
  REQUIRE(token.ok());
  auto seq = store->AppendAudit({0, kNow, "acme", "ci", "run.create", run.id, "ok", ""});
  REQUIRE(seq.ok());

  CHECK(store->GetProfile("globex", "daily-vex", std::nullopt).status().code() ==
        Code::kNotFound);
  CHECK(store->GetProfile("globex", "daily-vex", 1).status().code() == Code::kNotFound);
  CHECK(store->ListProfiles("globex")->empty());
  // The same answer as for a run that does not exist at all.
  auto theirs = store->GetRun("globex", run.id);
  CHECK(theirs.status().code() == Code::kNotFound);
  CHECK(theirs.status().message() == StrCat("run ", run.id, " not found"));
  CHECK(store->GetRun("globex", "run-nothing").status().message() == "run run-nothing not found");
  CHECK(store->ListRuns("globex", {}, {})->runs.empty());
  CHECK(store->Events("globex", run.id, 0, 0).status().code() == Code::kNotFound);
  CHECK(store->Distributions("globex", run.id).status().code() == Code::kNotFound);
  CHECK(store->RequestCancel("globex", run.id, kNow).code() == Code::kNotFound);
  CHECK(Get(*store, run).status == RunStatus::kQueued);
  CHECK(store->ListTokens("globex")->empty());
  CHECK(store->RevokeToken("globex", token->token.id, kNow).code() == Code::kNotFound);
  CHECK(store->Authenticate(token->secret).ok());
  CHECK(store->ListAudit("globex", 0, 0)->empty());

  // The owner sees all of it.
  CHECK(store->GetRun("acme", run.id).ok());
  CHECK(store->Events("acme", run.id, 0, 0)->size() == 1);
  CHECK(store->Distributions("acme", run.id)->size() == 1);
  CHECK(store->ListTokens("acme")->size() == 1);
  CHECK(store->ListAudit("acme", 0, 0)->size() == 1);
}

TEST_CASE("RunStore: claims take the oldest queued run, each run once", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run r1 = Create(*store, RunOf("acme", "daily-vex"));
  Run r2 = Create(*store, RunOf("globex", "daily-vex"));
  Run r3 = Create(*store, RunOf("acme", "weekly"));
  Run c1 = Claim(*store, "w1", kNow, 30);
  CHECK(c1.id == r1.id);
  CHECK(c1.status == RunStatus::kRunning);
  CHECK(c1.worker == "w1");
  CHECK(c1.attempt == 1);
  CHECK(c1.started_at == kNow);
  CHECK(c1.lease_expires == kNow + 30);
  Run stored = Get(*store, c1);
  CHECK(stored.status == RunStatus::kRunning);
  CHECK(stored.worker == "w1");
  CHECK(stored.lease_expires == kNow + 30);
  CHECK(Claim(*store, "w2", kNow).id == r2.id);
  CHECK(Claim(*store, "w1", kNow).id == r3.id);
  CHECK(NothingToClaim(*store, kNow + 29));
  CHECK(*store->QueueDepth() == 0);
  CHECK(store->ClaimNextRun("w1", kNow, 0).status().code() == Code::kInvalidArgument);
  CHECK(store->ClaimNextRun("", kNow, 30).status().code() == Code::kInvalidArgument);

  // Two threads claiming at once: every run is claimed exactly once.
  constexpr int kRuns = 40;
  std::set<std::string> created;
  for (int i = 0; i < kRuns; ++i) created.insert(Create(*store, RunOf("acme", "daily-vex")).id);
  std::vector<std::string> claimed[2];
  int errors[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      const std::string worker = StrCat("thread-", t);
      while (true) {
        auto c = store->ClaimNextRun(worker, kNow, 60);
        if (!c.ok()) {
          ++errors[t];
          return;
        }
        if (!c->has_value()) return;
        claimed[t].push_back((*c)->id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(errors[0] == 0);
  CHECK(errors[1] == 0);
  std::multiset<std::string> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  CHECK(all.size() == kRuns);
  CHECK(std::set<std::string>(all.begin(), all.end()) == created);
  // Each thread took runs oldest first.
  CHECK(std::is_sorted(claimed[0].begin(), claimed[0].end()));
  CHECK(std::is_sorted(claimed[1].begin(), claimed[1].end()));
}

TEST_CASE("RunStore: an expired lease is taken over, and the old worker is refused",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow, 30);
  auto beat = store->Heartbeat(run.id, "w1", kNow + 10, 30, {1, 10});
  REQUIRE(beat.ok());
  CHECK_FALSE(beat->cancel_requested);
  CHECK(Get(*store, run).lease_expires == kNow + 40);
  CHECK(Get(*store, run).progress == Progress{1, 10});
  CHECK(NothingToClaim(*store, kNow + 39));

  Run taken = Claim(*store, "w2", kNow + 40, 30);
  CHECK(taken.id == run.id);
  CHECK(taken.attempt == 2);
  CHECK(taken.worker == "w2");
  CHECK(taken.started_at == kNow);  // the first start is kept
  CHECK(taken.progress == Progress{1, 10});

  auto old_beat = store->Heartbeat(run.id, "w1", kNow + 41, 30, {2, 10});
  CHECK(old_beat.status().code() == Code::kFailedPrecondition);
  CHECK(old_beat.status().message() ==
        StrCat("run ", run.id, " is held by worker w2 (attempt 2); worker w1 lost its lease"));
  CHECK(store->FinishRun(run.id, "w1", RunStatus::kSucceeded, "", "{}", kNow + 42).code() ==
        Code::kFailedPrecondition);

  const std::string result = R"({"bytes":123,"manifest":"sha256:abc"})";
  REQUIRE_OK(store->FinishRun(run.id, "w2", RunStatus::kSucceeded, "", result, kNow + 50));
  Run done = Get(*store, run);
  CHECK(done.status == RunStatus::kSucceeded);
  CHECK(done.result == result);
  CHECK(done.finished_at == kNow + 50);
  CHECK(done.lease_expires == 0);
  // A retried finish is fine; any other change to a finished run is not.
  REQUIRE_OK(store->FinishRun(run.id, "w2", RunStatus::kSucceeded, "", result, kNow + 51));
  CHECK(store->FinishRun(run.id, "w2", RunStatus::kFailed, "boom", "", kNow + 52).code() ==
        Code::kFailedPrecondition);
  auto late_beat = store->Heartbeat(run.id, "w2", kNow + 53, 30, {});
  CHECK(late_beat.status().message() ==
        StrCat("run ", run.id, " already succeeded; worker w2 no longer holds it"));
  CHECK(Get(*store, run).finished_at == kNow + 50);
  CHECK(NothingToClaim(*store, kNow + 1000));
  CHECK(EventTypes(*store, run) == std::vector<std::string>{"queued", "started", "progress",
                                                            "lease_expired", "started",
                                                            "succeeded"});
}

TEST_CASE("RunStore: a run that keeps losing its worker fails after max_attempts",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open({.max_attempts = 2});
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  Run next = Create(*store, RunOf("acme", "daily-vex"));
  CHECK(Claim(*store, "w1", kNow, 10).id == run.id);
  CHECK(Claim(*store, "w2", kNow + 10, 10).id == run.id);
  // At kNow + 20 the lease of attempt 2 expired: the run fails, and the next one is claimed.
  CHECK(Claim(*store, "w3", kNow + 20, 10).id == next.id);
  Run failed = Get(*store, run);
  CHECK(failed.status == RunStatus::kFailed);
  CHECK(failed.reason == "lease expired on attempt 2 of 2 (last worker w2)");
  CHECK(failed.finished_at == kNow + 20);
  CHECK(EventTypes(*store, run).back() == "failed");
}

TEST_CASE("RunStore: canceling a queued run is immediate, a running one goes via its worker",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run queued = Create(*store, RunOf("acme", "daily-vex"));
  REQUIRE_OK(store->RequestCancel("acme", queued.id, kNow + 1));
  Run canceled = Get(*store, queued);
  CHECK(canceled.status == RunStatus::kCanceled);
  CHECK(canceled.reason == "canceled on request");
  CHECK(canceled.finished_at == kNow + 1);
  REQUIRE_OK(store->RequestCancel("acme", queued.id, kNow + 2));  // again: nothing to do
  CHECK(NothingToClaim(*store, kNow + 3));

  Run running = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow, 30);
  // Nobody asked: a worker cannot decide on its own that the run was canceled.
  CHECK(store->FinishRun(running.id, "w1", RunStatus::kCanceled, "", "", kNow).code() ==
        Code::kFailedPrecondition);
  REQUIRE_OK(store->RequestCancel("acme", running.id, kNow + 5));
  Run asked = Get(*store, running);
  CHECK(asked.status == RunStatus::kRunning);
  CHECK(asked.cancel_requested);
  auto beat = store->Heartbeat(running.id, "w1", kNow + 6, 30, {});
  REQUIRE(beat.ok());
  CHECK(beat->cancel_requested);
  REQUIRE_OK(store->FinishRun(running.id, "w1", RunStatus::kCanceled, "", "", kNow + 7));
  CHECK(Get(*store, running).status == RunStatus::kCanceled);
  CHECK(Get(*store, running).reason == "canceled on request");
  CHECK(EventTypes(*store, running) ==
        std::vector<std::string>{"queued", "started", "cancel_requested", "canceled"});

  // A worker that died after the cancel request: the run is canceled, not resumed.
  Run orphan = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow, 30);
  REQUIRE_OK(store->RequestCancel("acme", orphan.id, kNow + 1));
  CHECK(NothingToClaim(*store, kNow + 30));
  CHECK(Get(*store, orphan).status == RunStatus::kCanceled);

  Run finished = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow, 30);
  REQUIRE_OK(store->FinishRun(finished.id, "w1", RunStatus::kFailed, "registry said 500", "",
                              kNow + 1));
  Status late = store->RequestCancel("acme", finished.id, kNow + 2);
  CHECK(late.code() == Code::kFailedPrecondition);
  CHECK(late.message() == StrCat("run ", finished.id, " already failed; too late to cancel"));
  CHECK(Get(*store, finished).reason == "registry said 500");
}

TEST_CASE("RunStore: events are numbered per run and the log closes with the run",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  Run other = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow, 30);
  auto seq = store->AppendEvent(run.id, "artifact_ready", R"({"digest":"sha256:abc"})", kNow + 1);
  REQUIRE(seq.ok());
  CHECK(*seq == 3);
  CHECK(*store->AppendEvent(other.id, "note", "", kNow + 1) == 2);  // its own numbering
  REQUIRE(store->Heartbeat(run.id, "w1", kNow + 2, 30, {}).ok());  // no progress: no event
  REQUIRE(store->Heartbeat(run.id, "w1", kNow + 3, 30, {5, 10}).ok());
  REQUIRE(store->Heartbeat(run.id, "w1", kNow + 4, 30, {5, 10}).ok());  // unchanged: no event
  REQUIRE_OK(store->FinishRun(run.id, "w1", RunStatus::kSucceeded, "",
                              R"({"manifest":"sha256:abc"})", kNow + 5));

  auto events = store->Events("acme", run.id, 0, 0);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 5);
  for (std::size_t i = 0; i < events->size(); ++i) {
    CHECK((*events)[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK((*events)[i].run_id == run.id);
  }
  CHECK((*events)[0].type == "queued");
  CHECK((*events)[1].type == "started");
  CHECK((*events)[1].data == R"({"attempt":1,"worker":"w1"})");
  CHECK((*events)[2].type == "artifact_ready");
  CHECK((*events)[2].time == kNow + 1);
  CHECK((*events)[3].type == "progress");
  CHECK((*events)[3].data == R"({"done":5,"total":10})");
  CHECK((*events)[4].type == "succeeded");
  CHECK((*events)[4].data == R"({"result":{"manifest":"sha256:abc"}})");

  auto after = store->Events("acme", run.id, 2, 2);
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].seq == 3);
  CHECK((*after)[1].seq == 4);

  CHECK(store->AppendEvent(run.id, "late", "{}", kNow + 6).status().code() ==
        Code::kFailedPrecondition);
  CHECK(store->AppendEvent(other.id, "succeeded", "{}", kNow).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->AppendEvent(other.id, "Bad Type", "{}", kNow).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->AppendEvent(other.id, "note", "{oops", kNow).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->AppendEvent("run-nothing", "note", "{}", kNow).status().code() ==
        Code::kNotFound);
}

TEST_CASE("RunStore: a distribution is recorded once per run, target and digest",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  const std::string target = "registry.example/exports/vex:2025-12-06";
  CHECK(*store->RecordDistribution(run.id, target, Sha("bundle"), kNow) == true);
  CHECK(*store->RecordDistribution(run.id, target, Sha("bundle"), kNow + 1) == false);
  CHECK(*store->RecordDistribution(run.id, target, Sha("signature"), kNow + 2) == true);
  CHECK(*store->RecordDistribution(run.id, "s3://bucket/vex", Sha("bundle"), kNow + 3) == true);
  auto list = store->Distributions("acme", run.id);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK((*list)[0].target == target);
  CHECK((*list)[0].digest == Sha("bundle"));
  CHECK((*list)[0].recorded_at == kNow);  // the first record stays
  CHECK((*list)[1].digest == Sha("signature"));
  CHECK((*list)[2].target == "s3://bucket/vex");

  CHECK(store->RecordDistribution(run.id, target, "sha256:short", kNow).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->RecordDistribution(run.id, "", Sha("x"), kNow).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->RecordDistribution("run-nothing", target, Sha("x"), kNow).status().code() ==
        Code::kNotFound);
}

TEST_CASE("RunStore: token secrets are shown once and only their hash is stored",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  auto issued = store->CreateToken("acme", "ci", {"export:run", "export:read", "export:run"},
                                   kNow);
  INFO(issued.status().message());
  REQUIRE(issued.ok());
  const std::string secret = issued->secret;
  CHECK(secret.starts_with("ect_"));
  CHECK(secret.size() == 4 + 43);  // base64url of 32 bytes, unpadded
  CHECK(issued->token.id.starts_with("tok-"));
  CHECK(issued->token.scopes == std::vector<std::string>{"export:read", "export:run"});
  CHECK(issued->token.created_at == kNow);

  auto who = store->Authenticate(secret);
  REQUIRE(who.ok());
  CHECK(who->token_id == issued->token.id);
  CHECK(who->name == "ci");
  CHECK(who->tenant == "acme");
  CHECK(who->scopes == std::vector<std::string>{"export:read", "export:run"});
  CHECK(who->HasScope(kScopeRun));
  CHECK_FALSE(who->HasScope(kScopeDownload));

  auto bad = store->Authenticate("ect_" + std::string(43, 'A'));
  CHECK(bad.status().code() == Code::kUnauthenticated);
  CHECK(store->Authenticate("").status().code() == Code::kUnauthenticated);
  CHECK(store->Authenticate(secret.substr(4)).status().code() == Code::kUnauthenticated);
  CHECK(store->CreateToken("acme", "ci", {"export:read"}, kNow).status().code() ==
        Code::kAlreadyExists);

  // The database holds the hash, never the secret.
  const std::string bytes = backend.Contents();
  CHECK(bytes.find(secret) == std::string::npos);
  CHECK(bytes.find(secret.substr(4)) == std::string::npos);
  CHECK(bytes.find(TokenSecretHash(secret)) != std::string::npos);

  REQUIRE_OK(store->RevokeToken("acme", issued->token.id, kNow + 60));
  CHECK(store->Authenticate(secret).status().code() == Code::kUnauthenticated);
  REQUIRE_OK(store->RevokeToken("acme", issued->token.id, kNow + 61));  // already revoked
  CHECK(store->RevokeToken("acme", "tok-nothing", kNow).code() == Code::kNotFound);
  // The name is free again once revoked.
  auto second = store->CreateToken("acme", "ci", {"admin"}, kNow + 70);
  REQUIRE(second.ok());
  CHECK(second->secret != secret);
  auto admin = store->Authenticate(second->secret);
  REQUIRE(admin.ok());
  CHECK(admin->HasScope(kScopeProfileManage));
  CHECK(admin->HasScope(kScopeDownload));

  auto tokens = store->ListTokens("acme");
  REQUIRE(tokens.ok());
  REQUIRE(tokens->size() == 2);
  CHECK((*tokens)[0].id == issued->token.id);
  CHECK((*tokens)[0].revoked_at == kNow + 60);
  CHECK((*tokens)[1].id == second->token.id);
  CHECK((*tokens)[1].revoked_at == 0);
}

TEST_CASE("RunStore: token scopes are checked", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  auto unknown = store->CreateToken("acme", "ci", {"export:read", "export:write"}, kNow);
  CHECK(unknown.status().code() == Code::kInvalidArgument);
  CHECK(unknown.status().message().starts_with("unknown scope \"export:write\""));
  CHECK(store->CreateToken("acme", "ci", {}, kNow).status().code() == Code::kInvalidArgument);
  CHECK(store->CreateToken("acme", "bad name", {"admin"}, kNow).status().code() ==
        Code::kInvalidArgument);
  auto all = store->CreateToken("acme", "all",
                                {"export:profile:manage", "export:run", "export:read",
                                 "export:download", "admin"},
                                kNow);
  REQUIRE(all.ok());
  CHECK(all->token.scopes.size() == 5);
  CHECK(store->ListTokens("acme")->size() == 1);
}

TEST_CASE("RunStore: the audit log lists a tenant's entries in order", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  std::vector<std::int64_t> seqs;
  for (const char* action : {"profile.publish", "run.create", "run.cancel"}) {
    auto seq = store->AppendAudit({0, kNow, "acme", "ci", action, "acme/daily-vex r1", "ok", ""});
    REQUIRE(seq.ok());
    seqs.push_back(*seq);
  }
  REQUIRE(store->AppendAudit({0, kNow, "globex", "ops", "token.create", "tok-1", "ok", ""}).ok());
  auto denied = store->AppendAudit({0, kNow + 1, "acme", "ci", "run.create", "", "denied",
                                    std::string(kMaxAuditDetailBytes + 10, 'x')});
  REQUIRE(denied.ok());
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));

  auto acme = store->ListAudit("acme", 0, 0);
  REQUIRE(acme.ok());
  REQUIRE(acme->size() == 4);
  CHECK((*acme)[0].action == "profile.publish");
  CHECK((*acme)[0].seq == seqs[0]);
  CHECK((*acme)[0].actor == "ci");
  CHECK((*acme)[0].object == "acme/daily-vex r1");
  CHECK((*acme)[3].outcome == "denied");
  CHECK((*acme)[3].detail.size() == kMaxAuditDetailBytes);
  auto after = store->ListAudit("acme", seqs[0], 2);
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].action == "run.create");
  CHECK((*after)[1].action == "run.cancel");
  CHECK(store->ListAudit("globex", 0, 0)->size() == 1);

  CHECK(store->AppendAudit({0, kNow, "acme", "", "run.create", "", "ok", ""}).status().code() ==
        Code::kInvalidArgument);
  CHECK(store->AppendAudit({0, kNow, "acme", "ci", "", "", "ok", ""}).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("RunStore: everything is found again after reopening the database",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  std::string run_id;
  std::string secret;
  {
    auto store = backend.Open();
    REQUIRE_OK(store->PutProfile(Profile("acme", "daily-vex", 1, "{}")));
    run_id = Create(*store, RunOf("acme", "daily-vex", R"({"a":1})", "key-1")).id;
    Claim(*store, "w1", kNow, 30);
    REQUIRE(store->RecordDistribution(run_id, "registry.example/vex:1", Sha("m"), kNow).ok());
    auto token = store->CreateToken("acme", "ci", {"export:read"}, kNow);
    REQUIRE(token.ok());
    secret = token->secret;
    REQUIRE(store->AppendAudit({0, kNow, "acme", "ci", "run.create", run_id, "ok", ""}).ok());
  }
  auto store = backend.Open();
  CHECK(store->GetProfile("acme", "daily-vex", 1).ok());
  auto run = store->GetRun("acme", run_id);
  REQUIRE(run.ok());
  CHECK(run->status == RunStatus::kRunning);
  CHECK(run->worker == "w1");
  CHECK(run->parameters == R"({"a":1})");
  auto again = store->CreateRun(RunOf("acme", "daily-vex", R"({"a":1})", "key-1"));
  REQUIRE(again.ok());
  CHECK(again->first.id == run_id);
  CHECK_FALSE(again->second);
  CHECK(*store->RecordDistribution(run_id, "registry.example/vex:1", Sha("m"), kNow) == false);
  CHECK(store->Events("acme", run_id, 0, 0)->size() == 2);
  auto who = store->Authenticate(secret);
  REQUIRE(who.ok());
  CHECK(who->name == "ci");
  CHECK(store->ListAudit("acme", 0, 0)->size() == 1);
  CHECK(Create(*store, RunOf("acme", "daily-vex")).id > run_id);
  // The lease survives too: the run comes back only once it has expired.
  CHECK(Claim(*store, "w2", kNow + 30).id == run_id);
}

TEST_CASE("RunStore: a database from a newer schema is refused", "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  backend.Open().reset();
  backend.Sql("UPDATE schema_version SET version = 99");
  auto reopened = backend.TryOpen();
  CHECK(reopened.status().code() == Code::kFailedPrecondition);
  CHECK(reopened.status().message().find("schema version 99 is newer than this build's (1)") !=
        std::string::npos);
}

TEST_CASE("RunStore: two stores on one database share the queue", "[service][run-store]") {
  // As two `serve` processes would: each its own store and connections.
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  std::unique_ptr<RunStore> stores[2] = {backend.Open(), backend.Open()};
  constexpr int kRunsEach = 20;
  std::vector<std::string> created[2];
  std::vector<std::string> claimed[2];
  int errors[2] = {0, 0};
  auto each_store = [&](auto body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) threads.emplace_back(body, t);
    for (std::thread& t : threads) t.join();
  };
  each_store([&](int t) {
    for (int i = 0; i < kRunsEach; ++i) {
      auto run = stores[t]->CreateRun(RunOf("acme", "daily-vex"));
      if (!run.ok()) {
        ++errors[t];
        return;
      }
      created[t].push_back(run->first.id);
    }
  });
  each_store([&](int t) {
    const std::string worker = StrCat("store-", t);
    while (true) {
      auto c = stores[t]->ClaimNextRun(worker, kNow, 60);
      if (!c.ok()) {
        ++errors[t];
        return;
      }
      if (!c->has_value()) return;
      claimed[t].push_back((*c)->id);
    }
  });
  CHECK(errors[0] == 0);
  CHECK(errors[1] == 0);
  // Ids increase across the stores: each store's in its own order, and all distinct.
  CHECK(std::is_sorted(created[0].begin(), created[0].end()));
  CHECK(std::is_sorted(created[1].begin(), created[1].end()));
  std::set<std::string> ids(created[0].begin(), created[0].end());
  ids.insert(created[1].begin(), created[1].end());
  CHECK(ids.size() == 2 * kRunsEach);
  // Every run claimed exactly once, by one store or the other.
  std::multiset<std::string> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  CHECK(all.size() == 2 * kRunsEach);
  CHECK(std::set<std::string>(all.begin(), all.end()) == ids);
  CHECK(*stores[0]->QueueDepth() == 0);
  auto page = stores[1]->ListRuns("acme", {.status = RunStatus::kRunning}, {.limit = 100});
  REQUIRE(page.ok());
  CHECK(page->runs.size() == 2 * kRunsEach);
}

TEST_CASE("RunStore (PostgreSQL): a claim passes over a run another transaction holds",
          "[service][run-store]") {
  if (PostgresUrl().empty()) return;  // needs EC_TEST_POSTGRES_URL
  Backend backend(StoreKind::kPostgres);
  INFO(backend.name());
  auto store = backend.Open();
  Run first = Create(*store, RunOf("acme", "daily-vex"));
  Run second = Create(*store, RunOf("acme", "daily-vex"));
  // Another machine's worker in the middle of claiming `first`.
  PgSession other(backend.url());
  other.Exec(StrCat("BEGIN; SELECT id FROM runs WHERE id = '", first.id, "' FOR UPDATE"));
  const auto start = std::chrono::steady_clock::now();
  CHECK(Claim(*store, "w1", kNow).id == second.id);  // without waiting (lock_timeout is 10 s)
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(NothingToClaim(*store, kNow));
  other.Exec("ROLLBACK");
  CHECK(Claim(*store, "w2", kNow).id == first.id);
}

TEST_CASE("RunStore (PostgreSQL): connections the server dropped are opened again",
          "[service][run-store]") {
  if (PostgresUrl().empty()) return;  // needs EC_TEST_POSTGRES_URL
  Backend backend(StoreKind::kPostgres);
  INFO(backend.name());
  auto store = backend.Open();
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  // Ends the store's pooled connections (as a server restart or failover would), and waits
  // until they are gone.
  auto drop_connections = [&] {
    PgSession admin(PostgresUrl());
    const std::string mine = StrCat("FROM pg_stat_activity WHERE application_name = '",
                                    backend.schema(), "' AND pid <> pg_backend_pid()");
    CHECK(admin.Exec(StrCat("SELECT count(pg_terminate_backend(pid)) ", mine)) != "0");
    for (int i = 0; i < 100 && admin.Exec(StrCat("SELECT count(*) ", mine)) != "0"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  drop_connections();
  auto depth = store->QueueDepth();  // a read on a dead connection: reconnects, asks again
  INFO(depth.status().message());
  REQUIRE(depth.ok());
  CHECK(*depth == 1);
  drop_connections();
  Run next = Create(*store, RunOf("acme", "daily-vex"));  // BEGIN on a dead connection
  CHECK(next.id > run.id);
  drop_connections();
  CHECK(Claim(*store, "w1", kNow).id == run.id);
  CHECK(EventTypes(*store, run) == std::vector<std::string>{"queued", "started"});
}

TEST_CASE("RunStore (PostgreSQL): bytes PostgreSQL text cannot hold", "[service][run-store]") {
  if (PostgresUrl().empty()) return;  // needs EC_TEST_POSTGRES_URL
  Backend backend(StoreKind::kPostgres);
  INFO(backend.name());
  auto store = backend.Open();
  // An id that could never have been stored is not found, as in SQLite.
  auto odd = store->GetRun("acme", "run-\xff");
  CHECK(odd.status().code() == Code::kNotFound);
  CHECK(odd.status().message() == "run run-\xff not found");
  CHECK(store->Events("acme", std::string("run-\0x", 6), 0, 0).status().code() ==
        Code::kNotFound);
  // A failure reason with a stray byte (from a child's stderr) is kept, the byte replaced.
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow);
  REQUIRE_OK(store->FinishRun(run.id, "w1", RunStatus::kFailed, "exit 1: \xff\xfe", "",
                              kNow + 1));
  CHECK(Get(*store, run).reason == "exit 1: \xef\xbf\xbd\xef\xbf\xbd");
  auto seq = store->AppendAudit({0, kNow, "acme", "ci", "run.create", "", "ok",
                                 std::string("nul \0 byte", 10)});
  REQUIRE(seq.ok());
  CHECK(store->ListAudit("acme", 0, 0)->back().detail == "nul \xef\xbf\xbd byte");
  CHECK(store->RecordDistribution(run.id, "bad\xff", Sha("x"), kNow).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("RunStore: free text with bytes no store holds is kept, the bytes replaced",
          "[service][run-store]") {
  Backend backend(GENERATE(from_range(StoreKinds())));
  INFO(backend.name());
  auto store = backend.Open();
  // A child's stderr tail may start inside a UTF-8 character: the reason is kept, and the
  // run's events stay valid JSON.
  Run run = Create(*store, RunOf("acme", "daily-vex"));
  Claim(*store, "w1", kNow);
  REQUIRE_OK(store->FinishRun(run.id, "w1", RunStatus::kFailed, "\x82\xac cut: exit 1", "", kNow + 1));
  CHECK(Get(*store, run).reason == "\xef\xbf\xbd\xef\xbf\xbd cut: exit 1");
  auto events = store->Events("acme", run.id, 0, 0);
  REQUIRE_OK(events);
  REQUIRE_FALSE(events->empty());
  CHECK(events->back().type == "failed");
  CHECK(json::Parse(events->back().data, "event").ok());
  REQUIRE(store->AppendAudit({0, kNow, "acme", "ci\xff", "run.create", "", "ok", "detail \xc3"}).ok());
  CHECK(store->ListAudit("acme", 0, 0)->back().actor == "ci\xef\xbf\xbd");
  CHECK(store->ListAudit("acme", 0, 0)->back().detail == "detail \xef\xbf\xbd");
}

TEST_CASE("PostgresRunStore: bad URLs and unreachable servers", "[service][run-store]") {
  auto mysql = PostgresRunStore::Open("mysql://root@127.0.0.1/db");
  CHECK(mysql.status().code() == Code::kInvalidArgument);
  CHECK(PostgresRunStore::Open("postgres://u@127.0.0.1:1/db", {.max_attempts = 0})
            .status()
            .code() == Code::kInvalidArgument);
  // Nothing listens on port 1: Unavailable, on one line, without the password.
  auto down = PostgresRunStore::Open("postgres://u:hunter2@127.0.0.1:1/db?password=hunter2");
  CHECK(down.status().code() == Code::kUnavailable);
  const std::string message = down.status().message();
  CHECK(message.starts_with("open run store postgres://u:***@127.0.0.1:1/db?password=***: "));
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("RunStore: sortable ids increase with time and after each other", "[service]") {
  CHECK(NewSortableId("run-", 1).size() == 30);
  CHECK(NewSortableId("run-", 1) < NewSortableId("run-", 2));
  CHECK(NewSortableId("run-", 1699999999999) < NewSortableId("run-", 1700000000000));
  CHECK(NextSortableId("run-00000000000000000000000000") == "run-00000000000000000000000001");
  CHECK(NextSortableId("run-0000000000000000000000000z") == "run-00000000000000000000000010");
  const std::string top = "run-" + std::string(26, 'z');
  CHECK(NextSortableId(top) > top);
  CHECK(TruncateUtf8("h\xc3\xa9llo", 2) == "h");
  CHECK(TruncateUtf8("h\xc3\xa9llo", 3) == "h\xc3\xa9");
  CHECK(TruncateUtf8("short", 100) == "short");
}

}  // namespace ec::service
