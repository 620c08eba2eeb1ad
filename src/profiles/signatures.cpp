#include "profiles/signatures.h"

#include "json/canonical.h"
#include "oci/base64.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "sign/dsse.h"
#include "sign/sigstore_bundle.h"
#include "sign/simple_signing.h"

namespace ec::profiles {
namespace {

Result<oci::Descriptor> PushManifest(oci::Target& dst, const std::string& bytes, std::string_view artifact_type) {
  oci::Descriptor d = oci::DescriptorOf(oci::kOciManifest, bytes);
  d.artifact_type = std::string(artifact_type);
  EC_RETURN_IF_ERROR(oci::PushBytes(dst, d, bytes));
  return d;
}

Result<oci::Descriptor> PushBundleReferrer(oci::Target& dst, const oci::Descriptor& subject,
                                           const sign::PrivateKey& key, const sign::Provenance& provenance,
                                           std::string_view created) {
  EC_ASSIGN_OR_RETURN(std::string payload, sign::ProvenancePayload(provenance));
  EC_ASSIGN_OR_RETURN(sign::Envelope envelope, sign::SignEnvelope(sign::kInTotoPayloadType, std::move(payload), key));
  EC_ASSIGN_OR_RETURN(std::string bundle, sign::BundleJson(envelope, key.public_key()));
  oci::Descriptor layer = oci::DescriptorOf(sign::kBundleLayerMediaType, bundle);
  EC_RETURN_IF_ERROR(oci::PushBytes(dst, layer, bundle));
  const oci::Descriptor config = oci::EmptyDescriptor();
  EC_RETURN_IF_ERROR(oci::PushBytes(dst, config, oci::kEmptyJson));
  oci::Annotations annotations = {
      {std::string(sign::kBundleContentAnnotation), std::string(sign::kBundleContentDsse)},
      {std::string(sign::kBundlePredicateTypeAnnotation), std::string(sign::kSlsaProvenanceV1)},
      {std::string(oci::kAnnotationCreated), std::string(created)},
  };
  std::string manifest = oci::BuildImageManifest(config, {layer}, sign::kBundleArtifactType, annotations, subject);
  return PushManifest(dst, manifest, sign::kBundleArtifactType);
}

Result<oci::Descriptor> PushCosignSignature(oci::Target& dst, const oci::Descriptor& subject,
                                            const sign::PrivateKey& key, std::string_view docker_reference) {
  const std::string payload = sign::SimpleSigningPayload(docker_reference, subject.digest);
  EC_ASSIGN_OR_RETURN(std::string sig, key.Sign(payload));
  oci::Descriptor layer = oci::DescriptorOf(sign::kSimpleSigningMediaType, payload);
  layer.annotations[std::string(sign::kCosignSignatureAnnotation)] = oci::EncodeBase64(sig);
  EC_RETURN_IF_ERROR(oci::PushBytes(dst, layer, payload));
  // cosign starts from an empty image and appends the layer: a config with one diff id.
  const std::string config_bytes = json::Canonical(
      {{"architecture", ""}, {"os", ""}, {"config", json::Json::object()},
       {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.digest.str()}}}}});
  oci::Descriptor config = oci::DescriptorOf(oci::kOciConfig, config_bytes);
  EC_RETURN_IF_ERROR(oci::PushBytes(dst, config, config_bytes));
  std::string manifest = oci::BuildImageManifest(config, {layer}, "", {}, std::nullopt);
  return PushManifest(dst, manifest, "");
}

}  // namespace

Result<SignatureAttachments> AttachSignatures(oci::Target& dst, const oci::Descriptor& subject,
                                              const sign::PrivateKey& key,
                                              const sign::Provenance& provenance,
                                              std::string_view docker_reference, std::string_view created) {
  SignatureAttachments out;
  out.key_hint = key.public_key().Hint();
  EC_ASSIGN_OR_RETURN(out.bundle_manifest, PushBundleReferrer(dst, subject, key, provenance, created));
  EC_ASSIGN_OR_RETURN(out.cosign_manifest, PushCosignSignature(dst, subject, key, docker_reference));
  out.cosign_tag = sign::CosignSignatureTag(subject.digest);
  EC_RETURN_IF_ERROR(dst.Tag(out.cosign_manifest, out.cosign_tag));
  return out;
}

}  // namespace ec::profiles
