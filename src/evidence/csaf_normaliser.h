// CSAF 2.0 / 2.1 documents (csaf_security_advisory, csaf_vex and other categories) into
// records, one per (vulnerability, product) in each vulnerability's product_status.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// The product tree is resolved first: product ids from branches (any depth), full_product_names
// and relationships (e.g. Red Hat's "default_component_of", whose purl is the component's
// unless the relationship gives its own), each to a name, a purl (helper "purl", or the first
// of 2.1's "purls") and a version (the purl's, else the nearest enclosing product_version /
// service_pack branch name, unless that name is the product's own name, as Red Hat writes
// them). Then for each vulnerability:
//   vulnerability  "cve", else the first "ids[].text"; the other ids are aliases;
//   vexStatus      known_not_affected → not_affected; fixed, first_fixed → fixed;
//                  known_affected, first_affected, last_affected → affected;
//                  under_investigation → under_investigation ("recommended" is not a status).
//                  Advisories (kind "advisory") carry it too: CSAF states it the same way.
//   justification the label of a flag naming the product (directly or through a group);
//   severity       per product: cvss_v3 baseSeverity / vector / baseScore, cvss_v4 baseSeverity /
//                  baseScore, cvss_v2 baseScore (2.0 "scores", 2.1 "metrics"), else an
//                  "impact" threat whose details is a severity word (Red Hat's "Important"),
//                  else the document's aggregate_severity;
//   fixed          for fixed products, the product's own version when known. CSAF states fixes
//                  per product, not as version numbers, so affected products get none;
//   modified       document.tracking.current_release_date;
//   summary        the vulnerability title, else its summary / description note.
// A product id missing from the tree is kept as the record's package.
Result<NormalisedDocument> NormaliseCsaf(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
