// National cryptography (docs/contract.md section 14): SM3 (GB/T 32905-2016) as a ledger's chain
// hash, SM2 (GB/T 32918-2016, GM/T 0009 default ID) for checkpoint and registry signatures, beside
// SHA-256 and Ed25519, whose behaviour does not change.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <regex>

#include "error_support.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/format.hpp"
#include "ledger/ledger.hpp"
#include "registry/registry.hpp"
#include "support.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/signing.hpp"

using namespace firstset;

namespace {

std::vector<std::string> lines_of(const std::string& bytes) {
    std::vector<std::string> lines;
    for (std::size_t pos = 0, end; (end = bytes.find('\n', pos)) != std::string::npos; pos = end + 1)
        lines.push_back(bytes.substr(pos, end - pos));
    return lines;
}

// SM3 by OpenSSL directly, not through firstset's Hasher.
std::string openssl_sm3(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    REQUIRE(EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sm3(), nullptr) == 1);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

// A ledger of genesis and three records, with the hash asked for.
ledger::Head make_ledger(const std::filesystem::path& file, std::optional<HashAlgorithm> hash) {
    auto l = ledger::Ledger::open(file, nullptr, hash);
    for (int i = 1; i <= 3; ++i) l->append("award", "{\"n\":" + std::to_string(i) + ",\"text\":\"记录\"}");
    return l->head();
}

// The base64 key material of a verifier key string: after the second '+' (it may hold '+' itself).
std::string material_of(const std::string& verifier_text) {
    return verifier_text.substr(verifier_text.find('+', verifier_text.find('+') + 1) + 1);
}

std::string flip_bit(std::string s, std::size_t at) {
    s[at] = static_cast<char>(s[at] ^ 0x01);
    return s;
}

}  // namespace

