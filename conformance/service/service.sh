#!/usr/bin/env bash
# The export service end to end on one `export-center serve` (embedded SQLite): API tokens
# and what each scope allows, tenant isolation, profiles immutable per revision, runs queued
# with Idempotency-Key and executed by the workers, server-sent events, downloads with ETag
# and Range, signed exports with provenance, registry distribution to Debian's docker-registry
# checked with skopeo, a serve killed with SIGKILL mid-run resumed to the identical result
# with no duplicate distribution, and the OpenAPI document against the routes served.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"
source "$here/lib/service.sh"
source "$here/lib/serve.sh"
EC=$(realpath "$1")
require_tool jq; require_tool curl; require_tool docker-registry; require_tool skopeo
DATA=${EC_SHARED_DATA_DIR:-$here/../../shared/data}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ec-service.XXXXXX")
export EC_EVIDENCE=$WORK/evidence XDG_CACHE_HOME=$WORK/cache
cd "$WORK" || exit 1

# --- setup: evidence for two tenants, tokens, keys, serve ---------------------------------
mkdir in
cp "$DATA/golang-vulndb/data/osv/GO-2022-0229.json" "$DATA/golang-vulndb/data/osv/GO-2023-1571.json" in/
"$EC" ingest in --tenant acme >/dev/null 2>&1
"$EC" ingest in --tenant globex >/dev/null 2>&1
STORE=$(serve_store svc)
ADMIN=$("$EC" --store "$STORE" token create --tenant acme --name admin --scope admin 2>&1)
[[ $ADMIN == ect_* ]] && pass "token create prints a secret" || fail "token create prints a secret" "$ADMIN"
GLOBEX=$("$EC" --store "$STORE" token create --tenant globex --name admin --scope admin 2>/dev/null)
sqlite3_has() { python3 -c 'import sys; print(sys.argv[2].encode() in open(sys.argv[1],"rb").read())' "$1" "$2"; }
equal "only the token's hash is stored" "$(sqlite3_has "$STORE/service.db" "$ADMIN")" False
mkdir keys && "$EC" key generate --type ed25519 --out keys/release >/dev/null 2>&1
start_registry dst
start_serve svc --auth service --workers 2 --keys "$WORK/keys" --run-lease 3s --plain-http
API=http://$SERVE_svc
api() {  # TOKEN METHOD PATH [curl args...]: prints "STATUS BODY"
  local token=$1 method=$2 path=$3; shift 3
  curl -s -o body.json -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" "$@" "$API$path"
}

# --- tokens and scopes ----------------------------------------------------------------------
mk_token() { api "$ADMIN" POST /v1/tokens -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"scopes\":$2}" >/dev/null; jq -r .secret body.json; }
READER=$(mk_token reader '["export:read"]')
RUNNER=$(mk_token runner '["export:run","export:read"]')
DOWNLOADER=$(mk_token downloader '["export:download"]')
RUNNER_ALL=$(mk_token console '["export:run","export:read","export:download"]')
RUN_ONLY=$(mk_token run-only '["export:run"]')
MANAGER=$(mk_token manager '["export:profile:manage"]')
equal "whoami names the tenant" "$(api "$READER" GET /v1/whoami >/dev/null; jq -r .tenant body.json)" acme
equal "no token: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$API/v1/runs")" 401
equal "a bad token: 401" "$(api ect_nope GET /v1/runs)" 401

cat > daily.yaml <<'YAML'
apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: daily, tenant: acme}
spec:
  kind: json:raw
  selectors: {kinds: [advisory]}
  signing: {key: release}
  distribution: [{type: download}]
