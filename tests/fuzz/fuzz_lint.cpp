// libFuzzer harness: firstset_lint through the C ABI, on any bytes; and firstset_lint_n (ABI 1.5)
// on libFuzzer's own buffer, which has no NUL after it, with the same status as the NUL form
// whenever the bytes hold no NUL.
#include <cstring>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static firstset_engine* const engine = fuzz::engine(fuzz::base_config());
    const std::string text = fuzz::text_of(data, size);
    char* out = nullptr;
    const int status = firstset_lint(engine, text.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_lint");
    char* out_n = nullptr;
    const int status_n = firstset_lint_n(engine, reinterpret_cast<const char*>(data), size, &out_n);
    fuzz::check_answer(status_n, out_n, "firstset_lint_n");
    if (std::memchr(data, 0, size) == nullptr && status != status_n)
        fuzz::finding("firstset_lint gave " + std::to_string(status) + ", firstset_lint_n " + std::to_string(status_n) +
                      " for the same text");
    return 0;
}
