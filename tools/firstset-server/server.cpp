#include "server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/optional.hpp>

#include <iostream>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include "util/digest.hpp"
#include "util/error.hpp"

namespace fsserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using firstset::Status;
using firstset::StatusError;

namespace {

constexpr const char* server_header = "firstset-server/" FIRSTSET_VERSION_STRING;

Method method_of(http::verb v) {
    switch (v) {
        case http::verb::get: return Method::get;
        case http::verb::head: return Method::head;
        case http::verb::post: return Method::post;
        default: return Method::other;
    }
}

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

bool request_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
}

}  // namespace

class SessionBase;

// Logged evaluations wait here for their records to reach the disk, holding no thread each: one
// thread takes every record waiting (up to the highest seq), has the ledger write and sync them
// as one batch (EngineCore::wait_durable), then hands each answer back to its session. Group
// commit that earns its keep: before a sync it waits (at most commit_delay) until as many
// records are waiting as the last batch held, so under load one fdatasync covers the answers
// of (nearly) every connection instead of a few; a lone client never waits (its last batch was
// one). Side by side on this machine: 27 records a sync and 1.3x the durable evaluations of two
// threads syncing at once without the wait (docs/performance.md).
class Durability {
public:
    using Done = std::function<void(const std::optional<StatusError>&)>;
    explicit Durability(const firstset::EngineCore& engine) : engine_(engine) {
        threads_.emplace_back([this] { run(); });
    }
    ~Durability() { stop(); }
    void add(std::uint64_t seq, Done done) {
        bool wake;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            waiting_.emplace(seq, std::move(done));
            // a thread that is syncing takes this up when it is done; one gathering wakes when as
            // many as the last batch held are here
            wake = idle_ > 0 || (gathering_ && waiting_.size() >= last_batch_);
        }
        if (wake) cv_.notify_one();
    }
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

private:
    void run() {
        for (;;) {
            std::multimap<std::uint64_t, Done> batch;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ++idle_;
                cv_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
                --idle_;
                if (waiting_.empty()) return;  // stopping, and nothing left to answer
                if (waiting_.size() < last_batch_ && !stopping_) {
                    gathering_ = true;
                    cv_.wait_for(lock, commit_delay, [&] { return stopping_ || waiting_.size() >= last_batch_; });
                    gathering_ = false;
                    if (waiting_.empty()) continue;
                }
                batch.swap(waiting_);
                last_batch_ = batch.size();
            }
            std::optional<StatusError> error;
            try {
                engine_.wait_durable(batch.rbegin()->first);
            } catch (const StatusError& e) {
                error = e;
            } catch (const std::exception& e) {
                error = StatusError(Status::internal, "INTERNAL_ERROR", std::string("internal error: ") + e.what(),
                                    std::string("内部错误：") + e.what());
            }
            for (auto& entry : batch) entry.second(error);
        }
    }

    const firstset::EngineCore& engine_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::multimap<std::uint64_t, Done> waiting_;
    int idle_ = 0;  // threads waiting on cv_
    bool gathering_ = false;
    std::size_t last_batch_ = 0;
    static constexpr std::chrono::microseconds commit_delay{1000};
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

struct Server::Impl {
    ServerOptions options;
    Router& router;
    Metrics& metrics;
    const AccessLog& log;
    std::atomic<bool>& draining;
    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    net::signal_set signals{ioc, SIGTERM, SIGINT};
    net::steady_timer drain_timer{ioc};
    net::steady_timer accept_retry{ioc};
    net::thread_pool disk;
    std::unique_ptr<ssl::context> tls;
    bool loopback = true;
    std::string request_id_prefix;
    std::atomic<std::uint64_t> request_counter{0};

    std::mutex sessions_mutex;
    std::unordered_set<SessionBase*> sessions;
    std::unique_ptr<Durability> durability;  // when evaluations are logged

    Impl(const ServerOptions& o, Router& r, Metrics& m, const AccessLog& l, std::atomic<bool>& d)
        : options(o), router(r), metrics(m), log(l), draining(d), ioc(static_cast<int>(o.threads)),
          disk(o.disk_workers) {
        if (router.defers_evaluations()) durability = std::make_unique<Durability>(router.engine());
    }

