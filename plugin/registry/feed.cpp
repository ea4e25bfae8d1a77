#include "registry/feed.hpp"


#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "util/digest.hpp"
#include "util/civil_date.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

namespace firstset {
namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
    return s.substr(i);
}

SourceDocument::Format format_of(const std::string& url, const std::string& body) {
    auto q = url.find_first_of("?#");
    const std::string path = url.substr(0, q);
    auto ends = [&](std::string_view e) { return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0; };
    if (ends(".json")) return SourceDocument::Format::json;
    if (ends(".yaml") || ends(".yml")) return SourceDocument::Format::yaml;
    for (char c : body)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c == '{' ? SourceDocument::Format::json : SourceDocument::Format::yaml;
    return SourceDocument::Format::yaml;
}

}  // namespace

struct RegistryFeed::Fetched {
    enum class Kind { not_modified, document, unreachable } kind = Kind::unreachable;
    std::string body, signature, etag, error;
};

struct RegistryFeed::Loaded {
    Registry registry;
    std::string etag;
};

RegistryFeed::RegistryFeed(RegistryFeedConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), log_(std::move(log)) {
    if (config_.signature_url.empty()) config_.signature_url = config_.url + ".sig";
    Fetched f = fetch("");
    counters_.fetches = 1;
    if (f.kind == Fetched::Kind::document) {
        // A document that fails a check is an error, even with a cache: the server is wrong.
        install(f, unix_now());
        counters_.updates = 1;
        return;
    }
    counters_.failures = 1;
    counters_.last_error = f.error;
    if (!load_cache())
        throw Error(Status::io, "REGISTRY_UNREACHABLE",
                    "the registry " + config_.url + " cannot be fetched (" + f.error + ") and there is no usable cache at " +
                        config_.cache.string(),
                    "无法获取认定名录 " + config_.url + "（" + f.error + "），且 " + config_.cache.string() + " 处没有可用的缓存");
    log_->warn("registry {} cannot be fetched ({}); using the cache {}: {} version {}, checked {} s ago", config_.url, f.error,
               config_.cache.string(), current()->id(), current()->version(), unix_now() - checked_at_.load());
    snapshot();  // a cache past refuse_after cannot open an engine
}

