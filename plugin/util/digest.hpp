// SHA-256 through OpenSSL's EVP interface, as lower-case hex: the digests that name the policy
// pack and the registry an outcome rests on, and (later) bind ledger records together.
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace firstset {

std::string sha256_hex(std::string_view bytes);

// Bytes as lower-case hex, and back (nullopt for anything but an even number of 0-9a-f).
std::string hex_encode(std::string_view bytes);

// `bytes` bytes from OpenSSL's random generator, as lower-case hex; throws StatusError INTERNAL
// if the generator fails. (Not std::random_device: its libstdc++ needs a newer glibc than the
// library otherwise does, docs/bindings.md.)
std::string random_hex(std::size_t bytes);
// A random 64-bit number, for seeding (same generator).
std::uint64_t random_u64();
std::optional<std::string> hex_decode(std::string_view hex);

// A SHA-256 context reused across many digests (no allocation per digest). Not thread-safe.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    // The hex digest of bytes, into out (64 characters).
    void hex(std::string_view bytes, std::string& out);

private:
    ::evp_md_ctx_st* ctx_;
};

}  // namespace firstset
