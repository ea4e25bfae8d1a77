// firstset-server's network side (Boost.Beast over Boost.Asio): HTTP/1.1 with keep-alive, a
// fixed pool of network threads, a fixed pool of disk workers for the calls that wait for the
// ledger's sync, limits on header and body size, a deadline per request and per idle
// connection, optional TLS (OpenSSL), and a graceful drain on SIGTERM or SIGINT.
//
// Life of a connection: wait for the first byte of a request (idle timeout; a draining server
// closes connections here), read the header then the body against one deadline
// (--request-timeout; `Expect: 100-continue` is answered), decide (router.hpp) on the network
// thread or on a disk worker, write the answer (same deadline), log it, go round again unless
// the client or the drain asked to close. A slow client holds a socket and a deadline, never a
// thread.
//
// Drain: the listening socket is closed, idle connections are closed, requests being read or
// decided are finished and answered with `Connection: close`; once every connection has ended
// (or --drain-timeout passed, when the rest are cut) the threads stop and run() returns 0. An
// answer is only written after the engine returned, and the engine returns a record only once it
// is on disk, so no acknowledged record can be lost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "access_log.hpp"
#include "firstset/firstset.h"
#include "metrics.hpp"
#include "router.hpp"

namespace fsserver {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    unsigned threads = 2;        // network threads
    unsigned disk_workers = 64;  // threads that wait for the ledger's sync
    std::size_t max_body = FIRSTSET_MAX_REQUEST_BYTES;
    std::size_t max_header = 16 * 1024;
    std::size_t max_connections = 1024;
    std::chrono::milliseconds request_timeout{10000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds drain_timeout{30000};
    std::filesystem::path tls_cert, tls_key;  // both or neither
};

class Server {
public:
    // Binds and listens (throws firstset::StatusError IO, code LISTEN_FAILED or TLS_UNUSABLE).
    Server(const ServerOptions& options, Router& router, Metrics& metrics, const AccessLog& log,
           std::atomic<bool>& draining);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The address actually bound ("127.0.0.1", port), e.g. after --listen 127.0.0.1:0.
    std::string address() const;
    std::uint16_t port() const;
    bool loopback() const;

    // Serves until SIGTERM or SIGINT has been drained; returns 0. on_drain runs when the drain
    // starts (a message for the operator).
    int run(const std::function<void()>& on_drain = {});

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace fsserver
