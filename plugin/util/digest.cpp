#include "util/digest.hpp"

#include <openssl/evp.h>

#include <new>

#include "util/error.hpp"

namespace firstset {

namespace {
constexpr char hex_digits[] = "0123456789abcdef";
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw std::bad_alloc();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::hex(std::string_view bytes, std::string& out) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1 || EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx_, md, &len) != 1)
        throw Error(Status::internal, "DIGEST_FAILED", "OpenSSL could not compute a SHA-256 digest",
                    "OpenSSL 无法计算 SHA-256 摘要");
    out.resize(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = hex_digits[md[i] >> 4];
        out[2 * i + 1] = hex_digits[md[i] & 0xF];
    }
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error(Status::internal, "DIGEST_FAILED", "OpenSSL could not compute a SHA-256 digest",
                    "OpenSSL 无法计算 SHA-256 摘要");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 0xF]);
    }
    return out;
}

}  // namespace firstset
