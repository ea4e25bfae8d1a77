// SHA-256 and SM3 (GB/T 32905-2016) through OpenSSL's EVP interface, as lower-case hex: the
// digests that name the policy pack and the registry an outcome rests on (always SHA-256), and
// the ledger's chain hash (SHA-256 or SM3, chosen per ledger when it is created).
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX
struct evp_md_st;      // OpenSSL's EVP_MD

namespace firstset {

std::string sha256_hex(std::string_view bytes);
// SM3 (GB/T 32905-2016, 256 bits: 64 hex digits like SHA-256).
std::string sm3_hex(std::string_view bytes);

// The hash that chains a ledger's records (docs/ledger-format.md): named in its genesis record.
enum class HashAlgorithm : unsigned char { sha256, sm3 };
// "sha256" / "sm3": the names the configuration and the genesis record use.
std::string_view hash_name(HashAlgorithm algorithm);
// The algorithm of that name; nullopt for any other text.
std::optional<HashAlgorithm> hash_named(std::string_view name);
std::string digest_hex(HashAlgorithm algorithm, std::string_view bytes);

// Bytes as lower-case hex, and back (nullopt for anything but an even number of 0-9a-f).
std::string hex_encode(std::string_view bytes);

// `bytes` bytes from OpenSSL's random generator, as lower-case hex; throws StatusError INTERNAL
// if the generator fails. (Not std::random_device: its libstdc++ needs a newer glibc than the
// library otherwise does, docs/bindings.md.)
std::string random_hex(std::size_t bytes);
// A random 64-bit number, for seeding (same generator).
std::uint64_t random_u64();
std::optional<std::string> hex_decode(std::string_view hex);

// A digest context (SHA-256 or SM3) reused across many digests: the algorithm is fetched from
// OpenSSL's provider once, not at every digest, and out's buffer is reused. (OpenSSL 3.0 still
// makes its provider context anew at each EVP_DigestInit_ex: one small allocation inside
// OpenSSL per digest, which no public 3.0 interface avoids.) Not thread-safe.
class Hasher {
public:
    explicit Hasher(HashAlgorithm algorithm = HashAlgorithm::sha256);
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    // Switches to another algorithm (a verifier learns it from the genesis record).
    void use(HashAlgorithm algorithm);
    HashAlgorithm algorithm() const { return algorithm_; }
    // The hex digest of bytes, into out (64 characters).
    void hex(std::string_view bytes, std::string& out);

private:
    ::evp_md_ctx_st* ctx_;
    ::evp_md_st* md_ = nullptr;
    HashAlgorithm algorithm_ = HashAlgorithm::sha256;
};

}  // namespace firstset
