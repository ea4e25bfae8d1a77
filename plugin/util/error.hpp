// The one error type of the core: a status of the C ABI, a stable code, a message in English
// and Chinese, and where it happened (a JSON Pointer into the input, or a file and line).
// The C ABI turns it into the error document; nothing else in the core reports failure.
#pragma once

#include <stdexcept>
#include <string>

namespace firstset {

enum class Status : int {
    ok = 0,
    argument = 1,
    parse = 2,
    schema = 3,
    config = 4,
    io = 5,
    integrity = 6,
    not_found = 7,
    limit = 8,
    internal = 99,
};

// "SCHEMA", "CONFIG", ...: the name the error document carries.
const char* status_name(Status s) noexcept;

struct Location {
    std::string path;  // JSON Pointer into the document; "" is the whole document
    std::string file;  // set when the document came from a file
    int line = 0;      // 1-based line in that file; 0 when unknown
    int column = 0;    // 1-based column; 0 when unknown
    std::size_t offset = static_cast<std::size_t>(-1);  // byte offset of a parse error; -1 unknown
};

class StatusError : public std::runtime_error {
public:
    StatusError(Status status, std::string code, std::string message_en, std::string message_zh,
          Location where = {})
        : std::runtime_error(message_en),
          status_(status),
          code_(std::move(code)),
          message_zh_(std::move(message_zh)),
          where_(std::move(where)) {}

    Status status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const char* message_en() const noexcept { return what(); }
    const std::string& message_zh() const noexcept { return message_zh_; }
    const Location& where() const noexcept { return where_; }
    Location& where() noexcept { return where_; }

private:
    Status status_;
    std::string code_;
    std::string message_zh_;
    Location where_;
};

}  // namespace firstset
