// libFuzzer harness: the ledger verifier against a signed checkpoint. The input is a checkpoint
// note, the line "==", then the ledger's bytes; both go to files, and firstset_verify checks one
// against the other with the sample key.
#include <fstream>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input = fuzz::text_of(data, size);
    const auto split = input.find("\n==\n");
    const std::string note = split == std::string::npos ? input : input.substr(0, split + 1);
    const std::string ledger = split == std::string::npos ? std::string() : input.substr(split + 4);
    const auto dir = fuzz::workdir();
    std::ofstream(dir / "cp-under-test.checkpoint", std::ios::binary | std::ios::trunc) << note;
    std::ofstream(dir / "cp-under-test.jsonl", std::ios::binary | std::ios::trunc) << ledger;
    const std::string request = std::string("{\"ledger\":\"cp-under-test.jsonl\",\"checkpoint\":\"cp-under-test.checkpoint\","
                                            "\"public_key\":\"") + fuzz::verifier_key + "\"}";
    char* out = nullptr;
    const int status = firstset_verify(request.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_verify");
    return 0;
}
