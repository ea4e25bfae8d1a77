// libFuzzer harness: the certificate registry reader, YAML or JSON. For JSON it also runs the
// entry-by-entry reader Registry::load uses, and holds the two to one answer: whatever the
// entry-by-entry reader takes, the whole-document reader takes too, with the same certificates.
#include "fuzz_files.hpp"
#include "registry/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body = fuzz::body_of(data, size);
    const auto format = fuzz::format_of(data, size);
    std::optional<firstset::Registry> entries;
    if (format == firstset::SourceDocument::Format::json) entries = firstset::Registry::from_json_entries(body, "registry");
    bool whole_ok = false;
    fuzz::reader("registry", [&] {
        const auto doc = firstset::SourceDocument::parse(body, "registry", format);
        const auto registry = firstset::Registry::from_document(doc);
        whole_ok = true;
        if (registry.size() > 0 && !registry.find(registry.id())) (void)registry.find("CQ-STT-2024-0017");
        if (entries && (entries->size() != registry.size() || entries->id() != registry.id() ||
                        entries->version() != registry.version() || entries->sha256() != registry.sha256()))
            fuzz::finding("registry: the entry-by-entry reader and the whole-document reader disagree");
    });
    if (entries && !whole_ok) fuzz::finding("registry: the entry-by-entry reader took a registry the whole-document reader refuses");
    return 0;
}
