// A compiled PCRE2 regular expression over UTF-8 text, JIT-compiled where the platform allows.
// Used by the schema validator ("pattern") and by the evaluation-method audit (the policy
// pack's vocabularies). Immutable once built: safe to search from many threads at once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

struct pcre2_real_code_8;

namespace firstset {

class Regex {
public:
    enum Options : unsigned {
        none = 0,
        dollar_end_only = 1,  // "$" matches only at the very end (ECMAScript's reading)
        caseless = 2,         // ASCII and Unicode letters match either case
    };

    // Throws std::invalid_argument with PCRE2's message and the offset when source is not a
    // valid pattern.
    explicit Regex(std::string_view source, unsigned options = none);
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex();

    // Bounds on one search: backtracking steps, nesting (interpreter), heap in KiB.
    static constexpr unsigned match_limit = 1'000'000, depth_limit = 5'000, heap_limit_kib = 20'000;

    // The first match in text: its byte offset and length; nullopt when there is none. Throws
    // StatusError(LIMIT, PATTERN_LIMIT) when the search hits a bound before it can say: never "no match"
    // for a search that did not finish.
    // REQUIRES: text is valid UTF-8 (every document firstset reads is checked for it).
    std::optional<std::pair<std::size_t, std::size_t>> find(std::string_view text, std::size_t from = 0) const;
    bool search(std::string_view text) const { return find(text).has_value(); }

    const std::string& source() const { return source_; }

private:
    std::string source_;
    pcre2_real_code_8* code_ = nullptr;
    bool jit_ = false;
};

}  // namespace firstset
