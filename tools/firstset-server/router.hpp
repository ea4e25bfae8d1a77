// What firstset-server answers, apart from the network: a request (method, target, the
// Authorization header, the body, the peer) in, a reply (HTTP status, body, headers) out. The
// session (server.cpp) reads and writes HTTP; this file decides, so the same decisions are
// tested and fuzzed without sockets.
//
// Routes (docs/server.md, docs/openapi.yaml):
//   POST /v1/evaluate  POST /v1/lint  POST /v1/incentive  POST /v1/records  GET /v1/records/{id}  POST /v1/verify
//   GET /v1/status  GET /healthz  GET /metrics
// An engine status becomes an HTTP status as docs/contract.md section 12 says: PARSE, SCHEMA,
// ARGUMENT -> 400; LIMIT -> 413; NOT_FOUND -> 404; CONFIG, IO -> 503; INTEGRITY -> 409;
// INTERNAL -> 500; the body is the same error document the C ABI gives.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine.hpp"
#include "metrics.hpp"
#include "tokens.hpp"
#include "util/error.hpp"

namespace fsserver {

enum class Method { get, head, post, other };

struct Request {
    Method method = Method::get;
    std::string_view method_text;  // as sent, for 405's message
    std::string_view target;       // path and query, as sent
    std::string_view authorization;
    std::string_view body;
    std::string peer_address;
    std::uint16_t peer_port = 0;
};

struct Reply {
    unsigned status = 200;
    std::string body;
    const char* content_type = "application/json";
    const char* allow = nullptr;     // for 405
    bool authenticate = false;       // for 401: WWW-Authenticate: Bearer
    std::string error_code;          // for the access log; empty on success
    std::string token;               // the name of the token the request carried, if valid
};

struct RouterSettings {
    const Tokens* tokens = nullptr;  // null: no --token-file
    bool loopback = true;            // the listening address is a loopback one
    // Folders whose ledgers POST /v1/verify may read (the engine's ledger's folder is always one).
    std::vector<std::filesystem::path> verify_roots;
};

class Router {
public:
    Router(const firstset::EngineCore& engine, RouterSettings settings, Metrics& metrics,
           const std::atomic<bool>& draining);

    static Route route_of(Method method, std::string_view target);
    // Whether answering waits for the disk (records, verify; logged evaluations are deferred apart): such
    // requests run on the disk workers, not on the network threads.
    bool waits_for_disk(Route route) const;

    Reply handle(const Request& request, Route route) const;

    // POST /v1/evaluate when evaluations are logged: the answer is made at once and its record
    // only enqueued; seq is the record's (0: nothing to wait for, e.g. an error). The session
    // answers after EngineCore::wait_durable(seq), on the server's durability threads.
    Reply evaluate_deferred(const Request& request, std::uint64_t& seq) const;
    bool defers_evaluations() const { return engine_.evaluations_logged(); }
    const firstset::EngineCore& engine() const { return engine_; }
    // The error answer for a StatusError (the C ABI's document, contract 12's HTTP status).
    static Reply from_error(const firstset::StatusError& e);

    // Whether the address the server bound is a loopback one; set before serving.
    void set_loopback(bool loopback) { settings_.loopback = loopback; }

    // An error reply of the server's own (HTTP-level problems: a body too large, a bad request).
    static Reply error(unsigned http_status, firstset::Status status, const std::string& code, const std::string& en,
                       const std::string& zh, const std::string& pointer = {});
    static unsigned http_status_of(firstset::Status status) noexcept;

private:
    Reply dispatch(const Request& r, Route route) const;
    Reply evaluate(const Request& r) const;
    Reply lint(const Request& r) const;
    Reply incentive(const Request& r) const;
    Reply record(const Request& r) const;
    Reply get_record(const Request& r) const;
    Reply verify(const Request& r) const;
    Reply status() const;
    Reply healthz() const;
    Reply metrics() const;
    Reply wrong_method(const Request& r, Route route) const;
    Reply not_found(const Request& r) const;
    firstset::Caller caller(const Request& r, const std::string& token) const;

    const firstset::EngineCore& engine_;
    RouterSettings settings_;
    Metrics& metrics_;
    const std::atomic<bool>& draining_;
};

}  // namespace fsserver
