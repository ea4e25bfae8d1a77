// The structured access log: one JSON object per request and line, written with one write(2) to
// a file opened O_APPEND (whole lines, never interleaved, nothing buffered to lose), or to
// standard output. Holds no token, only its name; the target is cut at 512 bytes and anything
// but printable ASCII becomes '?'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fsserver {

struct AccessEntry {
    std::string_view request_id;
    std::string_view peer;
    std::uint16_t port = 0;
    std::string_view method;
    std::string_view target;
    const char* route = "";
    unsigned status = 0;
    std::string_view code;   // the error code, empty on success
    std::string_view token;  // the token's name, empty when none
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::uint64_t micros = 0;
};

class AccessLog {
public:
    // "-": standard output; "off": nothing; else a file (created 0640, appended to). Throws
    // firstset::StatusError IO when the file cannot be opened.
    explicit AccessLog(const std::string& where);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void write(const AccessEntry& e) const;
    static std::string line(const AccessEntry& e);  // the JSON line, with its newline

private:
    int fd_ = -1;
    bool own_ = false;
};

}  // namespace fsserver
