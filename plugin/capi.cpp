// The only extern "C" code of the library. Every entry point runs its body inside guard()
// (capi_guard.hpp), which turns every exception into a status and an error document, so
// nothing escapes into a host written in C, Java or .NET.
#include <cstdlib>
#include <string>

#include "capi_guard.hpp"
#include "engine.hpp"
#include "util/json_out.hpp"
#include "firstset/firstset.h"

struct firstset_engine {
    std::unique_ptr<firstset::EngineCore> engine;
};

using firstset::capi::guard;
using firstset::capi::null_argument;

extern "C" {

FIRSTSET_API uint32_t firstset_abi_version(void) {
    return (static_cast<uint32_t>(FIRSTSET_ABI_MAJOR) << 16) | FIRSTSET_ABI_MINOR;
}

FIRSTSET_API const char* firstset_version(void) { return FIRSTSET_VERSION_STRING; }

FIRSTSET_API int firstset_open(const char* config_path, firstset_engine** engine, char** error_json) {
    if (engine) *engine = nullptr;
    return guard(error_json, [&]() -> int {
        if (!engine) return null_argument(error_json, "engine");
        if (!config_path) return null_argument(error_json, "config_path");
        auto e = firstset::EngineCore::open(config_path);
        *engine = new firstset_engine{std::move(e)};
        return FIRSTSET_OK;
    });
}

FIRSTSET_API void firstset_close(firstset_engine* engine) {
    try {
        delete engine;
    } catch (...) {
        // a destructor failing at close has nowhere to report to
    }
}

FIRSTSET_API int firstset_evaluate(firstset_engine* engine, const char* request_json, char** response_json) {
    return guard(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        if (!request_json) return null_argument(response_json, "request_json");
        firstset::TextBuffer response;
        engine->engine->evaluate(request_json, response);
        *response_json = response.release();  // malloc'd: firstset_free is free()
        return FIRSTSET_OK;
    });
}

FIRSTSET_API void firstset_free(char* json) { std::free(json); }

FIRSTSET_API int firstset_record(firstset_engine* engine, const char* record_json, char** response_json) {
    return guard(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        if (!record_json) return null_argument(response_json, "record_json");
        firstset::TextBuffer response;
        engine->engine->record(record_json, response);
        *response_json = response.release();
        return FIRSTSET_OK;
    });
}

FIRSTSET_API int firstset_verify(const char* request_json, char** response_json) {
    return guard(response_json, [&]() -> int {
        if (!request_json) return null_argument(response_json, "request_json");
        firstset::TextBuffer response;
        firstset::verify_ledger(request_json, response);
        *response_json = response.release();
        return FIRSTSET_OK;
    });
}

FIRSTSET_API int firstset_lint(firstset_engine* engine, const char* tender_json, char** response_json) {
    return guard(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        if (!tender_json) return null_argument(response_json, "tender_json");
        firstset::TextBuffer response;
        engine->engine->lint(tender_json, response);
        *response_json = response.release();
        return FIRSTSET_OK;
    });
}

FIRSTSET_API int firstset_status(firstset_engine* engine, char** status_json) {
    return guard(status_json, [&]() -> int {
        if (!engine) return null_argument(status_json, "engine");
        firstset::TextBuffer out;
        engine->engine->status(out);
        *status_json = out.release();
        return FIRSTSET_OK;
    });
}

}  // extern "C"
