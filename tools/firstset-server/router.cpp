#include "router.hpp"

#include <new>

#include "capi_guard.hpp"
#include "firstset/firstset.h"
#include "ledger/format.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace fsserver {

using firstset::Status;
using firstset::StatusError;

namespace {

std::string_view path_of(std::string_view target) {
    // absolute-form (RFC 9112 3.2.2): http://host/path -> /path
    for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")})
        if (target.substr(0, scheme.size()) == scheme) {
            const std::size_t slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
            break;
        }
    const std::size_t q = target.find('?');
    return q == std::string_view::npos ? target : target.substr(0, q);
}

constexpr std::string_view records_prefix = "/v1/records/";

bool is_record_id(std::string_view id) {
    if (id.size() != 64) return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// Runs an engine call; any exception becomes the C ABI's error document with its HTTP status.
template <typename Call>
Reply engine_call(unsigned ok_status, Call&& call) {
    Reply reply;
    try {
        firstset::TextBuffer out;
        call(out);
        reply.status = ok_status;
        reply.body.assign(out.view());
        return reply;
    } catch (const StatusError& e) {
        return Router::from_error(e);
    } catch (const std::bad_alloc&) {
        return Router::error(500, Status::internal, "OUT_OF_MEMORY", "out of memory", "内存不足");
    } catch (const std::exception& e) {
        return Router::error(500, Status::internal, "INTERNAL_ERROR",
                             std::string("internal error (a bug in firstset, please report it): ") + e.what(),
                             std::string("内部错误（firstset 的缺陷，请报告）：") + e.what());
    }
}

// Whether `path` (absolute, normalised) lies inside `root`.
bool inside(const std::filesystem::path& path, const std::filesystem::path& root) {
    auto p = path.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++p) {
        if (r->empty()) continue;  // a trailing separator
        if (p == path.end() || *p != *r) return false;
    }
    return true;
}

}  // namespace

Router::Router(const firstset::EngineCore& engine, RouterSettings settings, Metrics& metrics,
               const std::atomic<bool>& draining)
    : engine_(engine), settings_(std::move(settings)), metrics_(metrics), draining_(draining) {
    std::error_code ec;
    if (!engine_.config().ledger.empty()) settings_.verify_roots.push_back(engine_.config().ledger.parent_path());
    for (auto& root : settings_.verify_roots) {
        auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(root, ec), ec);
        if (!ec) root = canonical;
    }
}

Reply Router::from_error(const StatusError& e) {
    Reply reply;
    reply.status = http_status_of(e.status());
    reply.error_code = e.code();
    reply.body = firstset::capi::error_document(e.status(), e.code(), e.message_en(), e.message_zh(), e.where());
    return reply;
}

unsigned Router::http_status_of(Status status) noexcept {
    switch (status) {
        case Status::ok: return 200;
        case Status::argument:
        case Status::parse:
        case Status::schema: return 400;
        case Status::limit: return 413;
        case Status::not_found: return 404;
        case Status::config:
        case Status::io: return 503;
        case Status::integrity: return 409;
        case Status::internal: return 500;
    }
    return 500;
}

Reply Router::error(unsigned http_status, Status status, const std::string& code, const std::string& en,
                    const std::string& zh, const std::string& pointer) {
    Reply reply;
    reply.status = http_status;
    reply.error_code = code;
    reply.body = firstset::capi::error_document(status, code, en, zh, firstset::Location{pointer, "", 0, 0});
    return reply;
}

Route Router::route_of(Method method, std::string_view target) {
    const std::string_view path = path_of(target);
    (void)method;
    if (path == "/v1/evaluate") return Route::evaluate;
    if (path == "/v1/lint") return Route::lint;
    if (path == "/v1/incentive") return Route::incentive;
    if (path == "/v1/records") return Route::records_post;
    if (path.size() > records_prefix.size() && path.substr(0, records_prefix.size()) == records_prefix)
        return Route::records_get;
    if (path == "/v1/verify") return Route::verify;
    if (path == "/v1/status") return Route::status;
    if (path == "/healthz") return Route::healthz;
    if (path == "/metrics") return Route::metrics;
    return Route::other;
}

bool Router::waits_for_disk(Route route) const {
    // Logged evaluations do not: their records are enqueued and waited for apart (evaluate_deferred).
    return route == Route::records_post || route == Route::verify;
}

