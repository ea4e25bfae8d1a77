// libFuzzer harness: firstset_incentive through the C ABI, on any bytes (Rules R and S: the
// request reader, exact money, the years of a premium subsidy).
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static firstset_engine* const engine = fuzz::engine(fuzz::base_config());
    const std::string text = fuzz::text_of(data, size);
    char* out = nullptr;
    const int status = firstset_incentive(engine, text.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_incentive");
    return 0;
}