    void accept();
    void start_drain(const std::function<void()>& on_drain);
    void drain_tick();
    Clock::time_point drain_deadline{};
    void session_started(SessionBase* s);
    void session_ended(SessionBase* s);
    std::string next_request_id() {
        return request_id_prefix + std::to_string(request_counter.fetch_add(1, std::memory_order_relaxed) + 1);
    }
};

// What the drain and the registry of sessions need, whatever the stream.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
public:
    explicit SessionBase(Server::Impl& server) : server_(server) { server_.session_started(this); }
    virtual ~SessionBase() { server_.session_ended(this); }
    // On the session's strand: close now when waiting for a request; else close after answering.
    virtual void drain() = 0;
    // On the session's strand: close now, whatever it does (the drain's deadline passed).
    virtual void cut() = 0;
    virtual net::any_io_executor executor() = 0;

protected:
    Server::Impl& server_;
};

void Server::Impl::session_started(SessionBase* s) {
    metrics.connection_opened();
    std::lock_guard<std::mutex> lock(sessions_mutex);
    sessions.insert(s);
}

void Server::Impl::session_ended(SessionBase* s) {
    metrics.connection_closed();
    std::lock_guard<std::mutex> lock(sessions_mutex);
    sessions.erase(s);
}

namespace {

template <typename Derived>
class HttpSession : public SessionBase {
public:
    HttpSession(Server::Impl& server, const net::any_io_executor& strand, std::string peer, std::uint16_t port)
        : SessionBase(server), peer_(std::move(peer)), port_(port), idle_timer_(strand),
          buffer_(server.options.max_header + 65536) {}

    void drain() override {
        closing_ = true;
        if (waiting_ && (!parser_ || !parser_->got_some()) && buffer_.size() == 0) close_now();
    }
    void cut() override { close_now(); }

protected:
    Derived& derived() { return static_cast<Derived&>(*this); }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(derived().stream()); }

    // Waits for the next request's first byte, up to the idle timeout.
    void wait_for_request() {
        if (closing_ || server_.draining.load()) {
            closing_ = true;
            derived().close();
            return;
        }
        if (buffer_.size() > 0) {  // a pipelined request is already here
            read_header();
            return;
        }
        waiting_ = true;
        if (!Derived::wait_readable) {
            // TLS: the socket's readiness says nothing of what OpenSSL holds decrypted, so the
            // first decrypted bytes are read within the idle timeout (a drain closes the
            // connection while none came), then the request within --request-timeout.
            lowest().expires_after(server_.options.idle_timeout);
            derived().stream().async_read_some(
                buffer_.prepare(4096), [self = this->shared_from_this(), this](beast::error_code ec, std::size_t n) {
                    if (!waiting_) return;  // closed meanwhile
                    waiting_ = false;
                    if (ec) {
                        if (ec == beast::error::timeout) server_.metrics.timed_out();
                        return derived().close_hard();
                    }
                    buffer_.commit(n);
                    read_header();
                });
            return;
        }
        idle_timer_.expires_after(server_.options.idle_timeout);
        idle_timer_.async_wait([self = this->shared_from_this(), this](beast::error_code ec) {
            if (!ec && waiting_) {
                server_.metrics.timed_out();
                close_now();
            }
        });
        lowest().socket().async_wait(tcp::socket::wait_read,
                                     [self = this->shared_from_this(), this](beast::error_code ec) {
                                         if (!waiting_) return;  // closed meanwhile
                                         waiting_ = false;
                                         idle_timer_.cancel();
                                         if (ec) return derived().close();
                                         read_header();
                                     });
    }