firstset::Caller Router::caller(const Request& r, const std::string& token) const {
    firstset::Caller c;
    c.token = token;
    c.address = r.peer_address;
    c.port = r.peer_port;
    return c;
}

Reply Router::handle(const Request& r, Route route) const {
    try {
        return dispatch(r, route);
    } catch (const std::exception& e) {
        return error(500, Status::internal, "INTERNAL_ERROR",
                     std::string("internal error (a bug in firstset-server, please report it): ") + e.what(),
                     std::string("内部错误（firstset-server 的缺陷，请报告）：") + e.what());
    }
}

Reply Router::dispatch(const Request& r, Route route) const {
    const char* want = route_method(route);
    if (route == Route::other) return not_found(r);
    const bool get_like = r.method == Method::get || r.method == Method::head;
    if ((want[0] == 'P' && r.method != Method::post) || (want[0] == 'G' && !get_like)) return wrong_method(r, route);
    switch (route) {
        case Route::evaluate: return evaluate(r);
        case Route::lint: return lint(r);
        case Route::incentive: return incentive(r);
        case Route::records_post: return record(r);
        case Route::records_get: return get_record(r);
        case Route::verify: return verify(r);
        case Route::status: return status();
        case Route::healthz: return healthz();
        case Route::metrics: return metrics();
        default: return not_found(r);
    }
}

Reply Router::evaluate(const Request& r) const {
    std::string token;
    if (settings_.tokens && !r.authorization.empty()) token = settings_.tokens->check(r.authorization).value_or("");
    const firstset::Caller who = caller(r, token);
    Reply reply = engine_call(200, [&](firstset::TextBuffer& out) { engine_.evaluate(r.body, out, &who); });
    reply.token = token;
    return reply;
}

Reply Router::evaluate_deferred(const Request& r, std::uint64_t& seq) const {
    seq = 0;
    if (r.method != Method::post) return handle(r, Route::evaluate);
    std::string token;
    if (settings_.tokens && !r.authorization.empty()) token = settings_.tokens->check(r.authorization).value_or("");
    const firstset::Caller who = caller(r, token);
    Reply reply;
    try {
        reply = engine_call(200, [&](firstset::TextBuffer& out) { engine_.evaluate(r.body, out, &who, &seq); });
    } catch (const std::exception& e) {
        reply = error(500, Status::internal, "INTERNAL_ERROR",
                      std::string("internal error (a bug in firstset-server, please report it): ") + e.what(),
                      std::string("内部错误（firstset-server 的缺陷，请报告）：") + e.what());
    }
    if (reply.status != 200) seq = 0;  // a record enqueued before a later failure is written anyway
    reply.token = token;
    return reply;
}

Reply Router::lint(const Request& r) const {
    return engine_call(200, [&](firstset::TextBuffer& out) { engine_.lint(r.body, out); });
}

Reply Router::incentive(const Request& r) const {
    return engine_call(200, [&](firstset::TextBuffer& out) { engine_.incentive(r.body, out); });
}

Reply Router::record(const Request& r) const {
    std::string token;
    if (settings_.tokens) {
        if (r.authorization.empty()) {
            Reply reply = error(401, Status::argument, "TOKEN_REQUIRED",
                                "writing a record needs a bearer token (Authorization: Bearer <token>)",
                                "写入记录需要持有者令牌（Authorization: Bearer <令牌>）");
            reply.authenticate = true;
            return reply;
        }
        auto name = settings_.tokens->check(r.authorization);
        if (!name) {
            Reply reply = error(401, Status::argument, "TOKEN_INVALID",
                                "the bearer token is not one of the server's tokens",
                                "持有者令牌不是本服务配置的令牌");
            reply.authenticate = true;
            return reply;
        }
        token = *name;
    } else if (!settings_.loopback) {
        return error(403, Status::argument, "WRITES_NEED_TOKEN",
                     "this server listens on a non-loopback address without --token-file, so it takes no records",
                     "本服务在非回环地址上监听且未设置 --token-file，因此不接受写入记录");
    }
    const firstset::Caller who = caller(r, token);
    Reply reply = engine_call(201, [&](firstset::TextBuffer& out) { engine_.record(r.body, out, &who); });
    reply.token = token;
    return reply;
}

