// firstset-server: the firstset engine as an HTTP service that platforms run beside their own
// (docs/server.md). One process, one engine (one configuration, one ledger), any number of
// clients in any language.
//
// Exit status: 0 stopped by SIGTERM or SIGINT after draining; 1 the configuration, token file,
// TLS files or address cannot be used; 2 usage.
#include <boost/program_options.hpp>

#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "access_log.hpp"
#include "engine.hpp"
#include "metrics.hpp"
#include "router.hpp"
#include "server.hpp"
#include "tokens.hpp"
#include "util/error.hpp"

namespace po = boost::program_options;

namespace {

const char* const help_text = R"(firstset-server — 首台（套）政策评审服务 / the firstset engine as an HTTP service

用法 Usage:
  firstset-server --config CONFIG.yaml --listen HOST:PORT [--token-file FILE] [--threads N] [options]

接口 Routes (docs/server.md, docs/openapi.yaml):
  POST /v1/evaluate   评审投标 evaluate a bid                       200, errors 400/413/503
  POST /v1/lint       审查评标办法 audit an evaluation method       200
  POST /v1/records    写入授标、故障、容错决定 append a record      201; 401 without a valid token
  GET  /v1/records/ID 读取记录 a stored record                      200, 404
  POST /v1/verify     校验账本 verify a ledger                      200; 403 outside allowed folders
  GET  /v1/status     引擎状态 the engine's status                  200
  GET  /healthz       存活检查 200 while serving, 503 while draining
  GET  /metrics       Prometheus 指标 metrics (text format 0.0.4)

安全 Security: 设置 --token-file 时，写入记录须携带 Authorization: Bearer <令牌>；在非回环地址上监听
而未设置令牌文件时，本服务拒绝写入（403）。With --token-file, records need Authorization: Bearer
<token>; listening on a non-loopback address without one, the server refuses records (403).
令牌文件每行“名称 令牌”（令牌至少 32 个字符，如 openssl rand -hex 32）。The token file holds
"NAME TOKEN" lines (tokens of at least 32 characters, e.g. openssl rand -hex 32).

停止 Stopping: SIGTERM/SIGINT 后不再接受连接，处理完进行中的请求后以 0 退出。On SIGTERM or SIGINT
the server stops accepting, answers the requests in flight, and exits 0.

退出码 Exit status: 0 已停止 stopped after draining · 1 配置、令牌、TLS 或地址不可用 unusable
configuration, token file, TLS files or address · 2 用法错误 usage

Options)";

int fail(int code, const std::string& error_code, const std::string& zh, const std::string& en) {
    std::cerr << "firstset-server: 错误 [" << error_code << "]：" << zh << "\nfirstset-server: error [" << error_code
              << "]: " << en << "\n";
    return code;
}

