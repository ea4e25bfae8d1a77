#include "util/signing.hpp"

#include "util/file_io.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
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

constexpr std::string_view sm2_type("\xff" "gmt0009-sm2", 12);

std::size_t public_size(KeyAlgorithm a) { return a == KeyAlgorithm::sm2 ? 65 : 32; }

std::string key_material(KeyAlgorithm algorithm, std::string_view key) {
    std::string raw(key_type_identifier(algorithm));
    raw.append(key);
    return base64_encode(raw);
}

// name, id, key type and key bytes of "<name>+<id>+<base64(type || key)>"; the key is
// `key_size(type)` bytes.
template <typename KeySize>
bool split_key(std::string_view text, std::string& name, std::uint32_t& id, KeyAlgorithm& algorithm, std::string& key,
               KeySize key_size, std::string& why) {
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
    const std::string_view r = raw ? std::string_view(*raw) : std::string_view();
    for (KeyAlgorithm a : {KeyAlgorithm::ed25519, KeyAlgorithm::sm2}) {
        const std::string_view type = key_type_identifier(a);
        if (r.substr(0, type.size()) == type && r.size() == type.size() + key_size(a)) {
            algorithm = a;
            key = std::string(r.substr(type.size()));
            return true;
        }
    }
    why = "the key is not base64 of an Ed25519 key (type byte 0x01 and 32 bytes) or an SM2 key (type 0xff "
          "\"gmt0009-sm2\" and the key's bytes)";
    return false;
}

// --- Ed25519 ---

std::string ed25519_public_of(std::string_view seed) {
    Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()),
                                           seed.size()));
    if (!pkey) openssl_failed("EVP_PKEY_new_raw_private_key");
    std::string pub(32, '\0');
    std::size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 || len != pub.size())
        openssl_failed("EVP_PKEY_get_raw_public_key");
    return pub;
}

// --- SM2 (GB/T 32918-2016) ---

struct GroupFree {
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
};
struct PointFree {
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct BnFree {
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct BldFree {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Group = std::unique_ptr<EC_GROUP, GroupFree>;
using Point = std::unique_ptr<EC_POINT, PointFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

Group sm2_group() {
    Group g(EC_GROUP_new_by_curve_name(NID_sm2));
    if (!g) openssl_failed("EC_GROUP_new_by_curve_name(SM2)");
    return g;
}

// The scalar as a number when it is a valid SM2 private key: 1 <= d <= n-2 (GB/T 32918.1 6.1).
Bn sm2_scalar(const EC_GROUP* group, std::string_view scalar) {
    if (scalar.size() != 32) return nullptr;
    Bn d(BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()), 32, nullptr));
    Bn limit(BN_dup(EC_GROUP_get0_order(group)));
    if (!d || !limit || !BN_sub_word(limit.get(), 2)) openssl_failed("BN");
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), limit.get()) > 0) return nullptr;
    return d;
}

// The public point d*G, uncompressed (65 bytes); empty when the scalar is not a private key.
std::string sm2_public_of(std::string_view scalar) {
    const Group group = sm2_group();
    const Bn d = sm2_scalar(group.get(), scalar);
    if (!d) return {};
    Point p(EC_POINT_new(group.get()));
    if (!p || EC_POINT_mul(group.get(), p.get(), d.get(), nullptr, nullptr, nullptr) != 1)
        openssl_failed("EC_POINT_mul");
    std::string pub(65, '\0');
    if (EC_POINT_point2oct(group.get(), p.get(), POINT_CONVERSION_UNCOMPRESSED, reinterpret_cast<unsigned char*>(pub.data()),
                           pub.size(), nullptr) != pub.size())
        openssl_failed("EC_POINT_point2oct");
    return pub;
}

