#include "util/digest.hpp"

#include <openssl/evp.h>

#include "util/error.hpp"

namespace firstset {

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
