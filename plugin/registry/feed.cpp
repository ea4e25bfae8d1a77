#include "registry/feed.hpp"



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

}  // namespace

struct RegistryFeed::Fetched {
    enum class Kind { not_modified, document, unreachable } kind = Kind::unreachable;
    std::string body, signature, etag, error;
};

struct RegistryFeed::Loaded {
    std::shared_ptr<const Registry> registry;
    std::string etag;
};

RegistryFeed::RegistryFeed(RegistryFeedConfig config, std::shared_ptr<const Log> log)
    : config_(std::move(config)), log_(std::move(log)) {
    if (config_.signature_url.empty()) config_.signature_url = config_.url + ".sig";
    // The cache first: the newest document this server has seen, which nothing older replaces.
    std::int64_t cache_checked_at = 0;
    std::shared_ptr<const Loaded> cache;
    std::optional<StatusError> cache_error;
    try {
        cache = read_cache(&cache_checked_at);
    } catch (const StatusError& e) {
        cache_error = e;
        log_->warn("REGISTRY_CACHE_UNUSABLE", "registry cache {}: {} [{}]; not used", config_.cache.string(), e.what(), e.code());
    }
    if (cache) {
        std::atomic_store(&loaded_, cache);
        checked_at_ = cache_checked_at;
    }
    Fetched f = fetch("");
    counters_.fetches = 1;
    if (f.kind == Fetched::Kind::document) {
        try {
            install(f, unix_now());
            counters_.updates = 1;
        } catch (const StatusError& e) {
            // An older document than the cache's: the server (or a mirror) is behind or replaying;
            // the cache is newer and was checked. Any other failed check is an error: the server
            // is wrong, not down.
            if (e.code() != "REGISTRY_ROLLBACK" || !cache) throw;
            counters_.failures = 1;
            counters_.last_error = e.code() + ": " + e.what();
            log_->error("REGISTRY_CACHE_NEWER", "registry {}: {}; starting from the newer cache {}", config_.url, e.what(), config_.cache.string());
        }
    } else {
        counters_.failures = 1;
        counters_.last_error = f.error;
        if (!cache) {
            if (cache_error) throw *cache_error;  // a tampered cache is not used
            throw StatusError(Status::io, "REGISTRY_UNREACHABLE",
                        "the registry " + config_.url + " cannot be fetched (" + f.error + ") and there is no usable cache at " +
                            config_.cache.string(),
                        "无法获取认定名录 " + config_.url + "（" + f.error + "），且 " + config_.cache.string() + " 处没有可用的缓存");
        }
        log_->warn("REGISTRY_FROM_CACHE", "registry {} cannot be fetched ({}); using the cache {}: {} version {}, published {}", config_.url, f.error,
                   config_.cache.string(), current()->id(), current()->version(), current()->published_text());
    }
    snapshot();  // a registry past refuse_after cannot open an engine
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
            log_->error("REGISTRY_REFRESH_ERROR", "registry refresh: {}", e.what());
        }
        lock.lock();
    }
}

std::shared_ptr<const Registry> RegistryFeed::current() const {
    auto loaded = std::atomic_load(&loaded_);
    return loaded->registry;
}

RegistryFreshness RegistryFeed::freshness_of(const Loaded& loaded) const {
    RegistryFreshness f;
    f.url = config_.url;
    f.etag = loaded.etag;
    f.checked_at = checked_at_.load();
    f.published_at = loaded.registry->published().value_or(0);  // check_and_load requires it
    f.published = loaded.registry->published_text();
    f.age_seconds = std::max<std::int64_t>(0, unix_now() - f.published_at);
    f.stale = f.age_seconds > config_.warn_after.count();
    return f;
}

RegistryFreshness RegistryFeed::freshness() const { return freshness_of(*std::atomic_load(&loaded_)); }

