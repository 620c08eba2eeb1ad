#include "trivy/sources/staging.h"

#include "trivy/sources/vulnerability_value.h"

namespace ec::trivy {

void Staging::PutDataSource(const std::string& platform, const DataSource& source) {
  data_sources_[platform] = EncodeDataSource(source);
}

void Staging::PutAdvisory(const std::string& vuln_id, const std::string& platform,
                          const std::string& package, const Advisory& advisory,
                          const Origin& origin) {
  std::string bytes = EncodeAdvisory(advisory);
  Rank rank{origin.modified, origin.document_id, bytes};
  PutRankedAdvisory(vuln_id, {platform, package}, std::move(rank), std::move(bytes));
}

void Staging::PutDetail(const std::string& vuln_id, const std::string& source_id,
                        const VulnerabilityDetail& detail, const Origin& origin) {
  PutRankedDetail(vuln_id, source_id, Rank{origin.modified, origin.document_id, EncodeDetail(detail)},
                  detail);
}

void Staging::PutRankedAdvisory(const std::string& vuln_id,
                                const std::pair<std::string, std::string>& key, Rank rank,
                                std::string bytes) {
  auto& slot = advisories_[vuln_id];
  auto it = slot.find(key);
  if (it == slot.end()) {
    slot.emplace(key, StagedAdvisory{std::move(rank), std::move(bytes)});
  } else if (it->second.rank < rank) {
    it->second = StagedAdvisory{std::move(rank), std::move(bytes)};
  }
}

void Staging::PutRankedDetail(const std::string& vuln_id, const std::string& source_id, Rank rank,
                              const VulnerabilityDetail& detail) {
  auto& slot = details_[vuln_id];
  auto it = slot.find(source_id);
  if (it == slot.end()) {
    slot.emplace(source_id, StagedDetail{std::move(rank), detail});
  } else if (it->second.rank < rank) {
    it->second = StagedDetail{std::move(rank), detail};
  }
}

void Staging::MergeFrom(const Staging& other) {
  for (const auto& [vuln_id, by_location] : other.advisories_) {
    for (const auto& [key, staged] : by_location) {
      PutRankedAdvisory(vuln_id, key, staged.rank, staged.bytes);
    }
  }
  for (const auto& [vuln_id, by_source] : other.details_) {
    for (const auto& [source, staged] : by_source) {
      PutRankedDetail(vuln_id, source, staged.rank, staged.detail);
    }
  }
  for (const auto& [platform, bytes] : other.data_sources_) data_sources_[platform] = bytes;
}

int Staging::WriteTo(BucketTree& db) const {
  int written = 0;
  BucketTree& vulnerability = db.Bucket("vulnerability");
  for (const auto& [vuln_id, by_location] : advisories_) {
    DetailsBySource details;
    auto found = details_.find(vuln_id);
    if (found != details_.end()) {
      for (const auto& [source, staged] : found->second) details.emplace(source, staged.detail);
    }
    if (IsRejected(details)) continue;
    for (const auto& [location, staged] : by_location) {
      db.Bucket(location.first).Bucket(location.second).values[vuln_id] = staged.bytes;
      ++written;
    }
    if (!details.empty()) vulnerability.values[vuln_id] = NormalizeVulnerability(vuln_id, details);
  }
  if (!data_sources_.empty()) {
    BucketTree& data_source = db.Bucket("data-source");
    for (const auto& [platform, bytes] : data_sources_) data_source.values[platform] = bytes;
  }
  return written;
}

}  // namespace ec::trivy
