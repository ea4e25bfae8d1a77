// Signatures (OpenSSL EVP) and the key and note formats of C2SP signed-note
// (https://c2sp.org/signed-note): the registry's detached signature and the ledger's signed
// checkpoints use them, so that Ed25519 keys made here work with Go's golang.org/x/mod/sumdb/note
// and the other signed-note tools. Two key types:
//
//   Ed25519 (RFC 8032), signature type 0x01 of signed-note:
//     verifier key:  <name>+<key id, 8 hex>+<base64(0x01 || 32-byte public key)>
//     signer key:    PRIVATE+KEY+<name>+<key id>+<base64(0x01 || 32-byte seed)>
//     signature:     64 bytes
//   SM2 (GB/T 32918-2016, as GM/T 0095-2020 e-tendering systems use), with SM3 as its digest
//   and the default distinguishing ID "1234567812345678" of GM/T 0009-2012, set explicitly:
//     type:          the 12 bytes 0xff || "gmt0009-sm2" (signed-note assigns no byte to SM2 and
//                    reserves 0xff, followed by a longer identifier, for such types)
//     verifier key:  <name>+<key id>+<base64(type || 65-byte uncompressed point 0x04 || x || y)>
//     signer key:    PRIVATE+KEY+<name>+<key id>+<base64(type || 32-byte private scalar)>
//     signature:     DER SEQUENCE { r, s } (GM/T 0009), at most 72 bytes
//   key id:          the first 4 bytes of SHA-256(<name> || "\n" || type || public key)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

std::string base64_encode(std::string_view bytes);
// Standard base64 with padding; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

enum class KeyAlgorithm : unsigned char { ed25519, sm2 };

// "ed25519" / "sm2" (keygen's --algorithm); "Ed25519" / "SM2" for messages.
std::string_view algorithm_name(KeyAlgorithm algorithm);
std::optional<KeyAlgorithm> algorithm_named(std::string_view name);
std::string_view algorithm_title(KeyAlgorithm algorithm);

// The signed-note signature type identifier of a key type: "\x01" (Ed25519) or
// "\xff" "gmt0009-sm2" (SM2).
std::string_view key_type_identifier(KeyAlgorithm algorithm);

// The distinguishing ID every SM2 signature here uses (GM/T 0009-2012's default).
inline constexpr std::string_view sm2_default_id = "1234567812345678";

struct VerifierKey {
    std::string name;
    std::uint32_t id = 0;
    KeyAlgorithm algorithm = KeyAlgorithm::ed25519;
    std::string public_key;  // 32 bytes (Ed25519) or 65 (SM2, uncompressed point)
    std::string text() const;  // the verifier key string
};

struct SignerKey {
    std::string name;
    std::uint32_t id = 0;
    KeyAlgorithm algorithm = KeyAlgorithm::ed25519;
    std::string private_key;  // 32 bytes: the Ed25519 seed or the SM2 scalar
    std::string public_key;
    std::string text() const;  // the PRIVATE+KEY string
    VerifierKey verifier() const { return {name, id, algorithm, public_key}; }
};

// Parses a key string; nullopt with `why` set when it is not one.
std::optional<VerifierKey> parse_verifier_key(std::string_view text, std::string& why);
std::optional<SignerKey> parse_signer_key(std::string_view text, std::string& why);

// The signer key a key file holds (keygen writes one key and a newline); nullopt with `why` set
// when the file cannot be read or holds no key.
std::optional<SignerKey> read_signer_key_file(const std::string& path, std::string& why);

// A new key from the operating system's random source (OpenSSL RAND). Throws
// std::runtime_error when OpenSSL fails.
SignerKey generate_signer_key(std::string_view name, KeyAlgorithm algorithm = KeyAlgorithm::ed25519);

// The key's signature over message (64 bytes for Ed25519, DER for SM2). Throws
// std::runtime_error when OpenSSL fails.
std::string sign_message(const SignerKey& key, std::string_view message);
// Whether signature is the key's valid signature over message (false for anything malformed).
bool verify_message(const VerifierKey& key, std::string_view message, std::string_view signature);

// The algorithms themselves. ed25519_sign requires an Ed25519 key.
std::string ed25519_sign(const SignerKey& key, std::string_view message);
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);
// SM2 with SM3 and the distinguishing ID `id` (tests sign with another ID to see it refused).
std::string sm2_sign(std::string_view private_key, std::string_view message, std::string_view id = sm2_default_id);
bool sm2_verify(std::string_view public_key, std::string_view message, std::string_view signature,
                std::string_view id = sm2_default_id);

std::uint32_t key_id(std::string_view name, KeyAlgorithm algorithm, std::string_view public_key);

// A key name: non-empty, no whitespace and no '+' (signed-note).
bool valid_key_name(std::string_view name);

}  // namespace firstset
