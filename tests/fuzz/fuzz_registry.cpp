// libFuzzer harness: the certificate registry reader, YAML or JSON.
#include "fuzz_files.hpp"
#include "registry/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::reader("registry", [&] {
        const auto doc = firstset::SourceDocument::parse(fuzz::body_of(data, size), "registry", fuzz::format_of(data, size));
        const auto registry = firstset::Registry::from_document(doc);
        if (registry.size() > 0 && !registry.find(registry.id())) (void)registry.find("CQ-STT-2024-0017");
    });
    return 0;
}