    void read_header() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header));
        parser_->body_limit(server_.options.max_body);
        lowest().expires_after(server_.options.request_timeout);
        http::async_read_header(derived().stream(), buffer_, *parser_,
                                [self = this->shared_from_this(), this](beast::error_code ec, std::size_t) {
                                    on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        started_ = Clock::now();
        if (ec) return on_read_error(ec);
        const auto& req = parser_->get();
        // RFC 9112 6.3: a Transfer-Encoding whose last coding is not chunked cannot be framed;
        // taking the body as empty would read it as the next request (request smuggling).
        if (req.find(http::field::transfer_encoding) != req.end() && !parser_->chunked())
            return on_read_error(http::error::bad_transfer_encoding);
        // The header's own values, taken now: chunked trailers are merged into the same fields
        // by the parser, and a proxy in front never looks at trailers.
        authorization_.clear();
        given_request_id_.clear();
        const auto auth = req.find(http::field::authorization);
        if (auth != req.end()) authorization_.assign(auth->value().data(), auth->value().size());
        const auto id_header = req.find("X-Request-Id");
        if (id_header != req.end()) given_request_id_.assign(id_header->value().data(), id_header->value().size());
        if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
            // curl and others wait for this before sending a body over 1 KiB
            continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
            http::async_write(derived().stream(), *continue_,
                              [self = this->shared_from_this(), this](beast::error_code wec, std::size_t) {
                                  if (wec) return derived().close();
                                  read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(derived().stream(), buffer_, *parser_,
                         [self = this->shared_from_this(), this](beast::error_code ec, std::size_t) {
                             if (ec) return on_read_error(ec);
                             decide();
                         });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == beast::error::timeout) {
            server_.metrics.timed_out();
            return derived().close_hard();
        }
        if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
            ec.category() != http::make_error_code(http::error::body_limit).category())
            return derived().close_hard();
        server_.metrics.bad_http();
        Reply reply;
        if (ec == http::error::body_limit)
            reply = Router::error(413, Status::limit, "BODY_TOO_LARGE",
                                  "the request body is larger than this server takes (" +
                                      std::to_string(server_.options.max_body) + " bytes, --max-body)",
                                  "请求体超过本服务允许的大小（" + std::to_string(server_.options.max_body) +
                                      " 字节，--max-body）");
        else if (ec == http::error::header_limit)
            reply = Router::error(431, Status::limit, "HEADERS_TOO_LARGE",
                                  "the request's header is larger than this server takes (" +
                                      std::to_string(server_.options.max_header) + " bytes, --max-header)",
                                  "请求头超过本服务允许的大小（" + std::to_string(server_.options.max_header) +
                                      " 字节，--max-header）");
        else
            reply = Router::error(400, Status::parse, "BAD_HTTP_REQUEST", "not a well-formed HTTP/1.1 request: " + ec.message(),
                                  "不是格式正确的 HTTP/1.1 请求：" + ec.message());
        closing_ = true;
        route_ = Route::other;
        method_text_ = "-";
        if (parser_ && parser_->is_header_done()) {  // a body too large: the header was read
            method_text_ = std::string(parser_->get().method_string());
            head_ = parser_->get().method() == http::verb::head;
        }
        target_.clear();
        request_id_ = server_.next_request_id();
        write(std::move(reply), 11, false);
    }

    void decide() {
        auto& req = parser_->get();
        const Method method = method_of(req.method());
        route_ = Router::route_of(method, sv(req.target()));
        method_text_ = std::string(req.method_string());
        target_ = std::string(req.target());
        bytes_in_ = req.body().size();
        request_id_.clear();
        {
            const std::string& v = given_request_id_;
            bool ok = !v.empty() && v.size() <= 128;
            for (char c : v) ok = ok && request_id_char(c);
            if (ok) request_id_ = v;
        }
        if (request_id_.empty()) request_id_ = server_.next_request_id();
        head_ = method == Method::head;
        keep_alive_ = req.keep_alive();
        version_ = req.version();

        request_ = Request{};
        request_.method = method;
        request_.method_text = sv(req.method_string());
        request_.target = sv(req.target());
        request_.authorization = authorization_;
        request_.body = req.body();
        request_.peer_address = peer_;
        request_.peer_port = port_;

        if (route_ == Route::evaluate && server_.durability && method == Method::post) {
            std::uint64_t seq = 0;
            Reply reply = server_.router.evaluate_deferred(request_, seq);
            if (seq == 0) return write(std::move(reply), version_, keep_alive_);
            auto work = net::prefer(this->executor(), net::execution::outstanding_work.tracked);
            auto self = this->shared_from_this();
            auto shared_reply = std::make_shared<Reply>(std::move(reply));
            server_.durability->add(seq, [self, this, work, shared_reply](const std::optional<StatusError>& error) {
                net::post(work, [self, this, shared_reply, error]() {
                    if (error) *shared_reply = Router::from_error(*error);
                    write(std::move(*shared_reply), version_, keep_alive_);
                });
            });
        } else if (server_.router.waits_for_disk(route_)) {
            auto work = net::prefer(this->executor(), net::execution::outstanding_work.tracked);
            net::post(server_.disk, [self = this->shared_from_this(), this, work]() mutable {
                Reply reply = server_.router.handle(request_, route_);
                net::post(work, [self, this, reply = std::move(reply)]() mutable {
                    write(std::move(reply), version_, keep_alive_);
                });
            });
        } else {
            write(server_.router.handle(request_, route_), version_, keep_alive_);
        }
    }

    void write(Reply reply, unsigned version, bool keep_alive) {
        error_code_ = std::move(reply.error_code);
        token_ = std::move(reply.token);
        status_ = reply.status;
        response_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), version);
        auto& res = *response_;
        res.set(http::field::server, server_header);
        res.set(http::field::content_type, reply.content_type);
        res.set(http::field::cache_control, "no-store");
        res.set("X-Request-Id", request_id_);
        if (reply.allow) res.set(http::field::allow, reply.allow);
        if (reply.authenticate) res.set(http::field::www_authenticate, "Bearer realm=\"firstset\"");
        if (server_.draining.load()) closing_ = true;
        res.keep_alive(keep_alive && !closing_);
        const std::size_t length = reply.body.size();
        if (head_) {
            res.content_length(length);
        } else {
            res.body() = std::move(reply.body);
            res.prepare_payload();
        }
        bytes_out_ = head_ ? 0 : length;
        lowest().expires_after(server_.options.request_timeout);
        http::async_write(derived().stream(), res,
                          [self = this->shared_from_this(), this](beast::error_code ec, std::size_t) { on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        const auto took = Clock::now() - started_;
        server_.metrics.request(route_, status_, took);
        AccessEntry e;
        e.request_id = request_id_;
        e.peer = peer_;
        e.port = port_;
        e.method = method_text_;
        e.target = target_;
        e.route = route_name(route_);
        e.status = status_;
        e.code = error_code_;
        e.token = token_;
        e.bytes_in = bytes_in_;
        e.bytes_out = bytes_out_;
        e.micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
        server_.log.write(e);
        const bool close = ec || !response_->keep_alive();
        response_.reset();
        parser_.reset();
        head_ = false;
        if (close) return ec ? derived().close_hard() : derived().close();
        wait_for_request();
    }

    void close_now() {
        waiting_ = false;
        idle_timer_.cancel();
        closing_ = true;
        derived().close_hard();
    }

    std::string peer_;
    std::uint16_t port_ = 0;
    net::steady_timer idle_timer_;
    // Bounded: the parser keeps chunk-size lines, extensions and trailers here, which no other
    // limit covers; past it Beast reports buffer_overflow (400, closed).
    beast::flat_buffer buffer_;
    boost::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<http::response<http::empty_body>> continue_;
    std::shared_ptr<http::response<http::string_body>> response_;
    Request request_;
    Route route_ = Route::other;
    std::string method_text_, target_, request_id_, error_code_, token_, authorization_, given_request_id_;
    unsigned status_ = 0, version_ = 11;
    std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
    Clock::time_point started_{};
    bool waiting_ = false, closing_ = false, head_ = false, keep_alive_ = true;
};