TEST_CASE("SM3: the digests of GB/T 32905-2016 Appendix A, one-shot and through a reused context", "[crypto][sm3]") {
    std::string abcd16;
    for (int i = 0; i < 16; ++i) abcd16 += "abcd";
    CHECK(sm3_hex("abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    CHECK(sm3_hex(abcd16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    Hasher h(HashAlgorithm::sm3);
    std::string out;
    for (int round = 0; round < 3; ++round) {  // the same context, again and again
        h.hex("abc", out);
        CHECK(out == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        h.hex(abcd16, out);
        CHECK(out == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    }
    h.use(HashAlgorithm::sha256);
    h.hex("abc", out);
    CHECK(out == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hash_named("sm3") == HashAlgorithm::sm3);
    CHECK(hash_named("sha256") == HashAlgorithm::sha256);
    CHECK_FALSE(hash_named("SM3"));
    CHECK_FALSE(hash_named("md5"));
}

TEST_CASE("SM2: a signature verifies for its message, its key and the GM/T 0009 default ID only", "[crypto][sm2]") {
    const SignerKey key = generate_signer_key("registry.example", KeyAlgorithm::sm2);
    CHECK(key.algorithm == KeyAlgorithm::sm2);
    CHECK(key.private_key.size() == 32);
    REQUIRE(key.public_key.size() == 65);
    CHECK(key.public_key[0] == '\x04');
    const std::string sig = sign_message(key, "document");
    CHECK(sig.size() <= 72);
    CHECK(sig[0] == '\x30');  // DER SEQUENCE { r, s }
    const VerifierKey verifier = key.verifier();
    CHECK(verify_message(verifier, "document", sig));
    CHECK(sm2_verify(verifier.public_key, "document", sig, "1234567812345678"));
    // A flipped bit anywhere in the signature, or in the message, fails.
    for (std::size_t i = 0; i < sig.size(); ++i) CHECK_FALSE(verify_message(verifier, "document", flip_bit(sig, i)));
    CHECK_FALSE(verify_message(verifier, "documenT", sig));
    CHECK_FALSE(verify_message(verifier, "document", sig.substr(0, sig.size() - 1)));
    CHECK_FALSE(verify_message(verifier, "document", ""));
    // Another key, or another distinguishing ID, fails.
    CHECK_FALSE(verify_message(generate_signer_key("registry.example", KeyAlgorithm::sm2).verifier(), "document", sig));
    const std::string other_id = sm2_sign(key.private_key, "document", "ALICE123@YAHOO.COM");
    CHECK(sm2_verify(verifier.public_key, "document", other_id, "ALICE123@YAHOO.COM"));
    CHECK_FALSE(verify_message(verifier, "document", other_id));
    CHECK_FALSE(sm2_verify(verifier.public_key, "document", sig, "ALICE123@YAHOO.COM"));
    // An Ed25519 key never verifies an SM2 signature, and the other way round.
    const SignerKey ed = generate_signer_key("registry.example");
    CHECK_FALSE(verify_message(ed.verifier(), "document", sig));
    CHECK_FALSE(verify_message(verifier, "document", sign_message(ed, "document")));
    CHECK(verify_message(ed.verifier(), "document", sign_message(ed, "document")));
}

TEST_CASE("SM2 keys: signed-note key strings round-trip, typed 0xff \"gmt0009-sm2\", with the key id over the typed key",
          "[crypto][sm2]") {
    const SignerKey key = generate_signer_key("node-1.firstset.example", KeyAlgorithm::sm2);
    std::string why;
    const auto parsed = parse_signer_key(key.text(), why);
    REQUIRE(parsed);
    CHECK(parsed->algorithm == KeyAlgorithm::sm2);
    CHECK(parsed->private_key == key.private_key);
    CHECK(parsed->public_key == key.public_key);
    const std::string vtext = key.verifier().text();
    const auto verifier = parse_verifier_key(vtext, why);
    REQUIRE(verifier);
    CHECK(verifier->public_key == key.public_key);
    // The key material: the type identifier, then the uncompressed point (public) or the scalar.
    const std::string type("\xff" "gmt0009-sm2", 12);
    CHECK(key_type_identifier(KeyAlgorithm::sm2) == type);
    CHECK(base64_decode(material_of(vtext)) == type + key.public_key);
    const std::string stext = key.text();
    CHECK(base64_decode(material_of(stext.substr(std::string("PRIVATE+KEY+").size()))) == type + key.private_key);
    // The key id: the first 4 bytes of SHA-256(name || "\n" || type || public key).
    const std::string id_input = "node-1.firstset.example\n" + type + key.public_key;
    CHECK(vtext.substr(vtext.find('+') + 1, 8) == sha256_hex(id_input).substr(0, 8));

    auto material = [&](const std::string& raw) {
        const std::string name = "node-1.firstset.example";
        char id[9];
        std::snprintf(id, sizeof id, "%08x", key_id(name, KeyAlgorithm::sm2, raw.substr(type.size())));
        return name + "+" + id + "+" + base64_encode(raw);
    };
    CHECK(parse_verifier_key(material(type + key.public_key), why));
    // A point off the curve, a compressed point, the point at infinity, a short key: refused.
    std::string off = key.public_key;
    off[64] = static_cast<char>(off[64] ^ 0x01);
    CHECK_FALSE(parse_verifier_key(material(type + off), why));
    CHECK(why.find("SM2 curve") != std::string::npos);
    std::string compressed = key.public_key;
    compressed[0] = '\x02';
    CHECK_FALSE(parse_verifier_key(material(type + compressed), why));
    CHECK_FALSE(parse_verifier_key(material(type + std::string(65, '\0')), why));
    CHECK_FALSE(parse_verifier_key(material(type + key.public_key.substr(0, 33)), why));
    CHECK_FALSE(parse_verifier_key(material(type.substr(0, 11) + key.public_key), why));
    // Private scalars outside 1..n-2 (n: the order of the SM2 curve's base point) are refused.
    const std::string n_minus_1 = *hex_decode("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122");
    const std::string n_minus_2 = *hex_decode("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54121");
    auto signer = [&](const std::string& scalar) { return "PRIVATE+KEY+x+00000000+" + base64_encode(type + scalar); };
    CHECK_FALSE(parse_signer_key(signer(std::string(32, '\0')), why));
    CHECK(why.find("1 to n-2") != std::string::npos);
    CHECK_FALSE(parse_signer_key(signer(n_minus_1), why));
    CHECK_FALSE(parse_signer_key(signer(std::string(32, '\xff')), why));
    CHECK(parse_signer_key(signer(n_minus_2), why) == std::nullopt);  // a valid scalar, but the key id is wrong
    CHECK(why.find("key id") != std::string::npos);
    // The Ed25519 key strings are as before.
    const SignerKey ed = generate_signer_key("node-1.firstset.example");
    const std::string etext = ed.verifier().text();
    CHECK(base64_decode(material_of(etext))->size() == 33);
    CHECK((*base64_decode(material_of(etext)))[0] == '\x01');
    CHECK(algorithm_named("sm2") == KeyAlgorithm::sm2);
    CHECK(algorithm_named("ed25519") == KeyAlgorithm::ed25519);
    CHECK_FALSE(algorithm_named("SM2"));
}

TEST_CASE("Checkpoint: one signed with an SM2 key opens with its verifier key, a changed one is refused",
          "[crypto][sm2][checkpoint]") {
    const SignerKey key = generate_signer_key("node-1.firstset.example", KeyAlgorithm::sm2);
    const ledger::Checkpoint c{"node-1.firstset.example", 7, sm3_hex("record 7")};
    const std::string note = ledger::sign_checkpoint(c, key);
    ledger::CheckpointProblem problem;
    const auto opened = ledger::open_checkpoint(note, key.verifier(), "node-1.firstset.example", problem);
    REQUIRE(opened);
    CHECK(opened->size == 7);
    CHECK(opened->head_id == c.head_id);
    // A changed size, head or signature: CHECKPOINT_BAD_SIGNATURE, as for Ed25519.
    std::string changed = note;
    changed[changed.find("\n7\n") + 1] = '8';
    CHECK_FALSE(ledger::open_checkpoint(changed, key.verifier(), "node-1.firstset.example", problem));
    CHECK(problem.code == "CHECKPOINT_BAD_SIGNATURE");
    const std::size_t sig_at = note.rfind(' ') + 1;
    std::string blob = *base64_decode(note.substr(sig_at, note.size() - 1 - sig_at));
    blob[blob.size() - 1] = static_cast<char>(blob[blob.size() - 1] ^ 0x01);
    changed = note.substr(0, sig_at) + base64_encode(blob) + "\n";
    problem = {};
    CHECK_FALSE(ledger::open_checkpoint(changed, key.verifier(), "node-1.firstset.example", problem));
    CHECK(problem.code == "CHECKPOINT_BAD_SIGNATURE");
    // Another key of the same name (an Ed25519 one, or another SM2 one) does not open it.
    problem = {};
    CHECK_FALSE(ledger::open_checkpoint(note, generate_signer_key("node-1.firstset.example").verifier(),
                                        "node-1.firstset.example", problem));
    CHECK(problem.code == "CHECKPOINT_BAD_SIGNATURE");
    // Ed25519 checkpoints are as before: 4 + 64 bytes of signature.
    const SignerKey ed = generate_signer_key("node-1.firstset.example");
    const std::string ed_note = ledger::sign_checkpoint(c, ed);
    const std::size_t ed_at = ed_note.rfind(' ') + 1;
    CHECK(base64_decode(ed_note.substr(ed_at, ed_note.size() - 1 - ed_at))->size() == 68);
    CHECK(ledger::open_checkpoint(ed_note, ed.verifier(), "node-1.firstset.example", problem));
}

TEST_CASE("Registry: one signed with an SM2 key loads, a changed one is refused with REGISTRY_BAD_SIGNATURE",
          "[crypto][sm2][registry]") {
    test::TempDir dir;
    const SignerKey key = generate_signer_key("registry.example", KeyAlgorithm::sm2);
    const std::string text = test::read_file(test::source("examples/registry.yaml"));
    test::write_file(dir / "registry.yaml", text);
    test::write_file(dir / "registry.yaml.sig", base64_encode(sign_message(key, text)) + "\n");
    const Registry r = Registry::load_signed(dir / "registry.yaml", key.verifier(), dir / "registry.yaml.sig");
    CHECK(r.sha256() == sha256_hex(text));  // the registry's digest stays SHA-256: a named field
    std::string changed = text;
    changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x01);
    test::write_file(dir / "registry.yaml", changed);
    StatusError e = test::error_of([&] { Registry::load_signed(dir / "registry.yaml", key.verifier(), dir / "registry.yaml.sig"); });
    CHECK(e.status() == Status::integrity);
    CHECK(e.code() == "REGISTRY_BAD_SIGNATURE");
    CHECK(std::string(e.message_en()).find("SM2 signature") != std::string::npos);
    // The right document with another key's signature: the same refusal.
    test::write_file(dir / "registry.yaml", text);
    const SignerKey other = generate_signer_key("registry.example", KeyAlgorithm::sm2);
    test::write_file(dir / "registry.yaml.sig", base64_encode(sign_message(other, text)) + "\n");
    e = test::error_of([&] { Registry::load_signed(dir / "registry.yaml", key.verifier(), dir / "registry.yaml.sig"); });
    CHECK(e.code() == "REGISTRY_BAD_SIGNATURE");
}

TEST_CASE("Ledger: with ledger.hash sm3 the genesis names sm3 and every id is the SM3 of its line", "[crypto][sm3][ledger]") {
    test::TempDir dir;
    const auto file = dir / "l.jsonl";
    const ledger::Head head = make_ledger(file, HashAlgorithm::sm3);
    const std::string bytes = test::read_file(file);
    const auto lines = lines_of(bytes);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].find("\"kind\":\"genesis\",\"body\":{\"format\":\"firstset-ledger/1\",\"ledger\":\"") != std::string::npos);
    CHECK(lines[0].find(",\"hash\":\"sm3\"}}") != std::string::npos);
    std::string prev(64, '0');
    for (const auto& line : lines) {
        CHECK(line.find("\"prev\":\"" + prev + "\"") != std::string::npos);
        prev = openssl_sm3(line);
        CHECK(prev != sha256_hex(line));
    }
    CHECK(head.id == prev);
    ledger::Verdict v = ledger::verify(bytes, head);
    CHECK(v.ok());
    CHECK(v.hash == HashAlgorithm::sm3);
    CHECK(v.records == 4);
    // A changed byte in record 2 breaks the chain at record 3.
    std::string tampered = bytes;
    tampered[tampered.find("\"n\":1") + 4] = '7';
    v = ledger::verify(tampered);
    REQUIRE_FALSE(v.ok());
    CHECK(v.problems.front().code == "CHAIN_BROKEN");
    CHECK(v.first_bad_seq == 3);
    // Reopened, it goes on with SM3, whether the configuration names it or says nothing.
    {
        auto l = ledger::Ledger::open(file);
        CHECK(l->hash() == HashAlgorithm::sm3);
        const auto a = l->append("award", "{\"n\":4}");
        CHECK(a.id == openssl_sm3(lines_of(test::read_file(file)).back()));
    }
    { CHECK(ledger::Ledger::open(file, nullptr, HashAlgorithm::sm3)->hash() == HashAlgorithm::sm3); }
    CHECK(ledger::verify(test::read_file(file)).ok());
}

TEST_CASE("Ledger: a configuration asking for another hash than the ledger has is refused, CONFIG LEDGER_HASH_MISMATCH",
          "[crypto][sm3][ledger]") {
    test::TempDir dir;
    make_ledger(dir / "sm3.jsonl", HashAlgorithm::sm3);
    make_ledger(dir / "sha.jsonl", std::nullopt);
    const std::string before = test::read_file(dir / "sm3.jsonl");
    StatusError e = test::error_of([&] { ledger::Ledger::open(dir / "sm3.jsonl", nullptr, HashAlgorithm::sha256); });
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "LEDGER_HASH_MISMATCH");
    CHECK(std::string(e.message_en()).find("created with sm3") != std::string::npos);
    CHECK(std::string(e.message_zh()).find("sm3") != std::string::npos);
    CHECK(e.where().path == "/ledger/hash");
    CHECK(test::read_file(dir / "sm3.jsonl") == before);  // nothing appended
    e = test::error_of([&] { ledger::Ledger::open(dir / "sha.jsonl", nullptr, HashAlgorithm::sm3); });
    CHECK(e.code() == "LEDGER_HASH_MISMATCH");
}

