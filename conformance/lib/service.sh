# Helpers for the export service suites. Needs DATA (the shared data directory) set.

# write_trivy_profile FILE REF: a trivy:db profile "trivy-nightly" of tenant acme over three
# advisory databases (a run takes a few seconds: long enough to be killed mid-run), pushed to
# the registry reference REF and kept for download.
write_trivy_profile() {
  cat > "$1" <<YAML
apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: trivy-nightly, tenant: acme}
spec:
  kind: trivy:db
  trivy: {sources: ["$DATA/pypa-advisory-database", "$DATA/golang-vulndb", "$DATA/bitnami-vulndb"]}
  distribution: [{type: registry, ref: "$2"}, {type: download}]
YAML
}
