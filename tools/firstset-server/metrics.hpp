// What firstset-server counts for /metrics (Prometheus text format 0.0.4): requests by route and
// HTTP status, a latency histogram per route, connections, and the engine's own counters (ledger
// appends and syncs, registry age and staleness, shipping). Counting is a few relaxed atomic
// additions per request; rendering reads them without stopping anything.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "engine.hpp"

namespace fsserver {

// The routes of docs/server.md, plus `other` for everything no route serves.
enum class Route : unsigned { evaluate, lint, incentive, records_post, records_get, verify, status, healthz, metrics, other, count };

const char* route_name(Route r) noexcept;    // "/v1/evaluate", ..., "other"
const char* route_method(Route r) noexcept;  // "POST", "GET", "" for other

class Metrics {
public:
    // The HTTP statuses the server answers, each counted apart; anything else is counted as other.
    static constexpr std::array<unsigned, 16> statuses{200, 201, 400, 401, 403, 404, 405, 408,
                                                       409, 411, 413, 415, 431, 500, 503, 0};
    // Upper bounds of the latency buckets, in microseconds (+Inf is implied).
    static constexpr std::array<std::uint64_t, 14> bounds_us{250,    500,    1000,    2500,    5000,    10000,   25000,
                                                             50000, 100000, 250000, 500000, 1000000, 2500000, 10000000};

    void request(Route route, unsigned http_status, std::chrono::steady_clock::duration took) noexcept;
    void connection_opened() noexcept { connections_total_.fetch_add(1, std::memory_order_relaxed); open_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() noexcept { open_.fetch_sub(1, std::memory_order_relaxed); }
    void connection_refused() noexcept { refused_.fetch_add(1, std::memory_order_relaxed); }
    void timed_out() noexcept { timeouts_.fetch_add(1, std::memory_order_relaxed); }
    void bad_http() noexcept { bad_http_.fetch_add(1, std::memory_order_relaxed); }
    std::int64_t open_connections() const noexcept { return open_.load(std::memory_order_relaxed); }

    // The exposition: these counters, then the engine's; draining is 1 once SIGTERM arrived.
    std::string render(const firstset::EngineCore::Counters& engine, bool draining) const;

private:
    static std::size_t status_index(unsigned s) noexcept;
    static constexpr std::size_t routes = static_cast<std::size_t>(Route::count);
    std::array<std::array<std::atomic<std::uint64_t>, statuses.size()>, routes> requests_{};
    std::array<std::array<std::atomic<std::uint64_t>, bounds_us.size() + 1>, routes> buckets_{};
    std::array<std::atomic<std::uint64_t>, routes> sum_us_{};
    std::atomic<std::uint64_t> connections_total_{0}, refused_{0}, timeouts_{0}, bad_http_{0};
    std::atomic<std::int64_t> open_{0};
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

}  // namespace fsserver