YAML
equal "reader cannot publish a profile (403)" "$(api "$READER" POST /v1/profiles --data-binary @daily.yaml)" 403
equal "the refusal names the scope" "$(jq -r .error.message body.json)" 'token "reader" lacks the scope export:profile:manage this route needs'
equal "manager publishes a profile (201)" "$(api "$MANAGER" POST /v1/profiles --data-binary @daily.yaml)" 201
equal "the same revision again is a no-op (200)" "$(api "$MANAGER" POST /v1/profiles --data-binary @daily.yaml)" 200
sed 's/kinds: \[advisory\]/kinds: [advisory, vex]/' daily.yaml > daily-changed.yaml
equal "the same revision with other content is refused (409)" "$(api "$MANAGER" POST /v1/profiles --data-binary @daily-changed.yaml)" 409
equal "which says revisions are immutable" "$(jq -r .error.message body.json | grep -c 'revisions are immutable')" 1
sed 's/name: daily, tenant: acme/name: daily, tenant: globex/' daily.yaml > other-tenant.yaml
equal "a profile for another tenant is refused (403)" "$(api "$MANAGER" POST /v1/profiles --data-binary @other-tenant.yaml)" 403
printf 'apiVersion: export-center/v1\nkind: ExportProfile\nmetadata: {name: bad, tenant: acme}\nspec: {kind: json:xml, distribution: [{type: download}]}\n' > bad.yaml
equal "an invalid profile is refused (400)" "$(api "$MANAGER" POST /v1/profiles --data-binary @bad.yaml)" 400
equal "naming the field" "$(jq -r .error.message body.json | grep -c 'spec.kind "json:xml"')" 1
equal "manager cannot start a run (403)" "$(api "$MANAGER" POST /v1/runs -d '{"profile":"daily"}')" 403
equal "downloader cannot list runs (403)" "$(api "$DOWNLOADER" GET /v1/runs)" 403
equal "reader cannot read the audit log (403)" "$(api "$READER" GET /v1/audit)" 403

# --- runs -----------------------------------------------------------------------------------
equal "runner queues a run (202)" "$(api "$RUNNER" POST /v1/runs -H 'Idempotency-Key: k1' -d '{"profile":"daily"}')" 202
RUN=$(jq -r .id body.json)
equal "the same Idempotency-Key returns the same run (200)" "$(api "$RUNNER" POST /v1/runs -H 'Idempotency-Key: k1' -d '{"profile":"daily"}'; echo " $(jq -r .id body.json)")" "200 $RUN"
equal "the key with another request is refused (409)" "$(api "$RUNNER" POST /v1/runs -H 'Idempotency-Key: k1' -d '{"profile":"daily","parameters":{"x":"y"}}')" 409
out=$("$EC" run wait "$RUN" --server "$API" --token "$RUNNER" -o json 2>&1)
equal "run wait: the run succeeds" "$(jq -r .status <<<"$out" 2>/dev/null)" succeeded
DIGEST=$(jq -r .result.artifact.digest <<<"$out")
curl -sN -H "Authorization: Bearer $READER" "$API/v1/runs/$RUN/events" > events.txt
equal "events: queued, started, progress … succeeded" "$(grep '^event:' events.txt | sed 's/event: //' | sort -u | tr '\n' ' ')" \
  "artifact_ready distributed progress queued started succeeded "
equal "the event stream ends with the terminal event" "$(grep '^event:' events.txt | tail -1)" "event: succeeded"

# Downloads: the CLI checks digests; ETag = sha256; Range; If-None-Match.
check "run download writes every file, digests checked" "$EC" run download "$RUN" -d dl --server "$API" --token "$DOWNLOADER"
name=$(jq -r '.result.files[0].name' <<<"$out"); fdigest=$(jq -r '.result.files[0].digest' <<<"$out")
equal "the downloaded file has its digest" "sha256:$(sha256sum < "dl/$name" | cut -d' ' -f1)" "$fdigest"
etag=$(curl -sD - -o /dev/null -H "Authorization: Bearer $DOWNLOADER" "$API/v1/runs/$RUN/files/$name" | tr -d '\r' | sed -n 's/^ETag: //Ip')
equal "ETag is the file's sha256" "$etag" "\"${fdigest#sha256:}\""
equal "Range gives 206 and those bytes" "$(curl -s -o part -w '%{http_code}' -H "Authorization: Bearer $DOWNLOADER" -H 'Range: bytes=5-14' "$API/v1/runs/$RUN/files/$name") $(cmp -s part <(tail -c +6 "dl/$name" | head -c 10) && echo same)" "206 same"
equal "If-None-Match gives 304" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DOWNLOADER" -H "If-None-Match: $etag" "$API/v1/runs/$RUN/files/$name")" 304
equal "a range past the end gives 416" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DOWNLOADER" -H 'Range: bytes=99999999-' "$API/v1/runs/$RUN/files/$name")" 416
equal "reader cannot download (403)" "$(api "$READER" GET "/v1/runs/$RUN/files/$name")" 403