// Whether 65 bytes are an uncompressed point on the SM2 curve other than the point at infinity.
bool sm2_valid_public(std::string_view pub) {
    if (pub.size() != 65 || pub[0] != '\x04') return false;
    const Group group = sm2_group();
    Point p(EC_POINT_new(group.get()));
    if (!p) openssl_failed("EC_POINT_new");
    return EC_POINT_oct2point(group.get(), p.get(), reinterpret_cast<const unsigned char*>(pub.data()), pub.size(), nullptr) == 1 &&
           EC_POINT_is_at_infinity(group.get(), p.get()) == 0 && EC_POINT_is_on_curve(group.get(), p.get(), nullptr) == 1;
}

// An EVP_PKEY of type SM2 from a public point and, for signing, the private scalar.
Pkey sm2_pkey(std::string_view pub, std::string_view scalar) {
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    Bn d;
    if (!scalar.empty()) d.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()), static_cast<int>(scalar.size()), nullptr));
    if (!bld || (!scalar.empty() && !d) ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()) != 1 ||
        (d && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1))
        openssl_failed("OSSL_PARAM_BLD");
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return Pkey(raw);
}

// A digest-sign or digest-verify context for SM2 with SM3 and the distinguishing ID. The
// EVP_PKEY_CTX carries the ID (EVP_PKEY_CTX_set1_id) and stays ours: EVP_MD_CTX_set_pkey_ctx
// does not give it away, so it is freed after the EVP_MD_CTX.
struct Sm2Ctx {
    PkeyCtx pctx;
    MdCtx mctx;
};

bool sm2_ctx(Sm2Ctx& c, EVP_PKEY* pkey, std::string_view id, bool sign) {
    c.pctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    c.mctx.reset(EVP_MD_CTX_new());
    // ENTL, the ID's length in bits, is 16 bits (GB/T 32918.2): at most 8191 bytes.
    if (id.size() > 8191 || !c.pctx || !c.mctx ||
        EVP_PKEY_CTX_set1_id(c.pctx.get(), id.data(), static_cast<int>(id.size())) <= 0)
        return false;
    EVP_MD_CTX_set_pkey_ctx(c.mctx.get(), c.pctx.get());
    return (sign ? EVP_DigestSignInit(c.mctx.get(), nullptr, EVP_sm3(), nullptr, pkey)
                 : EVP_DigestVerifyInit(c.mctx.get(), nullptr, EVP_sm3(), nullptr, pkey)) == 1;
}

std::string public_of(KeyAlgorithm algorithm, std::string_view private_key) {
    return algorithm == KeyAlgorithm::sm2 ? sm2_public_of(private_key) : ed25519_public_of(private_key);
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

std::string_view algorithm_name(KeyAlgorithm algorithm) { return algorithm == KeyAlgorithm::sm2 ? "sm2" : "ed25519"; }

std::string_view algorithm_title(KeyAlgorithm algorithm) { return algorithm == KeyAlgorithm::sm2 ? "SM2" : "Ed25519"; }

std::optional<KeyAlgorithm> algorithm_named(std::string_view name) {
    if (name == "ed25519") return KeyAlgorithm::ed25519;
    if (name == "sm2") return KeyAlgorithm::sm2;
    return std::nullopt;
}

std::string_view key_type_identifier(KeyAlgorithm algorithm) {
    return algorithm == KeyAlgorithm::sm2 ? sm2_type : std::string_view("\x01", 1);
}

std::uint32_t key_id(std::string_view name, KeyAlgorithm algorithm, std::string_view public_key) {
    std::string data(name);
    data += '\n';
    data += key_type_identifier(algorithm);
    data += public_key;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) openssl_failed("EVP_Digest");
    return (std::uint32_t{md[0]} << 24) | (std::uint32_t{md[1]} << 16) | (std::uint32_t{md[2]} << 8) | md[3];
}

std::string VerifierKey::text() const { return name + "+" + hex8(id) + "+" + key_material(algorithm, public_key); }

std::string SignerKey::text() const {
    return "PRIVATE+KEY+" + name + "+" + hex8(id) + "+" + key_material(algorithm, private_key);
}

