// libFuzzer harness: the audit's wording model (plugin/lint/wording.cpp) on any UTF-8 text,
// differential: what the Hyperscan prefilter lets through must be exactly what searching every
// pattern with PCRE2 finds (a prefilter that drops a match would make the audit miss it), and
// every span must lie inside the text on character boundaries.
#include <cstdlib>
#include <cstdio>

#include "fuzz_support.hpp"
#include "lint/wording.hpp"
#include "util/model_name.hpp"
#include "util/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string raw(reinterpret_cast<const char*>(data), size);
    if (firstset::utf8::first_invalid(raw) != std::string::npos) return 0;  // requests are checked for UTF-8 before the audit
    const std::string text = firstset::normalise_wording(raw);
    const auto fast = firstset::lint::scan(text);
    const auto every = firstset::lint::scan_every_pattern(text);
    auto boundary = [&](std::size_t at) {
        return at == text.size() || (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80);
    };
    for (const auto& h : fast)
        if (h.from > h.to || h.to > text.size() || !boundary(h.from) || !boundary(h.to)) {
            std::fprintf(stderr, "a span [%u, %u) outside the text or inside a character\n", h.from, h.to);
            std::abort();
        }
    if (fast.size() != every.size()) {
        std::fprintf(stderr, "prefilter: %zu matches, every pattern: %zu\n", fast.size(), every.size());
        std::abort();
    }
    for (std::size_t i = 0; i < fast.size(); ++i)
        if (fast[i].term != every[i].term || fast[i].from != every[i].from || fast[i].to != every[i].to) std::abort();
    return 0;
}