# Signed: provenance is served, and verify accepts the export in the store.
api "$READER" GET "/v1/runs/$RUN/provenance" >/dev/null
equal "the provenance is a DSSE envelope of an in-toto statement" "$(jq -r .payloadType body.json)" "application/vnd.in-toto+json"
equal "whose subject is the artifact" "$(jq -r .payload body.json | base64 -d | jq -r '.subject[0].digest.sha256')" "${DIGEST#sha256:}"
check "export-center verify accepts the run's export" "$EC" --store "$STORE" verify "store:acme/exports/daily@$DIGEST" --key keys/release.pub
equal "the verification route says verified" "$(api "$READER" GET "/v1/runs/$RUN/verification" >/dev/null; jq -r .verified body.json)" true

# A re-run of the same revision gives the same artifact.
out2=$("$EC" run create daily --wait --server "$API" --token "$RUNNER" -o json 2>&1)
equal "a re-run gives the same artifact digest" "$(jq -r .result.artifact.digest <<<"$out2" 2>/dev/null)" "$DIGEST"

# --- each scope allows exactly what it should ------------------------------------------------
# For every /v1 operation of the OpenAPI document and every single-scope token (and admin): 403
# exactly when the token lacks the operation's x-required-scope. The calls are harmless: empty
# bodies, a finished run, a token id that does not exist.
curl -s "$API/.well-known/openapi" > openapi.json
declare -A TOKENS=([export:profile:manage]=$MANAGER [export:run]=$RUN_ONLY [export:read]=$READER
                   [export:download]=$DOWNLOADER [admin]=$ADMIN)
