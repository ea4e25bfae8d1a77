// A real nginx (Debian's nginx-light), started by a test on a loopback port with a
// configuration of its own: static files with ETags, PUT (WebDAV) into its document root, and
// switches a test flips by creating files — `.fail500` makes every request answer 500, `.slow`
// sends responses at 200 bytes a second. With tls, it serves https with a certificate of a CA
// made for the test (openssl), whose PEM is ca_file().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "support.hpp"

namespace test {

inline int free_loopback_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("no free loopback port");
    ::close(s);
    return ntohs(a.sin_port);
}

inline bool port_accepts(int port) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = s >= 0 && ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (s >= 0) ::close(s);
    return ok;
}

// A CA (ca.pem, ca.key) and a server certificate for 127.0.0.1 and localhost signed by it
// (server.pem, server.key), made in dir with the openssl command.
inline void make_test_certificates(const std::filesystem::path& dir) {
    const std::string d = dir.string();
    const std::string cmd =
        "cd '" + d + "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj '/CN=firstset test CA' -keyout ca.key -out ca.pem >/dev/null 2>&1 && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=localhost' "
        "-keyout server.key -out server.csr >/dev/null 2>&1 && "
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out server.pem >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make the test certificates");
}

class Nginx {
public:
    // port 0: a free one.
    explicit Nginx(const std::filesystem::path& dir, bool tls = false, int port = 0) : dir_(dir), tls_(tls) {
        std::filesystem::create_directories(dir_ / "www");
        std::filesystem::create_directories(dir_ / "tmp");
        if (tls_) make_certificates();
        port_ = port ? port : free_loopback_port();
        start();
    }
    ~Nginx() { stop(); }
    Nginx(const Nginx&) = delete;
    Nginx& operator=(const Nginx&) = delete;

    void start() {
        if (pid_ > 0) return;
        write_file(dir_ / "nginx.conf", config());
        pid_ = ::fork();
        if (pid_ == 0) {
            const std::string conf = (dir_ / "nginx.conf").string(), prefix = dir_.string() + "/";
            ::execlp("nginx", "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-e", (dir_ / "error.log").c_str(),
                     static_cast<char*>(nullptr));
            ::execl("/usr/sbin/nginx", "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-e",
                    (dir_ / "error.log").c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        for (int i = 0; i < 200; ++i) {  // up to 10 s
            if (port_accepts(port_)) return;
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("nginx exited at start: " + read_file(dir_ / "error.log"));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        stop();
        throw std::runtime_error("nginx did not listen on 127.0.0.1:" + std::to_string(port_));
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);  // fast shutdown: connections are closed at once
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        for (int i = 0; i < 100 && port_accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    std::string url(const std::string& path) const {
        // An address, not "localhost": a bare machine may have no /etc/hosts. The test certificate
        // names IP:127.0.0.1, which libcurl checks.
        return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/" + path;
    }
    std::filesystem::path www() const { return dir_ / "www"; }
    int port() const { return port_; }
    std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
    void fail_with_500(bool on) { flag(".fail500", on); }
    void slow(bool on) { flag(".slow", on); }
    std::string error_log() const { return read_file(dir_ / "error.log"); }
    std::string access_log() const { return read_file(dir_ / "access.log"); }
    // One JSON object per request: method, uri, status and the headers a signature may cover.
    std::string headers_log() const { return read_file(dir_ / "headers.log"); }

private:
    void flag(const std::string& name, bool on) {
        if (on) write_file(www() / name, "");
        else std::filesystem::remove(www() / name);
    }

    void make_certificates() { make_test_certificates(dir_); }

    std::string config() const {
        const std::string d = dir_.string(), w = (dir_ / "www").string();
        std::string c = "worker_processes 1;\ndaemon off;\npid " + d + "/nginx.pid;\nerror_log " + d + "/error.log warn;\n";
        if (::geteuid() == 0) c += "user root;\n";
        c += "events { worker_connections 64; }\nhttp {\n"
             "  log_format firstset '$request_method $uri $status \"$http_authorization\" \"$http_x_amz_date\"';\n"
             "  access_log " + d + "/access.log firstset;\n"
             // Every request's method, target and the headers a signature may cover, one JSON
             // object a line (tests compare the SigV4 signatures with another implementation's).
             "  log_format headers escape=json '{\"method\":\"$request_method\",\"uri\":\"$request_uri\","
             "\"status\":\"$status\",\"host\":\"$http_host\",\"authorization\":\"$http_authorization\","
             "\"x-amz-date\":\"$http_x_amz_date\",\"x-amz-content-sha256\":\"$http_x_amz_content_sha256\","
             "\"content-type\":\"$content_type\",\"content-length\":\"$content_length\"}';\n"
             "  access_log " + d + "/headers.log headers;\n";
        for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            c += std::string("  ") + t + "_temp_path " + d + "/tmp/" + t + ";\n";
        c += "  types { application/json json; text/plain sig txt; }\n  default_type application/octet-stream;\n";
        c += "  server {\n    listen 127.0.0.1:" + std::to_string(port_) + (tls_ ? " ssl" : "") + ";\n";
        if (tls_) c += "    ssl_certificate " + d + "/server.pem;\n    ssl_certificate_key " + d + "/server.key;\n";
        c += "    root " + w + ";\n    location / {\n";
        c += "      if (-f " + w + "/.fail500) { return 500; }\n";
        c += "      if (-f " + w + "/.slow) { set $limit_rate 200; }\n";
        c += "      dav_methods PUT;\n      create_full_put_path on;\n      dav_access user:rw group:r all:r;\n";
        c += "      client_max_body_size 64m;\n    }\n  }\n}\n";
        return c;
    }

    std::filesystem::path dir_;
    bool tls_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// A collector that accepts connections and never answers: every request to it times out.
class BlackHole {
public:
    explicit BlackHole(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("black hole: cannot listen on " + std::to_string(port));
    }
    ~BlackHole() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);  // pending connections are reset; accepted ones never were
    }
    BlackHole(const BlackHole&) = delete;
    BlackHole& operator=(const BlackHole&) = delete;

private:
    int fd_ = -1;  // the kernel completes handshakes into the backlog; nobody reads or answers
};

}  // namespace test
