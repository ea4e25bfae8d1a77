// Who made a call and from where (Rule T' of docs/domain.md: every record carries the operator
// and the network address, as 电子招标投标办法 asks of platform operations). firstset-server sets it
// from the bearer token's name and the peer's address; the engine writes it into every record
// the call appends, as the member "caller", after the request's own members. Callers in a
// platform's own process pass none, and a request cannot carry "caller" itself (the record
// schemas do not allow it), so a stored caller is always the server's word.
#pragma once

#include <cstdint>
#include <string>

#include "util/json_out.hpp"

namespace firstset {

struct Caller {
    std::string token;    // the bearer token's name; empty when the server has no token file
    std::string address;  // the peer's IP address, as text (127.0.0.1, ::1)
    std::uint16_t port = 0;
    std::string via = "firstset-server";
};

// "caller": {"token": name|null, "address": "...", "port": N, "via": "..."}
inline void write_caller(JsonOut& w, const Caller& c) {
    w.begin_object("caller");
    w.key("token");
    if (c.token.empty()) w.null();
    else w.string(c.token);
    w.field("address", c.address).field("port", static_cast<std::uint64_t>(c.port)).field("via", c.via);
    w.end_object();
}

}  // namespace firstset
