#include "util/error.hpp"

namespace firstset {

const char* status_name(Status s) noexcept {
    switch (s) {
        case Status::ok: return "OK";
        case Status::argument: return "ARGUMENT";
        case Status::parse: return "PARSE";
        case Status::schema: return "SCHEMA";
        case Status::config: return "CONFIG";
        case Status::io: return "IO";
        case Status::integrity: return "INTEGRITY";
        case Status::not_found: return "NOT_FOUND";
        case Status::limit: return "LIMIT";
        case Status::internal: return "INTERNAL";
    }
    return "INTERNAL";
}

}  // namespace firstset
