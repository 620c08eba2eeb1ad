// key generate: a signing key pair for exports (PKCS#8 private key, SPKI public key, PEM).
#include <sys/stat.h>

#include <iostream>

#include "cli.h"
#include "commands.h"
#include "oci/io.h"
#include "sign/keys.h"

namespace ec::cli {
namespace {

struct KeyArgs {
  std::string type = "ecdsa-p256";
  std::string out = "export-center";
  bool force = false;
  Format format = Format::kText;
};

Result<json::Json> Generate(const KeyArgs& args) {
  sign::KeyType type;
  if (args.type == "ecdsa-p256") {
    type = sign::KeyType::kEcdsaP256;
  } else if (args.type == "ed25519") {
    type = sign::KeyType::kEd25519;
  } else {
    return InvalidArgument(StrCat("--type \"", args.type, "\": want ecdsa-p256 or ed25519"));
  }
  const std::filesystem::path priv = args.out + ".key";
  const std::filesystem::path pub = args.out + ".pub";
  std::error_code ec;
  if (!args.force && (std::filesystem::exists(priv, ec) || std::filesystem::exists(pub, ec))) {
    return AlreadyExists(StrCat(priv.string(), " or ", pub.string(), " exists; pass --force to replace it"));
  }
  EC_ASSIGN_OR_RETURN(sign::PrivateKey key, sign::GeneratePrivateKey(type));
  // The private key is created 0600 before any byte is written.
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(priv));
  if (::fchmod(file.fd(), 0600) != 0) return Unavailable(StrCat("chmod ", priv.string()));
  EC_RETURN_IF_ERROR(file.Write(key.ToPem()));
  EC_RETURN_IF_ERROR(file.Commit());
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(pub, key.public_key().ToPem()));
  return json::Json{{"type", args.type}, {"privateKey", priv.string()}, {"publicKey", pub.string()},
                    {"keyHint", key.public_key().Hint()}};
}

}  // namespace

void AddKeyCommand(CLI::App& app, int* exit_code) {
  CLI::App* key = app.add_subcommand("key", "Manage signing keys");
  key->require_subcommand(1);
  auto args = std::make_shared<KeyArgs>();
  CLI::App* gen = key->add_subcommand(
      "generate",
      "Generate a signing key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (PEM). "
      "ECDSA P-256 is what cosign verifies with --key; Ed25519 is smaller and also works with "
      "export-center verify and @sigstore/verify");
  gen->add_option("--type", args->type, "ecdsa-p256 (default) or ed25519");
  gen->add_option("--out", args->out, "file name prefix (default: export-center)");
  gen->add_flag("--force", args->force, "replace existing files");
  AddFormatOption(gen, &args->format);
  gen->callback([args, exit_code] {
    auto r = Generate(*args);
    if (!r.ok()) {
      *exit_code = Fail(r.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*r);
    } else {
      std::cout << "private key: " << (*r)["privateKey"].get<std::string>() << "\npublic key:  "
                << (*r)["publicKey"].get<std::string>() << "\nkey hint:    " << (*r)["keyHint"].get<std::string>() << "\n";
    }
  });
}

}  // namespace ec::cli
