#include "util/signing.hpp"

#include "util/file_io.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <stdexcept>

namespace firstset {
namespace {

// std::runtime_error, not StatusError: this file is also built into firstset-ledger (keygen, sign),
// which must not see the core's StatusError type. The C ABI's guard reports it as INTERNAL.
[[noreturn]] void openssl_failed(const char* what) { throw std::runtime_error(std::string("OpenSSL failed: ") + what); }

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

char hex_digit(unsigned v) { return "0123456789abcdef"[v & 15]; }

std::string hex8(std::uint32_t v) {
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = hex_digit(v);
    return s;
}

std::optional<std::uint32_t> parse_hex8(std::string_view s) {
    if (s.size() != 8) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
        else return std::nullopt;
    }
    return v;
}

std::string key_material(const std::array<unsigned char, 32>& key) {
    std::string raw(1, '\x01');
    raw.append(reinterpret_cast<const char*>(key.data()), key.size());
    return base64_encode(raw);
}

// name, id and the 32 key bytes of "<name>+<id>+<base64(0x01 || key)>".
bool split_key(std::string_view text, std::string& name, std::uint32_t& id, std::array<unsigned char, 32>& key,
               std::string& why) {
    const auto p1 = text.find('+');
    const auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
    if (p2 == std::string_view::npos) {  // the base64 after the second '+' may hold '+' itself
        why = "expected <name>+<key id>+<key>";
        return false;
    }
    name = std::string(text.substr(0, p1));
    if (!valid_key_name(name)) {
        why = "the key name is empty or has spaces";
        return false;
    }
    const auto parsed_id = parse_hex8(text.substr(p1 + 1, p2 - p1 - 1));
    if (!parsed_id) {
        why = "the key id is not 8 lower-case hex digits";
        return false;
    }
    id = *parsed_id;
    const auto raw = base64_decode(text.substr(p2 + 1));
    if (!raw || raw->size() != 33 || (*raw)[0] != '\x01') {
        why = "the key is not base64 of an Ed25519 key (algorithm byte 0x01 and 32 bytes)";
        return false;
    }
    std::copy(raw->begin() + 1, raw->end(), key.begin());
    return true;
}

std::array<unsigned char, 32> public_of(const std::array<unsigned char, 32>& seed) {
    Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!pkey) openssl_failed("EVP_PKEY_new_raw_private_key");
    std::array<unsigned char, 32> pub{};
    std::size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(pkey.get(), pub.data(), &len) != 1 || len != pub.size())
        openssl_failed("EVP_PKEY_get_raw_public_key");
    return pub;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c == '=') {
            if (i + 2 < text.size()) return std::nullopt;  // '=' only in the last two places
            ++pad;
        } else if (pad > 0 || !(alnum || c == '+' || c == '/')) {
            return std::nullopt;
        }
    }
    if (text.empty()) return std::string();
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

bool valid_key_name(std::string_view name) {
    if (name.empty()) return false;
    for (unsigned char c : name)
        if (c <= ' ' || c == '+' || c == 0x7f) return false;
    return true;
}

std::uint32_t key_id(std::string_view name, const std::array<unsigned char, 32>& public_key) {
    std::string data(name);
    data += '\n';
    data += '\x01';
    data.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) openssl_failed("EVP_Digest");
    return (std::uint32_t{md[0]} << 24) | (std::uint32_t{md[1]} << 16) | (std::uint32_t{md[2]} << 8) | md[3];
}

std::string VerifierKey::text() const { return name + "+" + hex8(id) + "+" + key_material(public_key); }

std::string SignerKey::text() const { return "PRIVATE+KEY+" + name + "+" + hex8(id) + "+" + key_material(seed); }

std::optional<VerifierKey> parse_verifier_key(std::string_view text, std::string& why) {
    VerifierKey k;
    if (!split_key(text, k.name, k.id, k.public_key, why)) return std::nullopt;
    if (key_id(k.name, k.public_key) != k.id) {
        why = "the key id does not match the name and key";
        return std::nullopt;
    }
    return k;
}

std::optional<SignerKey> parse_signer_key(std::string_view text, std::string& why) {
    constexpr std::string_view prefix = "PRIVATE+KEY+";
    if (text.substr(0, prefix.size()) != prefix) {
        why = "a signer key starts with PRIVATE+KEY+";
        return std::nullopt;
    }
    SignerKey k;
    if (!split_key(text.substr(prefix.size()), k.name, k.id, k.seed, why)) return std::nullopt;
    k.public_key = public_of(k.seed);
    if (key_id(k.name, k.public_key) != k.id) {
        why = "the key id does not match the name and key";
        return std::nullopt;
    }
    return k;
}

std::optional<SignerKey> read_signer_key_file(const std::string& path, std::string& why) {
    // A key is one short line: a regular file of a few hundred bytes at most is read, nothing else.
    std::string t;
    switch (read_regular_file(path, 4096, t)) {
        case ReadProblem::none: break;
        case ReadProblem::unreadable: why = "the file cannot be read"; return std::nullopt;
        case ReadProblem::not_regular: why = "it is not a regular file"; return std::nullopt;
        case ReadProblem::too_large: why = "the file is larger than a key (4096 bytes)"; return std::nullopt;
    }
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return parse_signer_key(t, why);
}

SignerKey generate_signer_key(std::string_view name) {
    SignerKey k;
    k.name = std::string(name);
    if (RAND_priv_bytes(k.seed.data(), static_cast<int>(k.seed.size())) != 1) openssl_failed("RAND_priv_bytes");
    k.public_key = public_of(k.seed);
    k.id = key_id(k.name, k.public_key);
    return k;
}

std::array<unsigned char, 64> ed25519_sign(const SignerKey& key, std::string_view message) {
    Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx) openssl_failed("EVP_PKEY_new_raw_private_key");
    std::array<unsigned char, 64> sig{};
    std::size_t len = sig.size();
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        len != sig.size())
        openssl_failed("EVP_DigestSign");
    return sig;
}

bool ed25519_verify(const std::array<unsigned char, 32>& public_key, std::string_view message,
                    std::string_view signature) {
    if (signature.size() != 64) return false;
    Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx) return false;
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace firstset
