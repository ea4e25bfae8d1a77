// libFuzzer harness: the configuration reader (what firstset_open reads first), YAML or JSON.
// It reads and checks the file and every setting; it does not open the ledger or fetch URLs.
#include <fstream>

#include "engine.hpp"
#include "fuzz_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bool json = fuzz::format_of(data, size) == firstset::SourceDocument::Format::json;
    const auto file = fuzz::workdir() / (json ? "config.json" : "config.yaml");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << fuzz::body_of(data, size);
    }
    fuzz::reader("config", [&] { (void)firstset::EngineConfig::load(file); });
    return 0;
}
