// libFuzzer harness: the policy pack reader, YAML or JSON (schema, patterns, messages).
#include "fuzz_files.hpp"
#include "policy/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::reader("pack", [&] {
        const auto doc = firstset::SourceDocument::parse(fuzz::body_of(data, size), "pack", fuzz::format_of(data, size));
        (void)firstset::Policy::from_document(doc);
    });
    return 0;
}
