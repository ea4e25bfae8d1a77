// keygen and sign: Ed25519 or SM2 keys in the C2SP signed-note format for signed checkpoints and
// registry signatures. Built from the core's signing code (OpenSSL), outside the plugin.
#pragma once

#include <string>

#include "util/signing.hpp"

namespace tool {

// Writes PREFIX.key (the signer key, mode 0600, refusing to overwrite) and PREFIX.pub (the
// verifier key); returns the verifier key. Throws std::runtime_error.
std::string keygen(const std::string& name, const std::string& prefix,
                   firstset::KeyAlgorithm algorithm = firstset::KeyAlgorithm::ed25519);

// Signs the file's bytes with the signer key in key_file; writes DOCUMENT.sig (base64 of the
// signature: 64 bytes for Ed25519, DER for SM2; the form registry.public_key checks); returns the signature file's path.
std::string sign_file(const std::string& key_file, const std::string& document);

}  // namespace tool
