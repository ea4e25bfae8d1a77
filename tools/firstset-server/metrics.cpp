#include "metrics.hpp"

#include <iterator>

#include <fmt/format.h>

namespace fsserver {

const char* route_name(Route r) noexcept {
    switch (r) {
        case Route::evaluate: return "/v1/evaluate";
        case Route::lint: return "/v1/lint";
        case Route::incentive: return "/v1/incentive";
        case Route::records_post: return "/v1/records";
        case Route::records_get: return "/v1/records/{id}";
        case Route::verify: return "/v1/verify";
        case Route::status: return "/v1/status";
        case Route::healthz: return "/healthz";
        case Route::metrics: return "/metrics";
        default: return "other";
    }
}

const char* route_method(Route r) noexcept {
    switch (r) {
        case Route::evaluate:
        case Route::lint:
        case Route::incentive:
        case Route::records_post:
        case Route::verify: return "POST";
        case Route::records_get:
        case Route::status:
        case Route::healthz:
        case Route::metrics: return "GET";
        default: return "";
    }
}

std::size_t Metrics::status_index(unsigned s) noexcept {
    for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
        if (statuses[i] == s) return i;
    return statuses.size() - 1;
}

void Metrics::request(Route route, unsigned http_status, std::chrono::steady_clock::duration took) noexcept {
    const auto r = static_cast<std::size_t>(route);
    const auto us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    requests_[r][status_index(http_status)].fetch_add(1, std::memory_order_relaxed);
    std::size_t b = 0;
    while (b < bounds_us.size() && us > bounds_us[b]) ++b;
    buckets_[r][b].fetch_add(1, std::memory_order_relaxed);
    sum_us_[r].fetch_add(us, std::memory_order_relaxed);
}

namespace {

template <typename... Args>
void line(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

void help(std::string& out, const char* name, const char* type, const char* text) {
    line(out, "# HELP {} {}\n# TYPE {} {}\n", name, text, name, type);
}

// A family of one unlabelled sample: its HELP and TYPE lines, then the sample.
template <typename T>
void single(std::string& out, const char* name, const char* type, const char* text, T value) {
    help(out, name, type, text);
    line(out, "{} {}\n", name, value);
}

std::string seconds(std::uint64_t us) { return fmt::format("{}.{:06}", us / 1000000, us % 1000000); }

// A bucket bound as Prometheus clients write it: 0.00025, 0.5, 1, 10.
std::string bound(std::uint64_t us) {
    std::string s = seconds(us);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

std::string Metrics::render(const firstset::EngineCore::Counters& e, bool draining) const {
    std::string out;
    out.reserve(16384);
    help(out, "firstset_build_info", "gauge", "The firstset version serving, as a label; always 1.");
    line(out, "firstset_build_info{{version=\"{}\"}} 1\n", FIRSTSET_VERSION_STRING);
    help(out, "firstset_start_time_seconds", "gauge", "When the server started, in Unix seconds.");
    line(out, "firstset_start_time_seconds {}\n",
         static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(started_.time_since_epoch()).count()));
    single(out, "firstset_draining", "gauge", "1 once SIGTERM arrived and the server drains requests in flight.", draining ? 1 : 0);
    
    help(out, "firstset_http_requests_total", "counter", "HTTP requests answered, by route, method and status code.");
    for (std::size_t r = 0; r < routes; ++r)
        for (std::size_t s = 0; s < statuses.size(); ++s) {
            const std::uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
            if (n == 0) continue;
            const Route route = static_cast<Route>(r);
            if (statuses[s] == 0)
                line(out, "firstset_http_requests_total{{route=\"{}\",method=\"{}\",code=\"other\"}} {}\n",
                     route_name(route), route_method(route), n);
            else
                line(out, "firstset_http_requests_total{{route=\"{}\",method=\"{}\",code=\"{}\"}} {}\n",
                     route_name(route), route_method(route), statuses[s], n);
        }
    help(out, "firstset_http_request_duration_seconds", "histogram",
         "Time from a request read whole to its answer handed to the socket, by route.");
    for (std::size_t r = 0; r < routes; ++r) {
        const char* name = route_name(static_cast<Route>(r));
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= bounds_us.size(); ++b) {
            cumulative += buckets_[r][b].load(std::memory_order_relaxed);
            if (b < bounds_us.size())
                line(out, "firstset_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", name,
                     bound(bounds_us[b]), cumulative);
            else
                line(out, "firstset_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", name,
                     cumulative);
        }
        line(out, "firstset_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", name,
             seconds(sum_us_[r].load(std::memory_order_relaxed)));
        line(out, "firstset_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", name,
             cumulative);
    }
    single(out, "firstset_http_connections_open", "gauge", "Client connections open now.", open_.load(std::memory_order_relaxed));
    single(out, "firstset_http_connections_total", "counter", "Client connections accepted.", connections_total_.load());
    single(out, "firstset_http_connections_refused_total", "counter", "Connections closed at once: over --max-connections.", refused_.load());
    single(out, "firstset_http_timeouts_total", "counter", "Connections closed because a request or an idle wait took too long.", timeouts_.load());
    single(out, "firstset_http_malformed_total", "counter", "Requests that were not well-formed HTTP/1.x (answered 400, 413 or 431).", bad_http_.load());

    single(out, "firstset_ledger_configured", "gauge", "1 when the configuration names a ledger.", e.ledger ? 1 : 0);
    if (e.ledger) {
        single(out, "firstset_ledger_records", "gauge", "Durable records in the ledger file.", e.ledger_records);
        single(out, "firstset_ledger_appends_total", "counter", "Records appended (durably) since the server started.", e.ledger_appends);
        single(out, "firstset_ledger_syncs_total", "counter", "fdatasync calls since the server started; appends per sync is the group commit.", e.ledger_syncs);
    }
    single(out, "firstset_registry_certificates", "gauge", "Certificates in the registry in force.", e.registry_certificates);
    single(out, "firstset_registry_followed", "gauge", "1 when the registry is followed from a URL (registry.url).", e.registry_followed ? 1 : 0);
    if (e.registry_followed) {
        single(out, "firstset_registry_age_seconds", "gauge", "Age of the registry in force, from its signed publication time.", e.registry_age_seconds);
        single(out, "firstset_registry_stale", "gauge", "1 when the registry is older than registry.stale_after (a warning on every answer).", e.registry_stale ? 1 : 0);
        single(out, "firstset_registry_refused", "gauge", "1 when the registry is older than registry.refuse_after (evaluations are refused).", e.registry_refused ? 1 : 0);
        single(out, "firstset_registry_fetches_total", "counter", "Registry downloads attempted.", e.registry_fetches);
        single(out, "firstset_registry_updates_total", "counter", "New registries put in force.", e.registry_updates);
        single(out, "firstset_registry_failures_total", "counter", "Registry downloads or checks that failed.", e.registry_failures);
    }
    single(out, "firstset_ship_configured", "gauge", "1 when the ledger is shipped to an archive (ledger.ship).", e.shipping ? 1 : 0);
    if (e.shipping) {
        single(out, "firstset_ship_shipped_records", "gauge", "Records the archive holds.", e.shipped_records);
        single(out, "firstset_ship_pending_records", "gauge", "Durable records not yet shipped.", e.ship_pending);
        single(out, "firstset_ship_batches_total", "counter", "Objects written to the archive since the server started.", e.shipped_batches);
        single(out, "firstset_ship_failures_total", "counter", "Failed shipping attempts since the server started.", e.ship_failures);
        single(out, "firstset_ship_consecutive_failures", "gauge", "Failed shipping attempts since the last success.", e.ship_consecutive_failures);
    }
    return out;
}

}  // namespace fsserver
