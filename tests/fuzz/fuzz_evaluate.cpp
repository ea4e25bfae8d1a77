// libFuzzer harness: firstset_evaluate through the C ABI, on any bytes.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static firstset_engine* const engine = fuzz::engine(fuzz::base_config());
    const std::string text = fuzz::text_of(data, size);
    char* out = nullptr;
    const int status = firstset_evaluate(engine, text.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_evaluate");
    return 0;
}