std::optional<VerifierKey> parse_verifier_key(std::string_view text, std::string& why) {
    VerifierKey k;
    if (!split_key(text, k.name, k.id, k.algorithm, k.public_key, public_size, why)) return std::nullopt;
    if (k.algorithm == KeyAlgorithm::sm2 && !sm2_valid_public(k.public_key)) {
        why = "the SM2 public key is not an uncompressed point (0x04 || x || y) on the SM2 curve";
        return std::nullopt;
    }
    if (key_id(k.name, k.algorithm, k.public_key) != k.id) {
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
    if (!split_key(text.substr(prefix.size()), k.name, k.id, k.algorithm, k.private_key,
                   [](KeyAlgorithm) { return std::size_t{32}; }, why))
        return std::nullopt;
    k.public_key = public_of(k.algorithm, k.private_key);
    if (k.public_key.empty()) {
        why = "the SM2 private key is not a number from 1 to n-2 (GB/T 32918.1)";
        return std::nullopt;
    }
    if (key_id(k.name, k.algorithm, k.public_key) != k.id) {
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

SignerKey generate_signer_key(std::string_view name, KeyAlgorithm algorithm) {
    SignerKey k;
    k.name = std::string(name);
    k.algorithm = algorithm;
    k.private_key.assign(32, '\0');
    // An SM2 scalar outside 1..n-2 (about one draw in 2^32) is drawn again.
    do {
        if (RAND_priv_bytes(reinterpret_cast<unsigned char*>(k.private_key.data()), 32) != 1)
            openssl_failed("RAND_priv_bytes");
        k.public_key = public_of(algorithm, k.private_key);
    } while (k.public_key.empty());
    k.id = key_id(k.name, k.algorithm, k.public_key);
    return k;
}

std::string ed25519_sign(const SignerKey& key, std::string_view message) {
    if (key.algorithm != KeyAlgorithm::ed25519) throw std::logic_error("ed25519_sign: not an Ed25519 key");
    Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(key.private_key.data()), key.private_key.size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx) openssl_failed("EVP_PKEY_new_raw_private_key");
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
        len != sig.size())
        openssl_failed("EVP_DigestSign");
    return sig;
}

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
    if (signature.size() != 64 || public_key.size() != 32) return false;
    Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
                                          public_key.size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx) return false;
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string sm2_sign(std::string_view private_key, std::string_view message, std::string_view id) {
    const std::string pub = sm2_public_of(private_key);
    if (pub.empty()) throw std::logic_error("sm2_sign: not an SM2 private key");
    Pkey pkey = sm2_pkey(pub, private_key);
    if (!pkey) openssl_failed("EVP_PKEY_fromdata(SM2)");
    Sm2Ctx c;
    if (!sm2_ctx(c, pkey.get(), id, true)) openssl_failed("EVP_DigestSignInit(SM2)");
    const int max = EVP_PKEY_get_size(pkey.get());  // 72: the longest DER of (r, s)
    if (max <= 0) openssl_failed("EVP_PKEY_get_size(SM2)");
    std::string sig(static_cast<std::size_t>(max), '\0');
    std::size_t len = sig.size();
    if (EVP_DigestSign(c.mctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        openssl_failed("EVP_DigestSign(SM2)");
    sig.resize(len);
    return sig;
}

bool sm2_verify(std::string_view public_key, std::string_view message, std::string_view signature, std::string_view id) {
    // DER of two integers below n: at most 72 bytes. OpenSSL refuses any other encoding of them.
    if (signature.empty() || signature.size() > 72 || !sm2_valid_public(public_key)) return false;
    Pkey pkey = sm2_pkey(public_key, {});
    if (!pkey) return false;
    Sm2Ctx c;
    if (!sm2_ctx(c, pkey.get(), id, false)) return false;
    return EVP_DigestVerify(c.mctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string sign_message(const SignerKey& key, std::string_view message) {
    return key.algorithm == KeyAlgorithm::sm2 ? sm2_sign(key.private_key, message) : ed25519_sign(key, message);
}

bool verify_message(const VerifierKey& key, std::string_view message, std::string_view signature) {
    return key.algorithm == KeyAlgorithm::sm2 ? sm2_verify(key.public_key, message, signature)
                                              : ed25519_verify(key.public_key, message, signature);
}

}  // namespace firstset
