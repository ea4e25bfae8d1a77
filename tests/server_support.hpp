// firstset-server as the tests run it: the built program started on 127.0.0.1 with a free port
// (--listen 127.0.0.1:0; the port is read from its "listening on" line), stopped with SIGTERM;
// an HTTP client on libcurl (one handle per Client, so keep-alive is reused); a raw socket for
// what no HTTP client sends (malformed requests, slow and pipelined ones). Every wait is bounded.
#pragma once

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace test {

class ServerProcess {
public:
    explicit ServerProcess(std::vector<std::string> args) : args_(std::move(args)) { start(); }
    ~ServerProcess() { kill_now(); }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string url(const std::string& path) const { return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path; }
    // Everything the server wrote on standard error so far (read while waiting for it).
    const std::string& stderr_text() const { return err_; }

    // SIGTERM, then waits (up to `limit`) for the exit; returns the exit status, or -1 when it did
    // not exit normally in time (it is then killed).
    int stop(std::chrono::milliseconds limit = std::chrono::milliseconds(20000)) {
        if (pid_ <= 0) return exit_status_;
        ::kill(pid_, SIGTERM);
        return wait_exit(limit);
    }
    void signal(int sig) { if (pid_ > 0) ::kill(pid_, sig); }
    int wait_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            drain_stderr(50);
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                drain_stderr(0);
                exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                return exit_status_;
            }
        }
        kill_now();
        return -1;
    }

private:
    void start() {
        int pipefd[2];
        if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        std::vector<char*> argv;
        std::string program = FIRSTSET_SERVER;
        argv.push_back(program.data());
        for (auto& a : args_) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ == 0) {
            // The server dies with the test, and holds none of the test's descriptors: a test
            // runner (ctest -j) waits for every holder of a test's output pipe to close it.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            ::dup2(pipefd[1], 2);
            ::dup2(pipefd[1], 1);
            ::close_range(3, ~0u, 0);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(pipefd[1]);
        err_fd_ = pipefd[0];
        for (const auto& a : args_) if (a == "--tls-cert") scheme_ = "https";
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            drain_stderr(100);
            const std::string marker = "listening on " + scheme_ + "://127.0.0.1:";
            const auto at = err_.find(marker);
            if (at != std::string::npos && err_.find('\n', at) != std::string::npos) {  // the whole line
                try {
                    port_ = std::stoi(err_.substr(at + marker.size()));
                    return;
                } catch (const std::exception&) {
                    kill_now();
                    throw std::runtime_error("no port in firstset-server's listening line: " + err_);
                }
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                drain_stderr(0);
                exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                return;  // exited at start: the test looks at exit_status() and stderr_text()
            }
        }
        kill_now();
        throw std::runtime_error("firstset-server did not start listening: " + err_);
    }

public:
    int exit_status() const { return exit_status_; }
    bool running() const { return pid_ > 0; }

private:
    void drain_stderr(int wait_ms) {
        if (err_fd_ < 0) return;
        pollfd p{err_fd_, POLLIN, 0};
        while (::poll(&p, 1, wait_ms) > 0) {
            char buf[4096];
            const ssize_t n = ::read(err_fd_, buf, sizeof buf);
            if (n <= 0) {
                ::close(err_fd_);
                err_fd_ = -1;
                return;
            }
            err_.append(buf, static_cast<std::size_t>(n));
            wait_ms = 0;
        }
    }
    void kill_now() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
        if (err_fd_ >= 0) {
            ::close(err_fd_);
            err_fd_ = -1;
        }
    }

    std::vector<std::string> args_;
    pid_t pid_ = -1;
    int port_ = 0;
    int err_fd_ = -1;
    int exit_status_ = -1;
    std::string err_;
    std::string scheme_ = "http";
};

struct Response {
    long status = 0;  // 0: no answer (the connection failed or was closed)
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string error;  // libcurl's message when status is 0
    std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class Client {
public:
    Client() : curl_(curl_easy_init()) {}
    ~Client() { curl_easy_cleanup(curl_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    void ca_file(const std::string& path) { ca_ = path; }

    Response get(const std::string& url, const std::vector<std::string>& headers = {}) {
        return perform("GET", url, nullptr, headers);
    }
    Response head(const std::string& url) { return perform("HEAD", url, nullptr, {}); }
    Response post(const std::string& url, const std::string& body, const std::vector<std::string>& headers = {}) {
        return perform("POST", url, &body, headers);
    }
    Response request(const std::string& method, const std::string& url, const std::string* body,
                     const std::vector<std::string>& headers = {}) {
        return perform(method, url, body, headers);
    }

private:
    static std::size_t on_body(char* p, std::size_t size, std::size_t n, void* user) {
        static_cast<std::string*>(user)->append(p, size * n);
        return size * n;
    }
    static std::size_t on_header(char* p, std::size_t size, std::size_t n, void* user) {
        std::string line(p, size * n);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon), value = line.substr(colon + 1);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
            (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
        }
        return size * n;
    }
    Response perform(const std::string& method, const std::string& url, const std::string* body,
                     const std::vector<std::string>& headers) {
        Response r;
        curl_easy_reset(curl_);
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
        curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &r.headers);
        if (!ca_.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_.c_str());
        if (method == "HEAD") curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
        else if (method != "GET" || body) curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
        if (body) {
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
        }
        curl_slist* list = nullptr;
        for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
        if (list) curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
        const CURLcode rc = curl_easy_perform(curl_);
        if (list) curl_slist_free_all(list);
        if (rc != CURLE_OK) {
            r.error = curl_easy_strerror(rc);
            r.status = 0;
            return r;
        }
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
        return r;
    }

    CURL* curl_;
    std::string ca_;
};

// A plain TCP connection to 127.0.0.1:port for bytes no HTTP client sends.
class RawConnection {
public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    ~RawConnection() { if (fd_ >= 0) ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }
    // Reads until the peer closes or `limit` passes; returns what came. closed() says which.
    std::string read_until_close(std::chrono::milliseconds limit) { return read_until({}, limit); }
    // Reads until `text` has come (empty: until the peer closes), or the peer closes, or `limit` passes.
    std::string read_until(const std::string& text, std::chrono::milliseconds limit) {
        std::string out;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline && (text.empty() || out.find(text) == std::string::npos)) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[8192];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    bool closed() const { return closed_; }

private:
    int fd_ = -1;
    bool closed_ = false;
};

}  // namespace test