TEST_CASE("Ledger: SHA-256 is unchanged: the default, named in new genesis records, assumed when a genesis names none",
          "[crypto][ledger]") {
    test::TempDir dir;
    const ledger::Head head = make_ledger(dir / "l.jsonl", std::nullopt);
    const auto lines = lines_of(test::read_file(dir / "l.jsonl"));
    CHECK(lines[0].find(",\"hash\":\"sha256\"}}") != std::string::npos);
    CHECK(head.id == sha256_hex(lines.back()));
    CHECK(ledger::verify(test::read_file(dir / "l.jsonl"), head).hash == HashAlgorithm::sha256);
    // A ledger written before the hash was named (its genesis has no "hash"): SHA-256, byte for byte.
    const std::string g = ledger::make_line(1, ledger::genesis_prev, "2026-01-01T00:00:00.000Z", "genesis",
                                            R"({"format":"firstset-ledger/1","ledger":"0123456789abcdef0123456789abcdef"})");
    const std::string r = ledger::make_line(2, sha256_hex(g), "2026-01-01T00:00:01.000Z", "award", R"({"n":1})");
    const ledger::Verdict v = ledger::verify(g + "\n" + r + "\n", ledger::Head{2, sha256_hex(r)});
    CHECK(v.ok());
    CHECK(v.hash == HashAlgorithm::sha256);
    test::write_file(dir / "old.jsonl", g + "\n" + r + "\n");
    CHECK(ledger::Ledger::open(dir / "old.jsonl", nullptr, HashAlgorithm::sha256)->head().id == sha256_hex(r));
    CHECK(ledger::Ledger::open(dir / "old.jsonl")->hash() == HashAlgorithm::sha256);
}