RegistryFeed::~RegistryFeed() {
    {
        std::lock_guard<std::mutex> lock(wake_mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void RegistryFeed::start() {
    if (config_.refresh.count() > 0 && !thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void RegistryFeed::run() {
    std::unique_lock<std::mutex> lock(wake_mutex_);
    while (!stop_) {
        if (wake_.wait_for(lock, config_.refresh, [this] { return stop_; })) break;
        lock.unlock();
        try {
            refresh();
        } catch (const std::exception& e) {  // refresh() reports its own failures; this is a bug
            log_->error("registry refresh: {}", e.what());
        }
        lock.lock();
    }
}

std::shared_ptr<const Registry> RegistryFeed::current() const {
    auto loaded = std::atomic_load(&loaded_);
    return std::shared_ptr<const Registry>(loaded, &loaded->registry);  // shares ownership of the whole
}

RegistryFreshness RegistryFeed::freshness_of(const Loaded& loaded) const {
    RegistryFreshness f;
    f.url = config_.url;
    f.etag = loaded.etag;
    f.checked_at = checked_at_.load();
    f.age_seconds = std::max<std::int64_t>(0, unix_now() - f.checked_at);
    f.stale = f.age_seconds > config_.warn_after.count();
    return f;
}

RegistryFreshness RegistryFeed::freshness() const { return freshness_of(*std::atomic_load(&loaded_)); }

RegistrySnapshot RegistryFeed::snapshot() const {
    auto loaded = std::atomic_load(&loaded_);
    RegistryFreshness f = freshness_of(*loaded);
    if (f.age_seconds > config_.refuse_after.count())
        throw Error(Status::io, "REGISTRY_TOO_OLD",
                    "the registry from " + config_.url + " was last confirmed " + std::to_string(f.age_seconds) +
                        " s ago, more than refuse_after_seconds (" + std::to_string(config_.refuse_after.count()) +
                        "): certificates may have been revoked since; restore access to the registry server",
                    "来自 " + config_.url + " 的认定名录已有 " + std::to_string(f.age_seconds) + " 秒未得到确认，超过 refuse_after_seconds（" +
                        std::to_string(config_.refuse_after.count()) + " 秒）：其间可能有证书被撤销，请恢复对名录服务器的访问");
    return {std::shared_ptr<const Registry>(loaded, &loaded->registry), std::move(f)};
}

RegistryFeed::Fetched RegistryFeed::fetch(const std::string& etag) {
    Fetched f;
    net::HttpResult r = net::get(config_.url, config_.http, etag);
    if (r.transport_ok && r.status == 304 && !etag.empty()) {
        f.kind = Fetched::Kind::not_modified;
        return f;
    }
    if (!r.ok()) {
        f.error = r.describe() + " from " + config_.url;
        return f;
    }
    f.body = std::move(r.body);
    f.etag = r.etag;
    if (config_.public_key) {
        net::HttpResult s = net::get(config_.signature_url, config_.http);
        if (!s.ok()) {
            f.error = s.describe() + " from " + config_.signature_url;
            return f;
        }
        f.signature = trimmed(std::move(s.body));
    }
    f.kind = Fetched::Kind::document;
    return f;
}

std::shared_ptr<const RegistryFeed::Loaded> RegistryFeed::check_and_load(const std::string& body,
                                                                          const std::string& signature,
                                                                          const std::string& etag,
                                                                          const std::string& source) const {
    if (!config_.sha256.empty()) {
        const std::string got = sha256_hex(body);
        if (got != config_.sha256)
            throw Error(Status::integrity, "REGISTRY_DIGEST_MISMATCH",
                        "the registry from " + source + " has SHA-256 " + got + ", not the pinned " + config_.sha256,
                        "来自 " + source + " 的认定名录 SHA-256 为 " + got + "，与配置固定的 " + config_.sha256 + " 不符",
                        Location{"", source, 0, 0});
    }
    if (config_.public_key) {
        const auto raw = base64_decode(signature);
        if (!raw || !ed25519_verify(config_.public_key->public_key, body, *raw))
            throw Error(Status::integrity, "REGISTRY_BAD_SIGNATURE",
                        "the registry from " + source + " does not carry a valid Ed25519 signature of key " +
                            config_.public_key->name + " (signature from " + config_.signature_url + ")",
                        "来自 " + source + " 的认定名录没有密钥 " + config_.public_key->name + " 的有效 Ed25519 签名（签名取自 " +
                            config_.signature_url + "）",
                        Location{"", source, 0, 0});
    }
    SourceDocument doc = SourceDocument::parse(body, source, format_of(config_.url, body));
    return std::make_shared<const Loaded>(Loaded{Registry::from_document(doc), etag});
}

void RegistryFeed::install(const Fetched& f, std::int64_t now) {
    auto loaded = check_and_load(f.body, f.signature, f.etag, config_.url);
    const auto old = std::atomic_load(&loaded_);
    log_->info("registry {}: version {} replaces {} ({} certificates)", config_.url, loaded->registry.version(),
               old ? old->registry.version() : "-", loaded->registry.size());
    std::atomic_store(&loaded_, std::move(loaded));
    checked_at_ = now;
    try {
        write_cache(f.body, f.signature, f.etag, now);
    } catch (const Error& e) {
        log_->warn("registry {}: {}", config_.url, e.what());
    }
}

void RegistryFeed::write_cache(const std::string& body, const std::string& signature, const std::string& etag,
                               std::int64_t checked_at) const {
    TextBuffer meta;
    JsonOut w(meta);
    w.begin_object();
    w.key("url");
    w.string(config_.url);
    w.key("etag");
    w.string(etag);
    w.key("signature");
    w.string(signature);
    w.key("checked_at");
    w.number(checked_at);
    w.end_object();
    write_file_durably(config_.cache, body, "CACHE_WRITE_FAILED");
    write_file_durably(config_.cache.string() + ".meta.json", meta.view(), "CACHE_WRITE_FAILED");
}

bool RegistryFeed::load_cache() {
    const auto body = read_whole_file(config_.cache, max_source_bytes);
    const auto meta_text = read_whole_file(config_.cache.string() + ".meta.json", 1 << 16);
    if (!body || !meta_text) return false;
    std::optional<json::Document> meta;
    try {
        meta = json::Document::parse(*meta_text, json::Limits{1 << 16, 4}, "registry cache metadata");
    } catch (const Error&) {
    }
    const json::Value* url = meta ? meta->root().find("url") : nullptr;
    const json::Value* checked_at = meta ? meta->root().find("checked_at") : nullptr;
    const json::Value* etag = meta ? meta->root().find("etag") : nullptr;
    const json::Value* signature = meta ? meta->root().find("signature") : nullptr;
    if (!url || !url->is_string() || !checked_at || !checked_at->is_integer() || !etag || !etag->is_string() ||
        !signature || !signature->is_string()) {
        log_->warn("registry cache {}: its metadata is unreadable; ignored", config_.cache.string());
        return false;
    }
    if (config_.url != url->str()) {
        log_->warn("registry cache {} is of {}, not {}; ignored", config_.cache.string(), url->str(), config_.url);
        return false;
    }
    // The cache is checked like a download: a tampered cache is not used.
    std::atomic_store(&loaded_, check_and_load(*body, std::string(signature->str()), std::string(etag->str()),
                                               config_.cache.string()));
    checked_at_ = checked_at->int64();
    return true;
}

bool RegistryFeed::refresh() {
    std::lock_guard<std::mutex> one_at_a_time(refresh_mutex_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++counters_.fetches;
    }
    Fetched f = fetch(std::atomic_load(&loaded_)->etag);
    const std::int64_t now = unix_now();
    if (f.kind == Fetched::Kind::not_modified) {
        checked_at_ = now;
        std::lock_guard<std::mutex> lock(mutex_);
        ++counters_.not_modified;
        return false;
    }
    std::string error = f.error;
    if (f.kind == Fetched::Kind::document) {
        try {
            install(f, now);
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.updates;
            return true;
        } catch (const Error& e) {
            error = std::string(e.code()) + ": " + e.what();
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++counters_.failures;
        counters_.last_error = error;
    }
    const auto age = now - checked_at_.load();
    log_->warn("registry refresh failed, keeping version {} (confirmed {} s ago): {}", current()->version(), age, error);
    if (age > config_.refuse_after.count())
        log_->error("registry {} is older than refuse_after_seconds ({} s): evaluations are refused until it is refreshed",
                    config_.url, config_.refuse_after.count());
    else if (age > config_.warn_after.count())
        log_->warn("registry {} is older than warn_after_seconds ({} s)", config_.url, config_.warn_after.count());
    return false;
}

RegistryFeed::Counters RegistryFeed::counters() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_;
}

}  // namespace firstset