// "127.0.0.1:8080", "[::1]:8080", "localhost:8080", "0.0.0.0:8080"
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return false;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return false;  // an IPv6 address needs its brackets
    }
    unsigned long p = 0;
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') return false;
        p = p * 10 + static_cast<unsigned long>(c - '0');
        if (p > 65535) return false;
    }
    port = static_cast<std::uint16_t>(p);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config, listen = "127.0.0.1:8080", token_file, tls_cert, tls_key, access_log = "-";
    std::vector<std::string> verify_roots;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    fsserver::ServerOptions options;
    double request_timeout = 10, idle_timeout = 60, drain_timeout = 30;
    // Long lines: Boost wraps by bytes, which would cut Chinese characters in two.
    po::options_description named(help_text, 400, 200);
    named.add_options()
        ("help,h", "本帮助 this help")
        ("version", "版本 the version")
        ("config", po::value(&config), "引擎配置文件（必需）the engine's configuration (required)")
        ("listen", po::value(&listen)->default_value(listen), "监听地址 HOST:PORT ([::1]:PORT for IPv6; port 0: any free one)")
        ("token-file", po::value(&token_file), "写入令牌文件 the bearer tokens that may write records")
        ("threads", po::value(&threads)->default_value(threads), "网络线程数 network threads")
        ("disk-workers", po::value(&options.disk_workers)->default_value(options.disk_workers),
         "等待磁盘的调用（写入记录、校验账本）所用线程数 threads for the calls that wait for the disk (records, verify)")
        ("tls-cert", po::value(&tls_cert), "TLS 证书链（PEM）：启用 HTTPS the TLS certificate chain (PEM): serve https")
        ("tls-key", po::value(&tls_key), "TLS 私钥（PEM）the TLS private key (PEM)")
        ("access-log", po::value(&access_log)->default_value(access_log),
         "访问日志：文件、- 标准输出、off 关闭 the access log: a file, - for standard output, off")
        ("max-body", po::value(&options.max_body)->default_value(options.max_body), "请求体上限（字节）largest request body, bytes")
        ("max-header", po::value(&options.max_header)->default_value(options.max_header), "请求头上限（字节）largest request header, bytes")
        ("max-connections", po::value(&options.max_connections)->default_value(options.max_connections),
         "同时连接上限 connections at once; more are closed at once")
        ("request-timeout", po::value(&request_timeout)->default_value(request_timeout),
         "读完一个请求、写完一个应答的时限（秒）seconds to read a whole request, and to write an answer")
        ("idle-timeout", po::value(&idle_timeout)->default_value(idle_timeout),
         "空闲连接保持时间（秒）seconds a keep-alive connection may wait for its next request")
        ("drain-timeout", po::value(&drain_timeout)->default_value(drain_timeout),
         "收到 SIGTERM 后等待进行中请求的时限（秒）seconds SIGTERM waits for requests in flight")
        ("verify-root", po::value(&verify_roots)->composing(),
         "POST /v1/verify 可读取的账本文件夹（可多次）a folder whose ledgers /v1/verify may read (repeatable; the "
         "engine's own ledger's folder always is)");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(named).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(2, "USAGE", std::string("参数错误：") + e.what() + "（--help 查看用法）",
                    std::string("bad arguments: ") + e.what() + " (see --help)");
    }
    if (vm.count("help")) {
        std::cout << named << "\n";
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "firstset-server " << FIRSTSET_VERSION_STRING << "\n";
        return 0;
    }
    if (config.empty()) return fail(2, "USAGE", "缺少 --config（--help 查看用法）", "--config is required (see --help)");
    if (!parse_listen(listen, options.host, options.port))
        return fail(2, "USAGE", "--listen 应为 HOST:PORT（IPv6 写作 [::1]:PORT），而不是 " + listen,
                    "--listen takes HOST:PORT ([::1]:PORT for IPv6), not " + listen);
    if (threads < 1 || threads > 256 || options.disk_workers < 1 || options.disk_workers > 1024)
        return fail(2, "USAGE", "--threads 取 1–256，--disk-workers 取 1–1024", "--threads takes 1-256, --disk-workers 1-1024");
    if (tls_cert.empty() != tls_key.empty())
        return fail(2, "USAGE", "--tls-cert 与 --tls-key 须同时给出", "--tls-cert and --tls-key go together");
    if (options.max_body < 1 || options.max_body > FIRSTSET_MAX_REQUEST_BYTES)
        return fail(2, "USAGE", "--max-body 取 1 至 " + std::to_string(FIRSTSET_MAX_REQUEST_BYTES) + "（引擎的上限）",
                    "--max-body takes 1 to " + std::to_string(FIRSTSET_MAX_REQUEST_BYTES) + " (the engine's limit)");
    if (options.max_header < 1024 || options.max_header > 1024 * 1024 || options.max_connections < 1)
        return fail(2, "USAGE", "--max-header 取 1024–1048576，--max-connections 至少为 1",
                    "--max-header takes 1024-1048576, --max-connections at least 1");
    for (double t : {request_timeout, idle_timeout, drain_timeout})
        if (!(t > 0 && t <= 86400))
            return fail(2, "USAGE", "时限取大于 0、至多 86400 秒", "timeouts take more than 0 and at most 86400 seconds");
    options.threads = threads;
    options.request_timeout = std::chrono::milliseconds(static_cast<long long>(request_timeout * 1000));
    options.idle_timeout = std::chrono::milliseconds(static_cast<long long>(idle_timeout * 1000));
    options.drain_timeout = std::chrono::milliseconds(static_cast<long long>(drain_timeout * 1000));
    options.tls_cert = tls_cert;
    options.tls_key = tls_key;

    try {
        std::optional<fsserver::Tokens> tokens;
        if (!token_file.empty()) {
            tokens = fsserver::Tokens::load(token_file);
            struct stat st {};
            if (::stat(token_file.c_str(), &st) == 0 && (st.st_mode & 0044))
                std::cerr << "firstset-server: 警告 [TOKEN_FILE_READABLE]：令牌文件 " << token_file
                          << " 可被其他用户读取（建议 chmod 600）\nfirstset-server: warning [TOKEN_FILE_READABLE]: the token file "
                          << token_file << " can be read by other users (chmod 600 it)\n";
        }
        fsserver::AccessLog log(access_log);
        std::unique_ptr<firstset::EngineCore> engine = firstset::EngineCore::open(config);
        fsserver::Metrics metrics;
        std::atomic<bool> draining{false};
        fsserver::RouterSettings settings;
        settings.tokens = tokens ? &*tokens : nullptr;
        for (const auto& r : verify_roots) settings.verify_roots.emplace_back(r);
        fsserver::Router router(*engine, settings, metrics, draining);
        fsserver::Server server(options, router, metrics, log, draining);
        // Loopback or not is the address actually bound (127.0.0.0/8, ::1), not the text of --listen.
        settings.loopback = server.loopback();
        router.set_loopback(settings.loopback);
        const std::string scheme = tls_cert.empty() ? "http" : "https";
        const std::string address = server.address().find(':') != std::string::npos ? "[" + server.address() + "]"
                                                                                     : server.address();
        std::cerr << "firstset-server " << FIRSTSET_VERSION_STRING << ": 正在监听 [SERVER_LISTENING] listening on "
                  << scheme << "://" << address << ":" << server.port() << " (" << threads << " threads, "
                  << options.disk_workers << " disk workers, records "
                  << (tokens ? "need a token" : settings.loopback ? "open on loopback" : "refused: no --token-file")
                  << ")" << std::endl;
        if (!tokens && !settings.loopback)
            std::cerr << "firstset-server: 警告 [WRITES_NEED_TOKEN]：在非回环地址上监听且未设置 --token-file，写入记录将被拒绝（403）\n"
                         "firstset-server: warning [WRITES_NEED_TOKEN]: listening on a non-loopback address without "
                         "--token-file, records are refused (403)"
                      << std::endl;
        const int status = server.run([] {
            std::cerr << "firstset-server: 收到停止信号，正在处理进行中的请求 [SERVER_DRAINING] draining: no new "
                         "connections, answering the requests in flight"
                      << std::endl;
        });
        engine.reset();  // the ledger's last checkpoint and shipping pass
        std::cerr << "firstset-server: 已停止 [SERVER_STOPPED] stopped" << std::endl;
        return status;
    } catch (const firstset::StatusError& e) {
        std::string where;
        if (!e.where().file.empty())
            where = " (" + e.where().file + (e.where().line > 0 ? ":" + std::to_string(e.where().line) : "") + ")";
        return fail(1, e.code(), e.message_zh() + where, e.message_en() + where);
    } catch (const std::exception& e) {
        return fail(1, "INTERNAL_ERROR", std::string("内部错误：") + e.what(), std::string("internal error: ") + e.what());
    }
}
