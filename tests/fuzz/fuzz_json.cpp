// libFuzzer harness: the JSON reader against simdjson's DOM parser, on any bytes. The reader
// accepts exactly what the DOM accepts, except what it refuses on purpose (repeated names,
// numbers out of range, nesting past its limit); what it accepts it writes back as JSON that
// reads the same; check() agrees with parse().
#include <simdjson.h>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    const firstset::json::Limits limits{std::size_t{1} << 20, 32};
    bool accepted = true;
    std::string code;
    try {
        const auto doc = firstset::json::Document::parse(text, limits, "input");
        const std::string again = doc.root().to_json();
        const auto doc2 = firstset::json::Document::parse(again, firstset::json::Limits{std::size_t{1} << 22, 64}, "again");
        if (doc2.root().to_json() != again) fuzz::finding("writing back and reading again changes the document");
    } catch (const firstset::StatusError& e) {
        accepted = false;
        code = e.code();
    }
    bool checked = true;
    try {
        firstset::json::check(text, limits, "input");
    } catch (const firstset::StatusError&) {
        checked = false;
    }
    if (checked != accepted) fuzz::finding("check() and parse() disagree");
    simdjson::dom::parser dom;
    if (dom.allocate(size + 64, 1024)) return 0;
    const bool dom_accepts = !dom.parse(text).error();
    if (accepted && !dom_accepts) fuzz::finding("accepted what simdjson's DOM refuses");
    if (!accepted && dom_accepts && code != "JSON_DUPLICATE_KEY" && code != "JSON_NUMBER_RANGE" && code != "INPUT_TOO_DEEP")
        fuzz::finding("refused (" + code + ") what simdjson's DOM accepts");
    return 0;
}
