// OpenVEX (v0.0.1 and v0.2.x) into VEX records, one per statement × product, plus one per
// subcomponent named under a product.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// For each statement:
//   vulnerability  "vulnerability" as a string (v0.0.1) or its "name" (else "@id"); its
//                  "aliases" are the record's aliases;
//   products       each entry of "products" — a string or an object whose "@id" (or
//                  "identifiers.purl") names it — gives a record: purl when it is a purl,
//                  else package; each of its "subcomponents" (and v0.0.1's statement-level
//                  "subcomponents") gives a further record with the same status. A
//                  statement without products gives one record with no package;
//   vexStatus, justification as stated ("not_affected", "affected", "fixed",
//                  "under_investigation");
//   modified       the statement's last_updated or timestamp, else the document's;
//   summary        impact_statement, else action_statement, else status_notes.
// InvalidArgument when "statements" is not an array.
Result<NormalisedDocument> NormaliseOpenVex(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