mismatches=()
checked=0
while IFS=$'\t' read -r method path scope; do
  p=${path//\{id\}/$RUN}; p=${p//\{name\}/$name}
  [[ $path == /v1/tokens/* ]] && p=/v1/tokens/tok-00000000000000000000000000
  [[ $path == /v1/profiles/* ]] && p=/v1/profiles/daily
  for held in "${!TOKENS[@]}"; do
    code=$(curl -s -o /dev/null -m 20 -w '%{http_code}' -X "$method" -H "Authorization: Bearer ${TOKENS[$held]}" "$API$p")
    want_denied=true; { [ "$held" = "$scope" ] || [ "$held" = admin ]; } && want_denied=false
    checked=$((checked + 1))
    if $want_denied && [ "$code" != 403 ]; then mismatches+=("$held $method $path: got $code, want 403"); fi
    if ! $want_denied && [ "$code" = 403 ]; then mismatches+=("$held $method $path: got 403, want allowed"); fi
  done
done < <(jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] | select(.value | type == "object" and has("x-required-scope")) | [(.key | ascii_upcase), $p, .value["x-required-scope"]] | @tsv' openapi.json)
[ ${#mismatches[@]} = 0 ] && [ "$checked" -ge 80 ] && pass "each scope allows exactly its routes ($checked token x route calls)" \
  || fail "each scope allows exactly its routes ($checked calls)" "$(printf '%s; ' "${mismatches[@]}")"

# --- tenant isolation -----------------------------------------------------------------------
equal "another tenant's run is 404" "$(api "$GLOBEX" GET "/v1/runs/$RUN")" 404
equal "another tenant lists none of it" "$(api "$GLOBEX" GET /v1/runs >/dev/null; jq '.runs | length' body.json)" 0
equal "another tenant cannot download it (404)" "$(api "$GLOBEX" GET "/v1/runs/$RUN/files/$name")" 404
equal "another tenant sees no profiles" "$(api "$GLOBEX" GET /v1/profiles >/dev/null; jq '.profiles | length' body.json)" 0
equal "another tenant cannot cancel it (404)" "$(api "$GLOBEX" POST "/v1/runs/$RUN/cancel")" 404
# The registry API with the same tokens (--auth service): a tenant's repositories are its own.
equal "skopeo pulls the export with a reader token" \
  "sha256:$(skopeo inspect --raw --tls-verify=false --creds "x:$READER" "docker://$SERVE_svc/acme/exports/daily@$DIGEST" 2>&1 | sha256sum | cut -d' ' -f1)" "$DIGEST"
equal "another tenant's token gets 404 for it" "$(curl -s -o /dev/null -w '%{http_code}' -u "x:$GLOBEX" "$API/v2/acme/exports/daily/manifests/$DIGEST")" 404
equal "no token gets 401" "$(curl -s -o /dev/null -w '%{http_code}' "$API/v2/acme/exports/daily/manifests/$DIGEST")" 401
equal "the catalog lists only the tenant's repositories" "$(curl -s -u "x:$GLOBEX" "$API/v2/_catalog" | jq -r '[.repositories[] | select(startswith("globex/") | not)] | length')" 0
equal "and the reader sees acme's" "$(curl -s -u "x:$READER" "$API/v2/_catalog" | jq -r '.repositories | index("acme/exports/daily") != null')" true
expect_fail "a reader token cannot push" "may not push" "$EC" --plain-http --username x --password-stdin push "$SERVE_svc/acme/scratch:1" daily.yaml <<<"$READER"
equal "the audit log has the tenant's actions" "$(api "$ADMIN" GET /v1/audit >/dev/null; jq -r '[.entries[].action] | unique | join(",")' body.json)" \
  "access.denied,profile.publish,run.cancel,run.create,run.download,token.create,token.revoke"

# --- retention: {keep: 1} ------------------------------------------------------------------
printf 'apiVersion: export-center/v1\nkind: ExportProfile\nmetadata: {name: kept, tenant: acme}\nspec:\n  kind: json:raw\n  retention: {keep: 1}\n  distribution: [{type: download}]\n' > kept.yaml
equal "a profile keeping one run" "$(api "$MANAGER" POST /v1/profiles --data-binary @kept.yaml)" 201
outA=$("$EC" run create kept --wait --server "$API" --token "$RUNNER" -o json 2>&1)
RUN_A=$(jq -r .id <<<"$outA"); DIGEST_A=$(jq -r .result.artifact.digest <<<"$outA")
mkdir in2 && cp "$DATA/golang-vulndb/data/osv/GO-2020-0001.json" in2/ && "$EC" ingest in2 --tenant acme >/dev/null 2>&1
outB=$("$EC" run create kept --wait --server "$API" --token "$RUNNER" -o json 2>&1)
RUN_B=$(jq -r .id <<<"$outB"); DIGEST_B=$(jq -r .result.artifact.digest <<<"$outB")
[ "$DIGEST_A" != "$DIGEST_B" ] && pass "new evidence gives a new artifact" || fail "new evidence gives a new artifact" "$DIGEST_A"
equal "the older run's files are gone (410)" "$(api "$DOWNLOADER" GET "/v1/runs/$RUN_A/files"; echo " $(jq -r .error.code body.json)")" "410 EXPIRED"
equal "the newest run's files are there" "$(api "$DOWNLOADER" GET "/v1/runs/$RUN_B/files")" 200
equal "the older run's manifest is deleted from the registry" \
  "$(curl -s -o /dev/null -w '%{http_code}' -u "x:$READER" "$API/v2/acme/exports/kept/manifests/$DIGEST_A")" 404
outC=$("$EC" run create kept --wait --server "$API" --token "$RUNNER" -o json 2>&1)
equal "a re-run over the same evidence has the same digest" "$(jq -r .result.artifact.digest <<<"$outC")" "$DIGEST_B"
equal "so the expired run's manifest, shared with the kept one, stays" \
  "$(curl -s -o /dev/null -w '%{http_code}' -u "x:$READER" "$API/v2/acme/exports/kept/manifests/$DIGEST_B")" 200
equal "but that run is expired too (410)" "$(api "$DOWNLOADER" GET "/v1/runs/$RUN_B/files")" 410
equal "each expiry is audited" "$(api "$ADMIN" GET /v1/audit >/dev/null; jq '[.entries[] | select(.action == "run.expire")] | length' body.json)" 2
shard_a=$(jq -r '.result.files[] | select(.name == "manifest.json") | .digest' <<<"$outA")  # only run A has it
"$EC" --store "$STORE" gc --grace 0s >/dev/null 2>&1
[ ! -e "$STORE/blobs/sha256/${shard_a#sha256:}" ] && pass "gc reclaims the expired run's own blobs" || fail "gc reclaims the expired run's own blobs" "$shard_a"

# --- registry distribution, SIGKILL mid-run, resume ------------------------------------------
write_trivy_profile slow.yaml "$REGISTRY_dst/mirror/trivy-db:2"
equal "a trivy:db profile with registry distribution" "$(api "$MANAGER" POST /v1/profiles --data-binary @slow.yaml)" 201
out=$("$EC" run create trivy-nightly --wait --timeout 5m --server "$API" --token "$RUNNER" -o json 2>&1)
equal "the trivy:db run succeeds" "$(jq -r .status <<<"$out" 2>/dev/null)" succeeded
TDIGEST=$(jq -r .result.artifact.digest <<<"$out")
equal "skopeo reads the distributed manifest by its digest" \
  "sha256:$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY_dst/mirror/trivy-db:2" 2>&1 | sha256sum | cut -d' ' -f1)" "$TDIGEST"

# mirror:full of that repository, then mirror:delta whose base is the full run (by its id).
cat > mfull.yaml <<YAML
apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: mirror-full, tenant: acme}
spec:
  kind: mirror:full
  mirror: {spec: {metadata: {name: trivy}, repositories: [{source: "$REGISTRY_dst/mirror/trivy-db", tags: ["2"]}]}}
  distribution: [{type: download}]
YAML
equal "a mirror:full profile" "$(api "$MANAGER" POST /v1/profiles --data-binary @mfull.yaml)" 201
out=$("$EC" run create mirror-full --wait --server "$API" --token "$RUNNER" -o json 2>&1)
equal "the mirror:full run succeeds" "$(jq -r .status <<<"$out" 2>/dev/null)" succeeded
FULL_RUN=$(jq -r .id <<<"$out")
sed -e 's/name: mirror-full/name: mirror-delta/' -e 's/kind: mirror:full/kind: mirror:delta/' \
  -e "s|  mirror: {spec: \(.*\)}|  mirror: {base: $FULL_RUN, spec: \1}|" mfull.yaml > mdelta.yaml
equal "a mirror:delta profile based on that run" "$(api "$MANAGER" POST /v1/profiles --data-binary @mdelta.yaml)" 201
out=$("$EC" run create mirror-delta --wait --server "$API" --token "$RUNNER" -o json 2>&1)
equal "the mirror:delta run succeeds" "$(jq -r .status <<<"$out" 2>/dev/null)" succeeded
"$EC" run download "$FULL_RUN" -d mfull --server "$API" --token "$DOWNLOADER" >/dev/null 2>&1
"$EC" run download "$(jq -r .id <<<"$out")" -d mdelta --server "$API" --token "$DOWNLOADER" >/dev/null 2>&1
full_json=$(tar --zstd -xOf mfull/mirror-full.tar.zst mirror.json 2>/dev/null | sha256sum | cut -d' ' -f1)
equal "the delta names the full run's bundle as its base" \
  "$(tar --zstd -xOf mdelta/mirror-delta.tar.zst mirror.json 2>/dev/null | jq -r .base.manifestDigest)" "sha256:$full_json"

api "$RUNNER" POST /v1/runs -d '{"profile":"trivy-nightly"}' >/dev/null
KRUN=$(jq -r .id body.json)
for _ in $(seq 200); do
  [ "$(api "$READER" GET "/v1/runs/$KRUN" >/dev/null; jq -r .status body.json)" = running ] && break
  sleep 0.05
done
sleep 0.3
kill -9 "$SERVE_svc_PID"
sleep 0.5
equal "the killed serve left no export running" "$(pgrep -f "store:acme/exports/trivy-nightly:$KRUN" | wc -l)" 0
start_serve svc --auth service --workers 2 --keys "$WORK/keys" --run-lease 3s --plain-http
API=http://$SERVE_svc
out=$("$EC" run wait "$KRUN" --timeout 5m --server "$API" --token "$RUNNER" -o json 2>&1)
equal "after a restart the run is resumed and succeeds" "$(jq -r .status <<<"$out" 2>/dev/null)" succeeded
equal "on its second attempt" "$(jq -r .attempt <<<"$out" 2>/dev/null)" 2
equal "with the identical artifact" "$(jq -r .result.artifact.digest <<<"$out" 2>/dev/null)" "$TDIGEST"
curl -sN -H "Authorization: Bearer $READER" "$API/v1/runs/$KRUN/events" > kevents.txt
equal "each target was distributed once" "$(grep -c '^event: distributed' kevents.txt)" 2
equal "the lease expiry is in the run's events" "$(grep -c '^event: lease_expired' kevents.txt)" 1

# --- cancel ---------------------------------------------------------------------------------
api "$RUNNER" POST /v1/runs -d '{"profile":"trivy-nightly"}' >/dev/null
CRUN=$(jq -r .id body.json)
equal "cancel is accepted (202)" "$(api "$RUNNER" POST "/v1/runs/$CRUN/cancel")" 202
out=$("$EC" run wait "$CRUN" --timeout 2m --server "$API" --token "$RUNNER" -o json 2>/dev/null)
equal "the run ends canceled" "$(jq -r .status <<<"$out" 2>/dev/null)" canceled

# --- operations -------------------------------------------------------------------------------
equal "healthz" "$(curl -s "$API/healthz" | jq -r .status)" ok
equal "readyz" "$(curl -s "$API/readyz" | jq -r .status)" ready
curl -s "$API/metrics" > metrics.txt
grep -q '^export_runs_total{profile="trivy:db",tenant="acme",status="succeeded"} [1-9]' metrics.txt \
  && pass "metrics count runs by profile, tenant and status" || fail "metrics count runs by profile, tenant and status" "$(grep export_runs_total metrics.txt)"
grep -q '^export_run_duration_seconds_bucket{profile="trivy:db",le="+Inf"} [1-9]' metrics.txt \
  && pass "metrics have the run duration histogram" || fail "metrics have the run duration histogram" "$(grep duration metrics.txt | head -3)"
grep -q '^export_queue_depth ' metrics.txt && pass "metrics have the queue depth" || fail "metrics have the queue depth"
curl -s "$API/.well-known/openapi" > openapi.json
equal "the OpenAPI document is OpenAPI 3" "$(jq -r .openapi openapi.json | cut -c1-2)" "3."
for path in $(jq -r '.paths | keys[]' openapi.json); do
  for method in $(jq -r --arg p "$path" '.paths[$p] | keys[] | select(. == "get" or . == "post" or . == "delete")' openapi.json); do
    p=${path//\{id\}/$RUN}; p=${p//\{name\}/$name}
    code=$(curl -s -o route.json -w '%{http_code}' -X "${method^^}" -H "Authorization: Bearer $ADMIN" "$API$p")
    if [ "$code" = 405 ] || grep -q 'no such route' route.json; then fail "OpenAPI route ${method^^} $path is served" "got $code"; fi
  done
done
pass "every OpenAPI route is served (none 404/405)"
equal "the console is served" "$(curl -s "$API/" | grep -c '<script src="/console.js"')" 1

# The web console in headless Chromium (puppeteer-core): start a run of "daily", watch it to
# succeeded, see it verified, download a file and check its digest; a screenshot is kept.
if [ -d "$here/console/node_modules/puppeteer-core" ] && command -v chromium >/dev/null; then
  ARTEFACTS=${EC_TEST_ARTEFACTS:-$here/../build/test-artefacts}
  mkdir -p "$ARTEFACTS"
  node "$here/console/console.js" "$API" "$RUNNER_ALL" daily "$WORK/console" > console.out 2>&1; rc=$?
  while read -r line; do
    case $line in
      "ok - "*) pass "console: ${line#ok - }" ;;
      "not ok - "*) fail "console: ${line#not ok - }" ;;
    esac
  done < console.out
  [ $rc = 0 ] || fail "the console driver exits 0" "$(tail -5 console.out)"
  [ -s "$WORK/console/console.png" ] && cp "$WORK/console/console.png" "$ARTEFACTS/console.png" \
    && pass "a screenshot of the console is kept (build/test-artefacts/console.png)" || fail "a screenshot of the console is kept"
else
  fail "headless Chromium and puppeteer-core are installed (scripts/setup.sh --with-tests)"
fi

finish