class PlainSession : public HttpSession<PlainSession> {
public:
    static constexpr bool wait_readable = true;
    PlainSession(Server::Impl& server, tcp::socket socket, std::string peer, std::uint16_t port)
        : HttpSession(server, socket.get_executor(), std::move(peer), port), stream_(std::move(socket)) {}
    void start() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this(), this] { wait_for_request(); });
    }
    beast::tcp_stream& stream() { return stream_; }
    net::any_io_executor executor() override { return stream_.get_executor(); }
    // A lingering close: stop sending, then read and throw away what the client still sends
    // (up to 2 s and 8 MiB) before closing, so that a client still writing a refused body reads
    // the answer instead of a reset (closing with unread data makes the kernel send RST).
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close_hard();
        stream_.expires_after(std::chrono::seconds(2));
        if (!scratch_) scratch_ = std::make_unique<char[]>(scratch_size);
        linger();
    }
    void close_hard() {
        beast::error_code ec;
        stream_.socket().close(ec);
    }

private:
    void linger() {
        stream_.async_read_some(net::buffer(scratch_.get(), scratch_size),
                                [self = shared_from_this(), this](beast::error_code ec, std::size_t n) {
                                    lingered_ += n;
                                    if (ec || lingered_ > 8 * 1024 * 1024) return close_hard();
                                    linger();
                                });
    }
    static constexpr std::size_t scratch_size = 16384;
    beast::tcp_stream stream_;
    std::unique_ptr<char[]> scratch_;
    std::size_t lingered_ = 0;
};

