// libFuzzer harness: firstset_verify through the C ABI: any request text, against the working
// folder's sample ledgers and checkpoints (a request names them as "sample.jsonl" and
// "sample.checkpoint", or the SM3 ledger "sample-sm3.jsonl" and its SM2 "sample-sm2.checkpoint").
#include <fstream>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = [] {
        std::ofstream(fuzz::workdir() / "sample.checkpoint") << fuzz::sample().checkpoint;
        std::ofstream(fuzz::workdir() / "sample-sm2.checkpoint") << fuzz::sample().sm2_checkpoint;
        return true;
    }();
    (void)ready;
    const std::string text = fuzz::text_of(data, size);
    char* out = nullptr;
    const int status = firstset_verify(text.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_verify");
    return 0;
}
