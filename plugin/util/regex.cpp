#include "util/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <new>
#include <stdexcept>

namespace firstset {

Regex::Regex(std::string_view source, unsigned options) : source_(source) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    uint32_t flags = PCRE2_UTF;  // \d, \w and \s stay ASCII, as in ECMAScript; \p{Han} works
    if (options & dollar_end_only) flags |= PCRE2_DOLLAR_ENDONLY;
    if (options & caseless) flags |= PCRE2_CASELESS;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), flags, &error, &offset, nullptr);
    if (!code_) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::invalid_argument(std::string(reinterpret_cast<char*>(message)) + " at offset " + std::to_string(offset));
    }
    jit_ = pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE) == 0;  // without JIT, matching is interpreted
}

Regex::~Regex() { pcre2_code_free(code_); }

std::optional<std::pair<std::size_t, std::size_t>> Regex::find(std::string_view text, std::size_t from) const {
    // Match data holds only the match position; one per thread serves every pattern.
    struct Data {
        pcre2_match_data* p = pcre2_match_data_create(1, nullptr);
        ~Data() { pcre2_match_data_free(p); }
    };
    thread_local Data data;
    if (!data.p) throw std::bad_alloc();
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const int rc = jit_ ? pcre2_jit_match(code_, subject, text.size(), from, 0, data.p, nullptr)
                        : pcre2_match(code_, subject, text.size(), from, PCRE2_NO_UTF_CHECK, data.p, nullptr);
    if (rc < 0) return std::nullopt;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.p);
    return std::make_pair(static_cast<std::size_t>(ovector[0]), static_cast<std::size_t>(ovector[1] - ovector[0]));
}

}  // namespace firstset
