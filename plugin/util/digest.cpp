#include "util/digest.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <new>

#include "util/error.hpp"

namespace firstset {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void hex_into(const unsigned char* bytes, std::size_t n, char* out) {
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = hex_digits[bytes[i] & 0xF];
    }
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
    std::string out(bytes.size() * 2, '\0');
    hex_into(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
    return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    if (hex.size() % 2) return std::nullopt;
    std::string out(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = value(hex[2 * i]), lo = value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

namespace {

[[noreturn]] void digest_failed(HashAlgorithm algorithm) {
    const std::string name = algorithm == HashAlgorithm::sm3 ? "SM3" : "SHA-256";
    throw StatusError(Status::internal, "DIGEST_FAILED", "OpenSSL could not compute a " + name + " digest",
                      "OpenSSL 无法计算 " + name + " 摘要");
}

const char* openssl_name(HashAlgorithm algorithm) { return algorithm == HashAlgorithm::sm3 ? "SM3" : "SHA256"; }

}  // namespace

std::string_view hash_name(HashAlgorithm algorithm) { return algorithm == HashAlgorithm::sm3 ? "sm3" : "sha256"; }

std::optional<HashAlgorithm> hash_named(std::string_view name) {
    if (name == "sha256") return HashAlgorithm::sha256;
    if (name == "sm3") return HashAlgorithm::sm3;
    return std::nullopt;
}

Hasher::Hasher(HashAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw std::bad_alloc();
    try {
        use(algorithm);
    } catch (...) {
        EVP_MD_CTX_free(ctx_);
        throw;
    }
}

Hasher::~Hasher() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
}

void Hasher::use(HashAlgorithm algorithm) {
    if (md_ && algorithm == algorithm_) return;
    EVP_MD* md = EVP_MD_fetch(nullptr, openssl_name(algorithm), nullptr);
    if (!md) digest_failed(algorithm);
    EVP_MD_free(md_);
    md_ = md;
    algorithm_ = algorithm;
}

void Hasher::hex(std::string_view bytes, std::string& out) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx_, md, &len) != 1)
        digest_failed(algorithm_);
    out.resize(len * 2);
    hex_into(md, len, out.data());
}

std::string digest_hex(HashAlgorithm algorithm, std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, algorithm == HashAlgorithm::sm3 ? EVP_sm3() : EVP_sha256(),
                   nullptr) != 1)
        digest_failed(algorithm);
    std::string out(len * 2, '\0');
    hex_into(md, len, out.data());
    return out;
}

std::string sha256_hex(std::string_view bytes) { return digest_hex(HashAlgorithm::sha256, bytes); }

std::string sm3_hex(std::string_view bytes) { return digest_hex(HashAlgorithm::sm3, bytes); }

namespace {
void random_fill(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1)
        throw StatusError(Status::internal, "RANDOM_FAILED", "the random generator (OpenSSL RAND_bytes) failed",
                          "随机数生成器（OpenSSL RAND_bytes）失败");
}
}  // namespace

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    random_fill(reinterpret_cast<unsigned char*>(raw.data()), raw.size());
    return hex_encode(raw);
}

std::uint64_t random_u64() {
    unsigned char b[8];
    random_fill(b, sizeof b);
    std::uint64_t v = 0;
    for (unsigned char c : b) v = (v << 8) | c;
    return v;
}

}  // namespace firstset