RegistrySnapshot RegistryFeed::snapshot() const {
    auto loaded = std::atomic_load(&loaded_);
    RegistryFreshness f = freshness_of(*loaded);
    if (f.age_seconds > config_.refuse_after.count())
        throw StatusError(Status::io, "REGISTRY_TOO_OLD",
                    "the registry from " + config_.url + " was published " + f.published + ", " + std::to_string(f.age_seconds) +
                        " s ago, more than refuse_after_seconds (" + std::to_string(config_.refuse_after.count()) +
                        "): certificates may have been revoked since; the publisher must issue a newer signed registry, "
                        "and this server must be able to fetch it",
                    "来自 " + config_.url + " 的认定名录发布于 " + f.published + "，距今 " + std::to_string(f.age_seconds) +
                        " 秒，超过 refuse_after_seconds（" + std::to_string(config_.refuse_after.count()) +
                        " 秒）：其间可能有证书被撤销；发布方须签发更新的名录，且本服务器须能获取到它");
    return {loaded->registry, std::move(f)};
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
            throw StatusError(Status::integrity, "REGISTRY_DIGEST_MISMATCH",
                        "the registry from " + source + " has SHA-256 " + got + ", not the pinned " + config_.sha256,
                        "来自 " + source + " 的认定名录 SHA-256 为 " + got + "，与配置固定的 " + config_.sha256 + " 不符",
                        Location{"", source, 0, 0});
    }
    if (config_.public_key) {
        const auto raw = base64_decode(signature);
        const std::string algorithm(algorithm_title(config_.public_key->algorithm));
        if (!raw || !verify_message(*config_.public_key, body, *raw))
            throw StatusError(Status::integrity, "REGISTRY_BAD_SIGNATURE",
                        "the registry from " + source + " does not carry a valid " + algorithm + " signature of key " +
                            config_.public_key->name + " (signature from " + config_.signature_url + ")",
                        "来自 " + source + " 的认定名录没有密钥 " + config_.public_key->name + " 的有效 " + algorithm + " 签名（签名取自 " +
                            config_.signature_url + "）",
                        Location{"", source, 0, 0});
    }
    SourceDocument doc = SourceDocument::parse(body, source, SourceDocument::format_for(config_.url, body));
    auto loaded = std::make_shared<const Loaded>(Loaded{std::make_shared<const Registry>(Registry::from_document(doc)), etag});
    // Its age and its order come from the signed bytes, so it must say when it was published.
    const std::optional<std::int64_t> published = loaded->registry->published();
    if (!published)
        doc.fail(Status::config, "REGISTRY_NOT_DATED",
                 "a registry followed from a URL must carry registry.published (RFC 3339), the signed time its age "
                 "counts from; this one does not",
                 "从网址获取的认定名录须包含 registry.published（RFC 3339），即签名覆盖、据以计算名录时效的发布时间；此名录没有",
                 "/registry");
    const std::int64_t now = unix_now();
    if (*published > now + config_.clock_skew.count())
        throw StatusError(Status::integrity, "REGISTRY_FROM_FUTURE",
                    "the registry from " + source + " says it was published " + loaded->registry->published_text() +
                        ", more than " + std::to_string(config_.clock_skew.count()) +
                        " s from now: a wrong clock, here or at the publisher; it is not used",
                    "来自 " + source + " 的认定名录发布时间为 " + loaded->registry->published_text() + "，比当前时间晚 " +
                        std::to_string(config_.clock_skew.count()) + " 秒以上：本机或发布方的时钟有误，不予使用",
                    Location{"/registry/published", source, 0, 0});
    return loaded;
}

void RegistryFeed::install(const Fetched& f, std::int64_t now) {
    auto loaded = check_and_load(f.body, f.signature, f.etag, config_.url);
    const auto old = std::atomic_load(&loaded_);
    if (old) {
        const std::int64_t was = old->registry->published().value_or(0), is = *loaded->registry->published();
        const bool same = old->registry->sha256() == loaded->registry->sha256();
        if (is < was || (is == was && !same))
            throw StatusError(Status::integrity, "REGISTRY_ROLLBACK",
                        "the registry offered by " + config_.url + " was published " + loaded->registry->published_text() +
                            (is < was ? ", before" : ", at the same time as but different from") + " the one in force (" +
                            old->registry->published_text() +
                            "): a registry never gives way to an older one, which could undo a revocation",
                        config_.url + " 提供的认定名录发布于 " + loaded->registry->published_text() +
                            (is < was ? "，早于" : "，与现用名录同时发布但内容不同（现用名录发布于 ") + old->registry->published_text() +
                            (is < was ? " 发布的现用名录" : "）") + "：名录不会被更早的版本替换，否则撤销可能被撤回",
                        Location{"/registry/published", config_.url, 0, 0});
        if (same) {  // the same document under another ETag: nothing to swap
            std::atomic_store(&loaded_, std::make_shared<const Loaded>(Loaded{old->registry, f.etag}));
            checked_at_ = now;
            return;
        }
    }
    log_->info("REGISTRY_UPDATED", "registry {}: version {} published {} replaces {} ({} certificates)", config_.url, loaded->registry->version(),
               loaded->registry->published_text(), old ? old->registry->version() : "-", loaded->registry->size());
    std::atomic_store(&loaded_, std::move(loaded));
    checked_at_ = now;
    try {
        write_cache(f.body, f.signature, f.etag, now);
    } catch (const StatusError& e) {
        log_->warn("REGISTRY_REFUSED", "registry {}: {}", config_.url, e.what());
    }
}

