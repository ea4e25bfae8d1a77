#include "access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/format.hpp"
#include "util/error.hpp"
#include "util/json_out.hpp"

namespace fsserver {

AccessLog::AccessLog(const std::string& where) {
    if (where == "off") return;
    if (where == "-") {
        fd_ = STDOUT_FILENO;
        return;
    }
    fd_ = ::open(where.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        const std::string why = std::strerror(errno);
        throw firstset::StatusError(firstset::Status::io, "ACCESS_LOG_UNWRITABLE",
                                    "cannot open the access log " + where + ": " + why,
                                    "无法打开访问日志 " + where + "：" + why, firstset::Location{"", where, 0, 0});
    }
    own_ = true;
}

AccessLog::~AccessLog() {
    if (own_) ::close(fd_);
}

namespace {

std::string printable(std::string_view s, std::size_t max) {
    std::string out(s.substr(0, max));
    for (char& c : out)
        if (c < ' ' || c > '~') c = '?';
    return out;
}

}  // namespace

std::string AccessLog::line(const AccessEntry& e) {
    firstset::TextBuffer b(512);
    firstset::JsonOut w(b);
    w.begin_object();
    w.field("time", firstset::ledger::utc_now());
    w.field("request_id", printable(e.request_id, 128));
    w.field("peer", e.peer).field("port", static_cast<std::uint64_t>(e.port));
    w.field("method", printable(e.method, 32)).field("target", printable(e.target, 512)).field("route", e.route);
    w.field("status", static_cast<std::uint64_t>(e.status));
    w.key("code");
    if (e.code.empty()) w.null();
    else w.string(e.code);
    w.key("token");
    if (e.token.empty()) w.null();
    else w.string(e.token);
    w.field("bytes_in", e.bytes_in).field("bytes_out", e.bytes_out).field("micros", e.micros);
    w.end_object();
    std::string out(b.view());
    out.push_back('\n');
    return out;
}

void AccessLog::write(const AccessEntry& e) const {
    if (fd_ < 0) return;
    const std::string text = line(e);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk loses log lines, never requests
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace fsserver
