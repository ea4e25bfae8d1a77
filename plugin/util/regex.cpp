#include "util/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <new>
#include <stdexcept>

#include "util/error.hpp"

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
    // Match data holds only the match position; one per thread serves every pattern. The match
    // context bounds the work one search may do (backtracking steps, nesting, heap), so a
    // pattern and a text that would backtrack for ever end in an error instead.
    struct Data {
        pcre2_match_data* p = pcre2_match_data_create(1, nullptr);
        pcre2_match_context* context = pcre2_match_context_create(nullptr);
        // JIT code runs on a stack of its own: up to 1 MiB rather than the default 32 KiB.
        pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
        Data() {
            if (context) {
                pcre2_set_match_limit(context, match_limit);
                pcre2_set_depth_limit(context, depth_limit);
                pcre2_set_heap_limit(context, heap_limit_kib);
                if (stack) pcre2_jit_stack_assign(context, nullptr, stack);
            }
        }
        ~Data() {
            pcre2_match_context_free(context);
            pcre2_jit_stack_free(stack);
            pcre2_match_data_free(p);
        }
    };
    thread_local Data data;
    if (!data.p || !data.context) throw std::bad_alloc();
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const int rc = jit_ ? pcre2_jit_match(code_, subject, text.size(), from, 0, data.p, data.context)
                        : pcre2_match(code_, subject, text.size(), from, PCRE2_NO_UTF_CHECK, data.p, data.context);
    if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
    if (rc < 0) {
        // Anything else is not "no match": a limit was hit, or the search failed. Saying "no
        // match" here would let a criterion pass an audit it was never put through.
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(rc, message, sizeof message);
        const std::string why(reinterpret_cast<const char*>(message));
        const bool limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
                           rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_NOMEMORY;
        if (!limit)
            throw StatusError(Status::internal, "PATTERN_FAILED",
                        "searching with the pattern " + source_ + " failed: " + why + " (a bug in firstset, please report it)",
                        "正则表达式 " + source_ + " 匹配失败：" + why + "（firstset 的缺陷，请报告）");
        throw StatusError(Status::limit, "PATTERN_LIMIT",
                    "the pattern " + source_ + " could not be decided on a text of " + std::to_string(text.size()) +
                        " bytes (" + why + "); the text is refused rather than passed unchecked",
                    "正则表达式 " + source_ + " 无法在 " + std::to_string(text.size()) + " 字节的文本上完成匹配（" + why +
                        "）；该文本不予通过，而非未经检查即放行");
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.p);
    return std::make_pair(static_cast<std::size_t>(ovector[0]), static_cast<std::size_t>(ovector[1] - ovector[0]));
}

}  // namespace firstset