class TlsSession : public HttpSession<TlsSession> {
public:
    static constexpr bool wait_readable = false;
    TlsSession(Server::Impl& server, tcp::socket socket, ssl::context& ctx, std::string peer, std::uint16_t port)
        : HttpSession(server, socket.get_executor(), std::move(peer), port), stream_(std::move(socket), ctx) {}
    void start() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this(), this] {
            beast::get_lowest_layer(stream_).expires_after(server_.options.request_timeout);
            stream_.async_handshake(ssl::stream_base::server, [self, this](beast::error_code ec) {
                if (ec) {
                    if (ec == beast::error::timeout) server_.metrics.timed_out();
                    return close_hard();
                }
                beast::get_lowest_layer(stream_).expires_never();
                wait_for_request();
            });
        });
    }
    beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
    net::any_io_executor executor() override { return stream_.get_executor(); }
    void close() {
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
        stream_.async_shutdown([self = shared_from_this(), this](beast::error_code) { close_hard(); });
    }
    void close_hard() {
        beast::error_code ec;
        beast::get_lowest_layer(stream_).socket().close(ec);
    }

private:
    beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

void Server::Impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || draining.load()) return;
        if (ec) {
            // EMFILE and the like: the connection stays in the backlog, so an immediate retry would
            // fail at once and spin; try again shortly.
            metrics.connection_refused();
            accept_retry.expires_after(std::chrono::milliseconds(100));
            accept_retry.async_wait([this](beast::error_code tec) {
                if (!tec && !draining.load()) accept();
            });
            return;
        }
        try {
            bool full;
            {
                std::lock_guard<std::mutex> lock(sessions_mutex);
                full = sessions.size() >= options.max_connections;
            }
            beast::error_code pec;
            const tcp::endpoint peer = socket.remote_endpoint(pec);
            if (full || pec) {
                if (full) metrics.connection_refused();
                socket.close(pec);
            } else {
                socket.set_option(tcp::no_delay(true), pec);
                std::string address = peer.address().to_string();
                if (tls)
                    std::make_shared<TlsSession>(*this, std::move(socket), *tls, std::move(address), peer.port())->start();
                else
                    std::make_shared<PlainSession>(*this, std::move(socket), std::move(address), peer.port())->start();
            }
        } catch (const std::exception&) {
            metrics.connection_refused();  // out of memory or TLS resources: this connection only
        }
        accept();
    });
}

