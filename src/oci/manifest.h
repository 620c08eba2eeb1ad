// Manifest: what Export Center reads out of a manifest or index (its successors, subject,
// artifactType, annotations, platforms). The exact bytes stay the stored and copied form;
// this view is never serialised back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "status.h"

namespace ec::oci {

struct Manifest {
  std::string media_type;              // from the content, else the descriptor
  bool is_index = false;
  std::string artifact_type;
  std::optional<Descriptor> config;    // image manifests
  std::vector<Descriptor> layers;      // image manifests
  std::vector<Descriptor> manifests;   // indexes
  std::optional<Descriptor> subject;
  Annotations annotations;

  // Parses `bytes`, whose descriptor says `media_type`. Errors name `where`.
  static Result<Manifest> Parse(std::string_view bytes, std::string_view media_type,
                                std::string_view where);

  // What the manifest references and a graph copy must carry along: config then layers, or
  // the index's manifests, in document order. The subject is not a successor: it points the
  // other way (a referrer is copied with its subject, not the subject with the referrer).
  std::vector<Descriptor> Successors() const;
};

// Serialises a new image manifest in the image-spec's field order. Used only for manifests
// Export Center creates; manifests it copies keep their own bytes.
std::string BuildImageManifest(const Descriptor& config, const std::vector<Descriptor>& layers,
                               std::string_view artifact_type, const Annotations& annotations,
                               const std::optional<Descriptor>& subject);

}  // namespace ec::oci
