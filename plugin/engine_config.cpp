// The engine's configuration file read into EngineConfig (docs/abi.md section 3).
#include "engine_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "schema/embedded.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/signing.hpp"
#include "util/source_document.hpp"

namespace firstset {

namespace {

std::filesystem::path resolve(const std::filesystem::path& base, std::string_view p) {
    std::filesystem::path path(std::string{p});
    return path.is_absolute() ? path : base / path;
}

}  // namespace

EngineConfig EngineConfig::load(const std::filesystem::path& file) {
    SourceDocument doc = SourceDocument::read(file);
    doc.validate(schema::builtin(), "config.schema.json", Status::config);
    const json::Value& root = doc.root();
    const auto base = std::filesystem::absolute(file).parent_path();
    // A path from the file, relative to its folder. A NUL inside would cut the name short and
    // name another file.
    auto resolve = [&](std::string_view p, std::string_view pointer) {
        if (p.find('\0') != std::string_view::npos)
            doc.fail(Status::config, "PATH_INVALID", "a file path cannot hold a NUL character", "文件路径不能包含 NUL 字符",
                     pointer);
        return firstset::resolve(base, p);
    };
    EngineConfig c;
    c.file = file;
    if (const json::Value* p = root.find("policy")) c.policy = resolve(p->str(), "/policy");
    if (const json::Value* list = root.find("policies"))
        for (std::size_t i = 0; i < list->size(); ++i)
            c.policies.push_back(resolve((*list)[i].str(), "/policies/" + std::to_string(i)));
    const json::Value& reg = root["registry"];
    // registry.public_key, for a file and a URL alike.
    auto public_key = [&]() -> std::optional<VerifierKey> {
        const json::Value* v = reg.find("public_key");
        if (!v) return std::nullopt;
        std::string why;
        auto key = parse_verifier_key(v->str(), why);
        if (!key)
            doc.fail(Status::config, "REGISTRY_BAD_KEY", "registry.public_key is not an Ed25519 or SM2 verifier key: " + why,
                     "registry.public_key 不是 Ed25519 或 SM2 验证公钥：" + why, "/registry/public_key");
        return key;
    };
    if (const json::Value* f = reg.find("file")) {
        c.registry = resolve(f->str(), "/registry/file");
        c.registry_key = public_key();
        if (!c.registry_key && reg.find("signature_file"))
            doc.fail(Status::config, "REGISTRY_SIGNATURE_WITHOUT_KEY",
                     "registry.signature_file is checked only with registry.public_key, which is missing: the registry would load unchecked",
                     "registry.signature_file 须与 registry.public_key 同时配置，缺少公钥时认定名录不会被校验", "/registry/signature_file");
        if (c.registry_key) {
            c.registry_signature = reg.find("signature_file") ? resolve(reg["signature_file"].str(), "/registry/signature_file")
                                                              : std::filesystem::path(c.registry.string() + ".sig");
        }
        for (std::string_view key : {"url", "cache", "sha256", "signature_url", "refresh_seconds", "warn_after_seconds",
                                     "refuse_after_seconds", "ca_file", "timeout_seconds", "allow_http", "clock_skew_seconds"})
            if (reg.find(key))
                doc.fail(Status::config, "REGISTRY_OPTION_FOR_URL",
                         "registry." + std::string(key) + " applies to a registry followed from a URL, not to registry.file",
                         "registry." + std::string(key) + " 只适用于从网址获取的认定名录，不适用于 registry.file",
                         "/registry/" + std::string(key));
    } else {
        if (reg.find("signature_file"))
            doc.fail(Status::config, "REGISTRY_OPTION_FOR_FILE",
                     "registry.signature_file applies to registry.file; a registry at a URL has registry.signature_url",
                     "registry.signature_file 只适用于 registry.file；网址上的认定名录使用 registry.signature_url", "/registry/signature_file");
        RegistryFeedConfig feed;
        feed.url = std::string(reg["url"].str());
        feed.cache = reg.find("cache") ? resolve(reg["cache"].str(), "/registry/cache") : base / "var" / "registry-cache";
        if (const json::Value* v = reg.find("sha256")) feed.sha256 = std::string(v->str());
        feed.public_key = public_key();
        if (feed.sha256.empty() && !feed.public_key)
            doc.fail(Status::config, "REGISTRY_NO_INTEGRITY",
                     "a registry fetched from a URL needs registry.sha256 (a pinned digest) or registry.public_key (an "
                     "Ed25519 or SM2 key its publisher signs with)",
                     "从网址获取的认定名录须配置 registry.sha256（固定摘要）或 registry.public_key（发布方签名所用的 Ed25519 或 SM2 公钥）",
                     "/registry");
        if (const json::Value* v = reg.find("signature_url")) feed.signature_url = std::string(v->str());
        if (const json::Value* v = reg.find("refresh_seconds")) feed.refresh = std::chrono::seconds(v->int64());
        if (const json::Value* v = reg.find("warn_after_seconds")) feed.warn_after = std::chrono::seconds(v->int64());
        if (const json::Value* v = reg.find("refuse_after_seconds")) feed.refuse_after = std::chrono::seconds(v->int64());
        if (const json::Value* v = reg.find("ca_file")) feed.http.ca_file = resolve(v->str(), "/registry/ca_file").string();
        if (const json::Value* v = reg.find("timeout_seconds")) feed.http.timeout_ms = v->int64() * 1000;
        if (const json::Value* v = reg.find("clock_skew_seconds")) feed.clock_skew = std::chrono::seconds(v->int64());
        feed.http.connect_timeout_ms = std::min<long>(feed.http.connect_timeout_ms, feed.http.timeout_ms);
        // Plain http lets anyone in the path hold back a new registry: refused unless asked for.
        const bool allow_http = reg.find("allow_http") && reg["allow_http"].boolean();
        const std::string signature_url = feed.signature_url.empty() ? feed.url + ".sig" : feed.signature_url;
        for (const auto& [url, pointer] : {std::pair<std::string, const char*>{feed.url, "/registry/url"},
                                           std::pair<std::string, const char*>{signature_url, "/registry/signature_url"}})
            if (!allow_http && url.compare(0, 8, "https://") != 0)
                doc.fail(Status::config, "INSECURE_URL",
                         url + " is not https: a registry must come over TLS (allow_http: true is for tests on loopback)",
                         url + " 不是 https：认定名录须经 TLS 获取（allow_http: true 仅供回环地址上的测试使用）", pointer);
        c.registry_feed = std::move(feed);
    }
    if (const json::Value* ledger = root.find("ledger")) {
        if (const json::Value* p = ledger->find("path")) c.ledger = resolve(p->str(), "/ledger/path");
        if (const json::Value* l = ledger->find("log_evaluations")) c.log_evaluations = l->boolean();
        if (const json::Value* h = ledger->find("hash")) {
            c.ledger_hash = hash_named(h->str());
            if (!c.ledger_hash)  // the schema allows only the two names; this is its backstop
                doc.fail(Status::config, "LEDGER_HASH_UNKNOWN", "ledger.hash must be sha256 or sm3",
                         "ledger.hash 须为 sha256 或 sm3", "/ledger/hash");
        }
        if (const json::Value* n = ledger->find("node")) {
            c.node = std::string(n->str());
        } else {
            char host[256] = {0};
            c.node = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "firstset";
            for (char& ch : c.node)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '-';
            // Object names are <url>/<node>/...: a node must start with a letter or digit, so it
            // can never be "." or ".." and name another folder of the archive.
            if (!std::isalnum(static_cast<unsigned char>(c.node[0]))) c.node = "node-" + c.node;
            c.node.resize(std::min<std::size_t>(c.node.size(), 64));
        }
        const bool wants_ledger = ledger->find("checkpoint") || ledger->find("ship");
        if (wants_ledger && c.ledger.empty())
            doc.fail(Status::config, "LEDGER_PATH_REQUIRED", "checkpoints and shipping need ledger.path",
                     "签名检查点和账本发送需要配置 ledger.path", "/ledger");
        if (const json::Value* cp = ledger->find("checkpoint")) {
            ledger::CheckpointConfig k;
            const auto key_file = resolve((*cp)["key_file"].str(), "/ledger/checkpoint/key_file");
            std::string why;
            const std::optional<SignerKey> key = read_signer_key_file(key_file.string(), why);
            if (!key)
                doc.fail(Status::config, "CHECKPOINT_BAD_KEY",
                         "ledger.checkpoint.key_file " + key_file.string() + " holds no Ed25519 or SM2 signer key: " + why,
                         "ledger.checkpoint.key_file " + key_file.string() + " 中没有 Ed25519 或 SM2 签名私钥：" + why,
                         "/ledger/checkpoint/key_file");
            k.key = *key;
            k.origin = cp->find("origin") ? std::string((*cp)["origin"].str()) : key->name;
            if (const json::Value* v = cp->find("interval_seconds")) k.interval = std::chrono::seconds(v->int64());
            k.file = c.ledger.string() + ".checkpoint";
            c.checkpoint = std::move(k);
        }
        if (const json::Value* sh = ledger->find("ship")) {
            ledger::ShipConfig k;
            auto ms = [](const json::Value& v) { return std::chrono::milliseconds(static_cast<std::int64_t>(v.number() * 1000)); };
            k.url = std::string((*sh)["url"].str());
            k.node = c.node;
            if (const json::Value* v = sh->find("interval_seconds")) k.interval = ms(*v);
            if (const json::Value* v = sh->find("batch_bytes")) k.batch_bytes = static_cast<std::size_t>(v->int64());
            if (const json::Value* v = sh->find("backoff_min_seconds")) k.backoff_min = ms(*v);
            if (const json::Value* v = sh->find("backoff_max_seconds")) k.backoff_max = ms(*v);
            if (const json::Value* v = sh->find("timeout_seconds")) k.http.timeout_ms = v->int64() * 1000;
            k.http.connect_timeout_ms = std::min<long>(k.http.connect_timeout_ms, k.http.timeout_ms);
            if (const json::Value* v = sh->find("ca_file")) k.http.ca_file = resolve(v->str(), "/ledger/ship/ca_file").string();
            if (const json::Value* v = sh->find("aws_sigv4")) k.http.aws_sigv4 = std::string(v->str());
            std::string user, secret;
            if (const json::Value* v = sh->find("access_key")) user = std::string(v->str());
            if (const json::Value* v = sh->find("secret_env")) {
                const char* value = std::getenv(std::string(v->str()).c_str());
                if (!value)
                    doc.fail(Status::config, "SHIP_SECRET_MISSING",
                             "the environment variable " + std::string(v->str()) + " (ledger.ship.secret_env) is not set",
                             "环境变量 " + std::string(v->str()) + "（ledger.ship.secret_env）未设置", "/ledger/ship/secret_env");
                secret = value;
            }
            if (!user.empty() || !secret.empty()) k.http.user_password = user + ":" + secret;
            // Records name decision-makers, and credentials must never cross a network in clear.
            if (k.url.compare(0, 8, "https://") != 0) {
                if (!k.http.user_password.empty() || !k.http.aws_sigv4.empty())
                    doc.fail(Status::config, "CREDENTIALS_IN_CLEAR",
                             k.url + " is not https, and ledger.ship has credentials (access_key, secret_env or "
                                     "aws_sigv4): they are never sent over plain http",
                             k.url + " 不是 https，而 ledger.ship 配置了凭据（access_key、secret_env 或 aws_sigv4）：凭据绝不经明文 http 发送",
                             "/ledger/ship/url");
                if (!(sh->find("allow_http") && (*sh)["allow_http"].boolean()))
                    doc.fail(Status::config, "INSECURE_URL",
                             k.url + " is not https: the ledger is shipped over TLS (allow_http: true is for tests on loopback)",
                             k.url + " 不是 https：账本须经 TLS 发送（allow_http: true 仅供回环地址上的测试使用）", "/ledger/ship/url");
            }
            k.cursor = c.ledger.string() + ".ship-cursor";
            if (c.checkpoint) k.checkpoint = c.checkpoint->file;
            c.ship = std::move(k);
        }
    }
    if (const json::Value* log = root.find("log")) {
        if (const json::Value* l = log->find("level")) c.log_level = std::string(l->str());
        if (const json::Value* f = log->find("file")) c.log_file = resolve(f->str(), "/log/file");
    }
    return c;
}

}  // namespace firstset