TEST_CASE("Ledger: a genesis naming an unknown hash is LEDGER_HASH_UNKNOWN at record 1, and such a ledger is not opened",
          "[crypto][ledger][hostile]") {
    test::TempDir dir;
    for (const std::string hash : {R"("md5")", R"("SM3")", R"("")", "3", "null", R"(["sm3"])"}) {
        const std::string g = ledger::make_line(1, ledger::genesis_prev, "2026-01-01T00:00:00.000Z", "genesis",
                                                R"({"format":"firstset-ledger/1","ledger":"x","hash":)" + hash + "}");
        const ledger::Verdict v = ledger::verify(g + "\n");
        REQUIRE_FALSE(v.ok());
        CHECK(v.problems.front().code == "LEDGER_HASH_UNKNOWN");
        CHECK(v.first_bad_seq == 1);
        CHECK_FALSE(v.problems.front().message_zh.empty());
        test::write_file(dir / "l.jsonl", g + "\n");
        const StatusError e = test::error_of([&] { ledger::Ledger::open(dir / "l.jsonl"); });
        CHECK(e.code() == "LEDGER_DAMAGED");
        CHECK(std::string(e.message_en()).find("LEDGER_HASH_UNKNOWN") != std::string::npos);
    }
}

TEST_CASE("Ledger format doc: the independent Python verifier of section 6 checks SM3 and SHA-256 ledgers and finds a change",
          "[crypto][ledger][docs]") {
    // The snippet exactly as docs/ledger-format.md shows it.
    const std::string doc = test::read_file(test::source("docs/ledger-format.md"));
    const std::size_t section = doc.find("## 6. An independent verifier");
    REQUIRE(section != std::string::npos);
    const std::size_t start = doc.find("```python\n", section);
    REQUIRE(start != std::string::npos);
    const std::size_t end = doc.find("\n```", start + 10);
    test::TempDir dir;
    test::write_file(dir / "verify.py", doc.substr(start + 10, end + 1 - (start + 10)));
    auto python = [&](const std::filesystem::path& ledger, const std::string& head = "") {
        return test::run("/usr/bin/python3", (dir / "verify.py").string() + " " + ledger.string() + head);
    };
    for (const auto hash : {HashAlgorithm::sm3, HashAlgorithm::sha256}) {
        const auto file = dir / (std::string(hash_name(hash)) + ".jsonl");
        const ledger::Head head = make_ledger(file, hash);
        const test::Run ok = python(file, " " + std::to_string(head.seq) + " " + head.id);
        CHECK(ok.status == 0);
        CHECK(ok.out == "ok: 4 records, head 4:" + head.id + "\n");
        // A changed byte of record 2: the chain breaks at record 3.
        std::string bytes = test::read_file(file);
        const std::size_t at = bytes.find("\"n\":1") + 4;
        bytes[at] = '7';
        test::write_file(dir / "tampered.jsonl", bytes);
        CHECK(python(dir / "tampered.jsonl").out == "CHAIN_BROKEN at 3\n");
        // The last record changed: only the kept head finds it.
        bytes = test::read_file(file);
        bytes[bytes.rfind("\"n\":3") + 4] = '9';
        test::write_file(dir / "tampered.jsonl", bytes);
        CHECK(python(dir / "tampered.jsonl", " " + std::to_string(head.seq) + " " + head.id).out == "HEAD_MISMATCH\n");
    }
    // A ledger from before the hash was named (no "hash" in its genesis) is SHA-256 to the snippet too.
    const std::string g = ledger::make_line(1, ledger::genesis_prev, "2026-01-01T00:00:00.000Z", "genesis",
                                            R"({"format":"firstset-ledger/1","ledger":"0123456789abcdef0123456789abcdef"})");
    test::write_file(dir / "old.jsonl", g + "\n");
    CHECK(python(dir / "old.jsonl").out == "ok: 1 records, head 1:" + sha256_hex(g) + "\n");
}
