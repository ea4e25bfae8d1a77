#include "engine.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "evaluate/provenance.hpp"
#include "evaluate/request.hpp"
#include "evaluate/response.hpp"
#include "evaluate/rules.hpp"
#include "ledger/ledger.hpp"
#include "lint/lint.hpp"
#include "ledger/verify_file.hpp"
#include "util/civil_date.hpp"
#include "util/signing.hpp"
#include "evaluate/evaluation_record.hpp"
#include "tolerance/records.hpp"
#include "firstset/firstset.h"
#include "schema/embedded.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

namespace firstset {

namespace {

std::filesystem::path resolve(const std::filesystem::path& base, std::string_view p) {
    std::filesystem::path path(std::string{p});
    return path.is_absolute() ? path : base / path;
}

// A logger of the engine's own, never registered in spdlog's global registry: a host that
// uses spdlog itself must not see or collide with it. Logging failures are swallowed: a
// full disk must not turn an evaluation into an error.
std::shared_ptr<spdlog::logger> make_logger(const EngineConfig& c) {
    spdlog::sink_ptr sink;
    if (c.log_file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        try {
            sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(c.log_file.string(), false);
        } catch (const spdlog::spdlog_ex& e) {
            throw Error(Status::io, "LOG_UNWRITABLE", "cannot open the log file " + c.log_file.string() + ": " + e.what(),
                        "无法打开日志文件 " + c.log_file.string() + "：" + e.what(), Location{"/log/file", c.file.string(), 0, 0});
        }
    }
    auto logger = std::make_shared<spdlog::logger>("firstset", std::move(sink));
    logger->set_level(spdlog::level::from_str(c.log_level));
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [firstset] [%l] %v");
    logger->set_error_handler([](const std::string&) {});
    return logger;
}

// Parses a request within the ABI's limits and checks it against its schema; the root.
// Throws Error: LIMIT, PARSE, SCHEMA (with the JSON Pointer).
const json::Value& parse_valid_request(const char* text, json::Document& parsed, const char* what,
                                       const char* schema_name) {
    parsed = json::Document::parse(std::string_view(text), json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH}, what);
    const json::Value& root = parsed.root();
    if (auto v = schema::builtin().validate(schema_name, root))
        throw Error(Status::schema, v->code, v->path + ": " + v->message_en, v->path + "：" + v->message_zh,
                    Location{v->path, "", 0, 0});
    return root;
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
    if (const json::Value* f = reg.find("file")) {
        c.registry = resolve(f->str(), "/registry/file");
    } else {
        RegistryFeedConfig feed;
        feed.url = std::string(reg["url"].str());
        feed.cache = reg.find("cache") ? resolve(reg["cache"].str(), "/registry/cache") : base / "var" / "registry-cache";
        if (const json::Value* v = reg.find("sha256")) feed.sha256 = std::string(v->str());
        if (const json::Value* v = reg.find("public_key")) {
            std::string why;
            feed.public_key = parse_verifier_key(v->str(), why);
            if (!feed.public_key)
                doc.fail(Status::config, "REGISTRY_BAD_KEY", "registry.public_key is not an Ed25519 verifier key: " + why,
                         "registry.public_key 不是 Ed25519 验证公钥：" + why, "/registry/public_key");
        }
        if (feed.sha256.empty() && !feed.public_key)
            doc.fail(Status::config, "REGISTRY_NO_INTEGRITY",
                     "a registry fetched from a URL needs registry.sha256 (a pinned digest) or registry.public_key (an "
                     "Ed25519 key its publisher signs with)",
                     "从网址获取的认定名录须配置 registry.sha256（固定摘要）或 registry.public_key（发布方签名所用的 Ed25519 公钥）",
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
                         "ledger.checkpoint.key_file " + key_file.string() + " holds no Ed25519 signer key: " + why,
                         "ledger.checkpoint.key_file " + key_file.string() + " 中没有 Ed25519 签名私钥：" + why,
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

std::unique_ptr<Engine> Engine::open(const std::filesystem::path& config_file) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<Engine> e(new Engine);
    e->config_ = EngineConfig::load(config_file);
    e->log_ = make_logger(e->config_);
    {
        std::vector<std::shared_ptr<const Policy>> scoped;
        for (const auto& file : e->config_.policies) scoped.push_back(std::make_shared<const Policy>(Policy::load(file)));
        std::shared_ptr<const Policy> fallback;
        if (!e->config_.policy.empty()) {
            for (const auto& p : scoped)
                if (std::filesystem::equivalent(p->file, e->config_.policy)) fallback = p;
            if (!fallback) fallback = std::make_shared<const Policy>(Policy::load(e->config_.policy));
        }
        e->policies_ = std::make_shared<const PolicySet>(std::move(scoped), std::move(fallback), config_file.string());
    }
    if (e->config_.registry_feed) {
        e->feed_ = std::make_unique<RegistryFeed>(*e->config_.registry_feed, e->log_);
        e->feed_->start();
    } else {
        e->registry_ = std::make_shared<const Registry>(Registry::load(e->config_.registry));
    }
    const auto registry = e->registry();
    if (!e->config_.ledger.empty()) {
        e->ledger_ = ledger::Ledger::open(e->config_.ledger);
        if (e->ledger_->bytes_cut_at_open() > 0)
            e->log_->warn("ledger {}: cut {} bytes of an unfinished last record into {}.broken", e->config_.ledger.string(),
                          e->ledger_->bytes_cut_at_open(), e->config_.ledger.string());
        e->log_->info("ledger {}: {} records, head {}", e->config_.ledger.string(), e->ledger_->head().seq,
                      e->ledger_->head().id);
        if (e->config_.checkpoint)
            e->checkpoints_ = std::make_unique<ledger::CheckpointWriter>(*e->config_.checkpoint, *e->ledger_, e->log_);
        if (e->config_.ship) e->shipper_ = std::make_unique<ledger::Shipper>(*e->config_.ship, *e->ledger_, e->log_);
    }
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::string packs;
    for (const auto& p : e->policies_->all())
        packs += (packs.empty() ? "" : ", ") + p->id + " (" + p->document + "; for " + p->scope.describe() + ")";
    e->log_->info("opened: policies {}, registry {} version {} with {} certificates, in {:.1f} ms", packs,
                  registry->id(), registry->version(), registry->size(), ms);
    if (registry->holder_checksum_warnings() > 0)
        e->log_->warn("registry {}: {} holder USCCs have a wrong check character; they are compared as written",
                      registry->id(), registry->holder_checksum_warnings());
    return e;
}

Engine::~Engine() = default;

std::string Engine::evaluate(const char* request_json) const {
    TextBuffer out;
    evaluate(request_json, out);
    return out.str();
}

void Engine::evaluate(const char* request_json, TextBuffer& response) const {
    json::Document parsed;
    const json::Value& doc = parse_valid_request(request_json, parsed, "request", "evaluate-request.schema.json");
    // Values first; they choose the pack; then the request is checked against it.
    EvaluateRequest request = read_evaluate_request(doc);
    const Policy& policy = policies_->select_for(request.tender, "/tender");
    check_against(policy, request.tender, "/tender");
    // One registry for the whole call, with the freshness of that very registry; IO
    // REGISTRY_TOO_OLD past refuse_after.
    RegistrySnapshot snapshot = feed_ ? feed_->snapshot() : RegistrySnapshot{registry_, {}};
    const Registry& registry = *snapshot.registry;
    const Evaluation evaluation = evaluate_rules(policy, registry, request);

    std::optional<ledger::Appended> recorded;
    if (ledger_ && config_.log_evaluations)
        recorded = ledger_->append("evaluation", evaluation_record_body(policy, registry, request_json, request, evaluation));
    response.reserve(1024 + 700 * (request.tender.criteria.size() + evaluation.certificates.size()));
    JsonOut writer(response);
    write_evaluate_response(writer, policy, registry, request, evaluation, recorded ? &*recorded : nullptr,
                            feed_ ? &snapshot.freshness : nullptr);
    log_->debug("evaluated tender {} bid {}: {} criteria, {} certificates claimed", request.tender.id,
                request.bid.id, evaluation.criteria.size(), evaluation.certificates.size());
}

void Engine::lint(const char* tender_json, TextBuffer& out) const {
    json::Document parsed;
    const json::Value& tender = parse_valid_request(tender_json, parsed, "tender", "lint-request.schema.json");
    lint::Input input = lint::read_input(tender, "");
    const Policy& policy = policies_->select_for(input.tender, "");
    if (!policy.lint)
        throw Error(Status::config, "POLICY_NO_LINT",
                    "policy " + policy.id + " has no lint section, so evaluation methods cannot be audited under it",
                    "政策 " + policy.id + " 没有评标办法审查（lint）设置，无法据此审查评标办法", Location{"", policy.file, 0, 0});
    check_against(policy, input.tender, "");
    const lint::Result result = lint::run(policy, input);
    JsonOut writer(out);
    lint::write_response(writer, policy, input, result);
    log_->debug("linted tender {} under {}: {} errors, {} warnings", input.tender.id, policy.id, result.errors,
                result.warnings);
}

void Engine::record(const char* record_json, TextBuffer& out) const {
    if (!ledger_)
        throw Error(Status::config, "NO_LEDGER",
                    "the configuration names no ledger (ledger: {path: ...}), so records cannot be kept",
                    "配置文件未指定账本（ledger: {path: ...}），无法保存记录", Location{"/ledger", config_.file.string(), 0, 0});
    json::Document parsed;
    const json::Value& request = parse_valid_request(record_json, parsed, "record", "record-request.schema.json");
    const std::shared_ptr<const Registry> snapshot = feed_ ? feed_->snapshot().registry : registry_;
    firstset::record(RecordContext{*policies_, *snapshot, *ledger_}, request, out);
    log_->info("recorded {} in ledger {}", request["kind"].str(), config_.ledger.string());
}

void verify_ledger(const char* request_json, TextBuffer& out) {
    json::Document parsed;
    ledger::verify_file(parse_valid_request(request_json, parsed, "verify request", "verify-request.schema.json"), out);
}

void Engine::status(TextBuffer& out) const {
    JsonOut w(out);
    auto count = [&](const char* key, std::uint64_t n) {
        w.field(key, n);
    };
    auto text_or_null = [&](const char* key, const std::string& text) {
        w.key(key);
        if (text.empty()) w.null();
        else w.string(text);
    };
    w.begin_object();
    const auto registry = this->registry();
    w.begin_object("registry");
    write_registry_members(w, *registry);
    count("certificates", registry->size());
    w.key("source");
    if (feed_) {
        const RegistryFreshness f = feed_->freshness();
        const RegistryFeed::Counters c = feed_->counters();
        w.begin_object();
        write_freshness_members(w, f);
        w.field("refused", f.age_seconds > feed_->config().refuse_after.count());
        count("fetches", c.fetches);
        count("not_modified", c.not_modified);
        count("updates", c.updates);
        count("failures", c.failures);
        text_or_null("last_error", c.last_error);
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.key("ledger");
    if (!ledger_) {
        w.null();
        w.end_object();
        return;
    }
    w.begin_object();
    w.field("path", config_.ledger.string());
    w.field("node", config_.node);
    const ledger::Head head = ledger_->head();
    count("records", ledger_->durable_seq());
    w.begin_object("head");
    count("seq", head.seq);
    w.field("id", head.id);
    w.end_object();
    w.key("checkpoint");
    const auto cp = checkpoints_ ? checkpoints_->last() : std::nullopt;
    if (cp) {
        w.begin_object();
        w.field("file", checkpoints_->config().file.string());
        w.field("origin", cp->origin);
        count("size", cp->size);
        w.field("head_id", cp->head_id);
        w.field("key", checkpoints_->config().key.verifier().text());
        w.end_object();
    } else {
        w.null();
    }
    w.key("shipping");
    if (shipper_) {
        const ledger::ShipCounters c = shipper_->counters();
        w.begin_object();
        w.field("url", shipper_->config().url);
        count("shipped_records", c.shipped_records);
        count("pending_records", c.pending_records);
        count("shipped_batches", c.shipped_batches);
        count("failures", c.failures);
        count("consecutive_failures", c.consecutive_failures);
        text_or_null("last_error", c.last_error);
        text_or_null("last_success", c.last_success == 0 ? std::string() : utc_timestamp(c.last_success));
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.end_object();
}

}  // namespace firstset
