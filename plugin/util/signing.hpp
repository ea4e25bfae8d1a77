// Ed25519 signatures (OpenSSL EVP) and the key and note formats of C2SP signed-note
// (https://c2sp.org/signed-note): the registry's detached signature and the ledger's signed
// checkpoints use them, so that keys made here work with Go's golang.org/x/mod/sumdb/note and
// the other signed-note tools.
//
//   verifier key:  <name>+<key id, 8 hex>+<base64(0x01 || 32-byte public key)>
//   signer key:    PRIVATE+KEY+<name>+<key id>+<base64(0x01 || 32-byte seed)>
//   key id:        the first 4 bytes of SHA-256(<name> || "\n" || 0x01 || public key)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

std::string base64_encode(std::string_view bytes);
// Standard base64 with padding; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

struct VerifierKey {
    std::string name;
    std::uint32_t id = 0;
    std::array<unsigned char, 32> public_key{};
    std::string text() const;  // the verifier key string
};

struct SignerKey {
    std::string name;
    std::uint32_t id = 0;
    std::array<unsigned char, 32> seed{};
    std::array<unsigned char, 32> public_key{};
    std::string text() const;  // the PRIVATE+KEY string
    VerifierKey verifier() const { return {name, id, public_key}; }
};

// Parses a key string; nullopt with `why` set when it is not one.
std::optional<VerifierKey> parse_verifier_key(std::string_view text, std::string& why);
std::optional<SignerKey> parse_signer_key(std::string_view text, std::string& why);

// The signer key a key file holds (keygen writes one key and a newline); nullopt with `why` set
// when the file cannot be read or holds no key.
std::optional<SignerKey> read_signer_key_file(const std::string& path, std::string& why);

// A new key from the operating system's random source (OpenSSL RAND). Throws
// std::runtime_error when OpenSSL fails.
SignerKey generate_signer_key(std::string_view name);

// Ed25519 over message. Throws std::runtime_error when OpenSSL fails.
std::array<unsigned char, 64> ed25519_sign(const SignerKey& key, std::string_view message);
bool ed25519_verify(const std::array<unsigned char, 32>& public_key, std::string_view message,
                    std::string_view signature);

std::uint32_t key_id(std::string_view name, const std::array<unsigned char, 32>& public_key);

// A key name: non-empty, no whitespace and no '+' (signed-note).
bool valid_key_name(std::string_view name);

}  // namespace firstset