Reply Router::get_record(const Request& r) const {
    const std::string_view id = path_of(r.target).substr(records_prefix.size());
    std::optional<std::string> line;
    if (is_record_id(id)) line = engine_.find_record(id);
    if (!line)
        return error(404, Status::not_found, "RECORD_NOT_FOUND",
                     "there is no award, failure report or tolerance decision with this id in the ledger",
                     "账本中没有该编号的授标、故障报告或容错决定记录");
    Reply reply;
    reply.body = std::move(*line);
    return reply;
}

Reply Router::verify(const Request& r) const {
    // The files a verify request names (ledger, checkpoint) are checked against the folders
    // this server may read and made absolute (a relative path is relative to the
    // configuration's folder); anything the check cannot read is left for verify_ledger, which
    // reports it as the C ABI does.
    std::string rewritten;
    try {
        firstset::json::Document doc = firstset::json::Document::parse(
            r.body, firstset::json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH}, "verify request");
        const firstset::json::Value& root = doc.root();
        if (root.is_object()) {
            firstset::TextBuffer buf;
            firstset::JsonOut w(buf);
            w.begin_object();
            for (const firstset::json::Member& m : root.members()) {
                const bool file = m.name() == "ledger" || m.name() == "checkpoint";
                if (!file || !m.value.is_string() || m.value.str().empty() ||
                    m.value.str().find('\0') != std::string_view::npos) {
                    w.field(m);
                    continue;
                }
                std::filesystem::path path(std::string(m.value.str()));
                if (path.is_relative()) path = engine_.config().file.parent_path() / path;
                // No "..": weakly_canonical resolves links only up to the first part that does not
                // exist and the rest as text, so nope/../link/file would pass as inside a root.
                bool dotdot = false;
                for (const auto& part : path) dotdot = dotdot || part == "..";
                std::error_code ec;
                const std::filesystem::path resolved =
                    std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
                bool allowed = false;
                if (!ec && !dotdot)
                    for (const auto& root_dir : settings_.verify_roots) allowed = allowed || inside(resolved, root_dir);
                if (!allowed)
                    return error(403, Status::argument, "PATH_NOT_ALLOWED",
                                 "this server reads ledgers and checkpoints only in its own ledger's folder or a "
                                 "--verify-root folder",
                                 "本服务只读取其账本所在文件夹或 --verify-root 指定文件夹中的账本与检查点",
                                 "/" + std::string(m.name()));
                w.field(m.name(), resolved.string());
            }
            w.end_object();
            rewritten.assign(buf.view());
        }
    } catch (const StatusError&) {
        // not well-formed or over a limit: verify_ledger says so
    }
    const std::string_view text = rewritten.empty() ? r.body : std::string_view(rewritten);
    return engine_call(200, [&](firstset::TextBuffer& out) { firstset::verify_ledger(text, out); });
}

Reply Router::status() const {
    return engine_call(200, [&](firstset::TextBuffer& out) { engine_.status(out); });
}

Reply Router::healthz() const {
    Reply reply;
    if (draining_.load(std::memory_order_relaxed)) {
        reply.status = 503;
        reply.error_code = "SERVER_DRAINING";
        reply.body = R"({"status":"draining"})";
    } else {
        reply.body = R"({"status":"ok"})";
    }
    return reply;
}

Reply Router::metrics() const {
    Reply reply;
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = metrics_.render(engine_.counters(), draining_.load(std::memory_order_relaxed));
    return reply;
}

Reply Router::wrong_method(const Request& r, Route route) const {
    const bool post = route_method(route)[0] == 'P';
    Reply reply = error(405, Status::argument, "METHOD_NOT_ALLOWED",
                        std::string(route_name(route)) + " takes " + (post ? "POST" : "GET") + ", not " +
                            std::string(r.method_text.substr(0, 32)),
                        std::string(route_name(route)) + " 只接受 " + (post ? "POST" : "GET") + " 请求");
    reply.allow = post ? "POST" : "GET, HEAD";
    return reply;
}

Reply Router::not_found(const Request& r) const {
    (void)r;
    return error(404, Status::not_found, "ROUTE_NOT_FOUND",
                 "no such route; see docs/server.md (POST /v1/evaluate, /v1/lint, /v1/incentive, /v1/records, /v1/verify; GET "
                 "/v1/records/{id}, /v1/status, /healthz, /metrics)",
                 "没有该路径；见 docs/server.md（POST /v1/evaluate、/v1/lint、/v1/incentive、/v1/records、/v1/verify；GET "
                 "/v1/records/{id}、/v1/status、/healthz、/metrics）");
}

}  // namespace fsserver
