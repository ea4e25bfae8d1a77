// A certificate registry followed from a URL: fetched with conditional requests (ETag /
// If-None-Match), checked against a pinned SHA-256 or an Ed25519 signature before it is used,
// kept in a local cache for starts when the server cannot be reached, and refreshed on an
// interval by a background thread that swaps the new registry in atomically. Evaluations take a
// snapshot (`snapshot()`), so they never wait on the network and never see a half-loaded
// registry; a document that fails any check is refused and the previous registry stays.
//
// Freshness is what the publisher signed, never what the network says: every document carries
// its publication time (registry.published) inside the signed bytes; its age counts from that
// time, so warn_after and refuse_after trip however many 304s a mirror or anyone in the path
// answers; and a document published before the one in force is refused (REGISTRY_ROLLBACK), so
// an old, validly signed registry cannot be replayed to undo a revocation. Plain http is refused
// unless allow_http is set (tests on loopback).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "util/log.hpp"
#include "net/http.hpp"
#include "registry/registry.hpp"
#include "util/signing.hpp"

namespace firstset {

struct RegistryFeedConfig {
    std::string url;
    std::filesystem::path cache;          // the last good document; <cache>.meta.json beside it
    std::string sha256;                   // pinned digest (lower-case hex), or empty
    std::optional<VerifierKey> public_key;  // Ed25519 or SM2 verifier key, or none
    std::string signature_url;            // default: url + ".sig" (base64 of the 64-byte signature)
    std::chrono::seconds refresh{300};    // 0: no background refresh
    std::chrono::seconds warn_after{86400};    // counted from the signed publication time
    std::chrono::seconds refuse_after{7 * 86400};
    std::chrono::seconds clock_skew{300};      // how far in the future a publication time may be
    net::HttpOptions http;
};

struct RegistryFreshness {
    std::string url;
    std::string etag;
    std::int64_t checked_at = 0;    // Unix seconds of the server's last answer for it (200 or 304); 0: none yet
    std::int64_t published_at = 0;  // the signed publication time
    std::string published;          // the same, as the document writes it
    std::int64_t age_seconds = 0;   // since published_at
    bool stale = false;             // older than warn_after
};

// The registry in force and its freshness, taken together.
struct RegistrySnapshot {
    std::shared_ptr<const Registry> registry;
    RegistryFreshness freshness;
};

class RegistryFeed {
public:
    // Fetches the registry, or falls back to the cache when the server cannot be reached or
    // offers a document older than the cache's (not when it answers with a document that fails a
    // check). Throws StatusError: IO (REGISTRY_UNREACHABLE with no usable cache, REGISTRY_TOO_OLD when
    // even the newest document is too old), INTEGRITY (REGISTRY_DIGEST_MISMATCH,
    // REGISTRY_BAD_SIGNATURE, REGISTRY_FROM_FUTURE, REGISTRY_ROLLBACK), CONFIG (a registry that
    // breaks its schema, REGISTRY_NOT_DATED).
    RegistryFeed(RegistryFeedConfig config, std::shared_ptr<const Log> log);
    ~RegistryFeed();
    RegistryFeed(const RegistryFeed&) = delete;
    RegistryFeed& operator=(const RegistryFeed&) = delete;

    // Starts the background refresh (when the interval is not 0).
    void start();

    // The registry in force. [thread-safe, lock-free, never blocks on the network]
    std::shared_ptr<const Registry> current() const;

    // Freshness now. [thread-safe]
    RegistryFreshness freshness() const;
    // The registry in force with its freshness, for one evaluation; throws StatusError IO
    // REGISTRY_TOO_OLD past refuse_after. [thread-safe, lock-free]
    RegistrySnapshot snapshot() const;

    // One refresh: conditional GET, checks, swap, cache. Returns true when a new registry is in
    // force. Failures (an older document included) are logged and counted; the registry in force
    // stays. [thread-safe]
    bool refresh();

    struct Counters {
        std::uint64_t fetches = 0, not_modified = 0, updates = 0, failures = 0;
        std::string last_error;
    };
    Counters counters() const;
    const RegistryFeedConfig& config() const { return config_; }

private:
    struct Fetched;
    struct Loaded;  // a registry with the ETag it was served with
    Fetched fetch(const std::string& etag);
    std::shared_ptr<const Loaded> check_and_load(const std::string& body, const std::string& signature,
                                                 const std::string& etag, const std::string& source) const;
    // Checks a fetched document, refuses it when it is older than the one in force, else swaps it
    // in and caches it. Throws StatusError when a check fails.
    void install(const Fetched& f, std::int64_t now);
    RegistryFreshness freshness_of(const Loaded& loaded) const;
    void write_cache(const std::string& body, const std::string& signature, const std::string& etag,
                     std::int64_t checked_at) const;
    // The cache checked like a download: nullptr when there is none or its metadata is unreadable;
    // throws the check's StatusError when its document fails a check.
    std::shared_ptr<const Loaded> read_cache(std::int64_t* checked_at) const;
    void run();

    RegistryFeedConfig config_;
    std::shared_ptr<const Log> log_;
    std::shared_ptr<const Loaded> loaded_;  // read and written with std::atomic_load/store
    std::atomic<std::int64_t> checked_at_{0};
    mutable std::mutex mutex_;  // counters_
    Counters counters_;
    std::mutex refresh_mutex_;
    std::condition_variable wake_;
    std::mutex wake_mutex_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace firstset