void Server::Impl::start_drain(const std::function<void()>& on_drain) {
    if (draining.exchange(true)) return;
    if (on_drain) on_drain();
    beast::error_code ec;
    acceptor.close(ec);
    std::vector<std::shared_ptr<SessionBase>> live;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        for (SessionBase* s : sessions)
            if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
        if (sessions.empty()) return;
    }
    for (auto& s : live) net::post(s->executor(), [s] { s->drain(); });
    drain_deadline = Clock::now() + options.drain_timeout;
    drain_tick();
}

// Every 50 ms until every connection has ended; past the deadline the rest are cut.
void Server::Impl::drain_tick() {
    drain_timer.expires_after(std::chrono::milliseconds(50));
    drain_timer.async_wait([this](beast::error_code ec) {
        if (ec) return;
        std::vector<std::shared_ptr<SessionBase>> rest;
        {
            std::lock_guard<std::mutex> lock(sessions_mutex);
            if (sessions.empty()) return;  // drained: nothing keeps the threads running now
            if (Clock::now() >= drain_deadline)
                for (SessionBase* s : sessions)
                    if (auto p = s->weak_from_this().lock()) rest.push_back(std::move(p));
        }
        for (auto& s : rest) net::post(s->executor(), [s] { s->cut(); });
        drain_tick();
    });
}

Server::Server(const ServerOptions& options, Router& router, Metrics& metrics, const AccessLog& log,
               std::atomic<bool>& draining)
    : impl_(std::make_unique<Impl>(options, router, metrics, log, draining)) {
    Impl& s = *impl_;
    s.request_id_prefix = firstset::random_hex(6) + "-";

    if (!options.tls_cert.empty()) {
        try {
            s.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
            s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                               ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
            s.tls->use_certificate_chain_file(options.tls_cert.string());
            s.tls->use_private_key_file(options.tls_key.string(), ssl::context::pem);
        } catch (const boost::system::system_error& e) {
            throw StatusError(Status::io, "TLS_UNUSABLE",
                              "cannot use the TLS certificate " + options.tls_cert.string() + " and key " +
                                  options.tls_key.string() + ": " + e.what(),
                              "无法使用 TLS 证书 " + options.tls_cert.string() + " 和私钥 " + options.tls_key.string() +
                                  "：" + e.what());
        }
    }

    beast::error_code ec;
    tcp::resolver resolver(s.ioc);
    const auto results = resolver.resolve(options.host, std::to_string(options.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
        throw StatusError(Status::io, "LISTEN_FAILED", "cannot resolve the address " + options.host + ": " + ec.message(),
                          "无法解析地址 " + options.host + "：" + ec.message());
    const tcp::endpoint endpoint = results.begin()->endpoint();
    s.loopback = endpoint.address().is_loopback();
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw StatusError(Status::io, "LISTEN_FAILED",
                          "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message(),
                          "无法在 " + options.host + ":" + std::to_string(options.port) + " 上监听：" + ec.message());
}

Server::~Server() = default;

std::string Server::address() const {
    beast::error_code ec;
    return impl_->acceptor.local_endpoint(ec).address().to_string();
}

std::uint16_t Server::port() const {
    beast::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

bool Server::loopback() const { return impl_->loopback; }

int Server::run(const std::function<void()>& on_drain) {
    Impl& s = *impl_;
    s.signals.async_wait([&s, on_drain](beast::error_code ec, int) {
        if (!ec) s.start_drain(on_drain);
    });
    s.accept();
    std::vector<std::thread> threads;
    threads.reserve(s.options.threads);
    // A handler that throws is a bug: it is reported and the thread goes on serving.
    auto serve = [&s] {
        for (;;) {
            try {
                s.ioc.run();
                return;
            } catch (const std::exception& e) {
                std::cerr << "firstset-server: 内部错误 [INTERNAL_ERROR]：" << e.what()
                          << "\nfirstset-server: internal error [INTERNAL_ERROR] (a bug, please report it): " << e.what()
                          << std::endl;
            }
        }
    };
    for (unsigned i = 1; i < s.options.threads; ++i) threads.emplace_back(serve);
    serve();
    for (auto& t : threads) t.join();
    s.disk.join();
    if (s.durability) s.durability->stop();
    return 0;
}

}  // namespace fsserver