void RegistryFeed::write_cache(const std::string& body, const std::string& signature, const std::string& etag,
                               std::int64_t checked_at) const {
    TextBuffer meta;
    JsonOut w(meta);
    w.begin_object();
    w.field("url", config_.url);
    w.field("etag", etag);
    w.field("signature", signature);
    w.field("checked_at", checked_at);
    w.end_object();
    write_file_durably(config_.cache, body, "CACHE_WRITE_FAILED");
    write_file_durably(config_.cache.string() + ".meta.json", meta.view(), "CACHE_WRITE_FAILED");
}

std::shared_ptr<const RegistryFeed::Loaded> RegistryFeed::read_cache(std::int64_t* checked_at) const {
    const auto body = read_whole_file(config_.cache, max_source_bytes);
    const auto meta_text = read_whole_file(config_.cache.string() + ".meta.json", 1 << 16);
    if (!body || !meta_text) return nullptr;
    std::optional<json::Document> meta;
    try {
        meta = json::Document::parse(*meta_text, json::Limits{1 << 16, 4}, "registry cache metadata");
    } catch (const StatusError&) {
    }
    const auto [url, when, etag, signature] =
        meta ? json::members<4>(meta->root(), {"url", "checked_at", "etag", "signature"}) : std::array<json::Ref, 4>{};
    if (!url || !url->is_string() || !when || !when->is_integer() || !etag || !etag->is_string() || !signature ||
        !signature->is_string()) {
        log_->warn("REGISTRY_CACHE_UNREADABLE", "registry cache {}: its metadata is unreadable; ignored", config_.cache.string());
        return nullptr;
    }
    if (config_.url != url->str()) {
        log_->warn("REGISTRY_CACHE_OTHER_URL", "registry cache {} is of {}, not {}; ignored", config_.cache.string(), url->str(), config_.url);
        return nullptr;
    }
    // The cache is checked like a download: a tampered cache is not used.
    auto loaded = check_and_load(*body, std::string(signature->str()), std::string(etag->str()), config_.cache.string());
    *checked_at = when->int64();
    return loaded;
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
        // The server says nothing changed. That keeps the registry, not its age: the age counts
        // from the signed publication time, so a stale registry stays stale until a newer one comes.
        checked_at_ = now;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.not_modified;
        }
        const RegistryFreshness fr = freshness();
        if (fr.age_seconds > config_.warn_after.count())
            log_->warn("REGISTRY_UNCHANGED_OLD", "registry {} is unchanged on the server and was published {} s ago (warn_after_seconds {})",
                       config_.url, fr.age_seconds, config_.warn_after.count());
        return false;
    }
    std::string error = f.error;
    if (f.kind == Fetched::Kind::document) {
        try {
            install(f, now);
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.updates;
            return true;
        } catch (const StatusError& e) {
            error = std::string(e.code()) + ": " + e.what();
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++counters_.failures;
        counters_.last_error = error;
    }
    const auto age = freshness().age_seconds;
    log_->warn("REGISTRY_REFRESH_FAILED", "registry refresh failed, keeping version {} (published {} s ago): {}", current()->version(), age, error);
    if (age > config_.refuse_after.count())
        log_->error("REGISTRY_TOO_OLD", "registry {} is older than refuse_after_seconds ({} s): evaluations are refused until it is refreshed",
                    config_.url, config_.refuse_after.count());
    else if (age > config_.warn_after.count())
        log_->warn("REGISTRY_STALE", "registry {} is older than warn_after_seconds ({} s)", config_.url, config_.warn_after.count());
    return false;
}

RegistryFeed::Counters RegistryFeed::counters() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_;
}

}  // namespace firstset
