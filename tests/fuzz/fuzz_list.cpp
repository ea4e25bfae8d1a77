// libFuzzer harness: the recognition-list readers and importer (firstset-registry import). The
// first byte says the format ('X' .xlsx, 'D' .docx, anything else CSV), the rest is the file.
// Every table it reads goes through header detection and the rows' checks; a registry it makes
// must load.
#include "fuzz_files.hpp"
#include "list_import.hpp"
#include "list_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto format = data[0] == 'X' ? firstset::lists::Format::xlsx : data[0] == 'D' ? firstset::lists::Format::docx : firstset::lists::Format::csv;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    firstset::lists::Limits limits;
    limits.part_bytes = 16u << 20;  // a zip bomb is refused at this size, not after the fuzzer runs out of memory
    fuzz::reader("list", [&] {
        const auto tables = firstset::lists::read_tables(bytes, format, "list", limits);
        firstset::lists::ImportOptions o;
        o.issuer = "CN-CQ";
        o.document = "渝经信发〔2024〕25号";
        o.recognized = "2024-05-12";
        const auto result = firstset::lists::import_tables(tables, o, "list");
        if (result.entries == 0) fuzz::finding("list: an import without entries succeeded");
    });
    return 0;
}
