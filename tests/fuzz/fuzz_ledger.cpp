// libFuzzer harness: the ledger verifier on any bytes, in memory and as a file opened for
// writing (the path that cuts a torn tail into .broken): a verdict, never a crash; and when the
// bytes verify, the ledger opens and takes a record.
#include <fstream>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes = fuzz::text_of(data, size);
    const auto verdict = firstset::ledger::verify(bytes);
    const auto file = fuzz::workdir() / "ledger-under-test.jsonl";
    std::filesystem::remove(file.string() + ".broken");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    try {
        auto ledger = firstset::ledger::Ledger::open(file);
        ledger->append("evaluation", R"({"fuzz":true})");
        if (!verdict.ok() && !verdict.torn_tail) fuzz::finding("a ledger that does not verify was opened for writing");
    } catch (const firstset::StatusError& e) {
        if (verdict.ok() && e.status() != firstset::Status::io) fuzz::finding(std::string("a ledger that verifies did not open: ") + e.code());
    }
    // Whatever open did, the file verifies now or is as it was.
    return 0;
}
