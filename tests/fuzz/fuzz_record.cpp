// libFuzzer harness: firstset_record through the C ABI, on any bytes. So that the fuzzer reaches
// past "no such record" into Rule T and Rule T' (the case stages: order, time limits, proposals),
// the engine's ledger starts with the sample award, its failure report and a case's application,
// and the placeholders @AWARD@, @FAILURE@ and @CASE@ in an input are replaced by their ids.
#include <string_view>

#include "fuzz_support.hpp"

namespace {

std::string id_of(char* out) {
    const std::string text(out ? out : "");
    firstset_free(out);
    const auto at = text.find("\"id\":\"");
    return at == std::string::npos ? std::string(64, '0') : text.substr(at + 6, 64);
}

struct Ids {
    std::string award, failure, case_id;
};

const Ids& ids(firstset_engine* engine) {
    static const Ids made = [&] {
        Ids i;
        char* out = nullptr;
        std::FILE* f = std::fopen(fuzz::source("examples/requests/record-award-CQJT-2026-014.json").c_str(), "rb");
        std::string award;
        for (int c; f && (c = std::fgetc(f)) != EOF;) award.push_back(static_cast<char>(c));
        if (f) std::fclose(f);
        firstset_record(engine, award.c_str(), &out);
        i.award = id_of(out);
        const std::string failure = R"({"kind":"failure_report","award":")" + i.award +
                                    R"(","date":"2026-09-30","description":"x","severity":"major"})";
        firstset_record(engine, failure.c_str(), &out);
        i.failure = id_of(out);
        const std::string application = R"({"kind":"case_stage","stage":"application","award":")" + i.award +
                                        R"(","failure":")" + i.failure +
                                        R"(","date":"2026-10-12","applicant":{"role":"r","id":"i"},"statement":"s",)"
                                        R"("operator":{"id":"o","address":"198.51.100.23"}})";
        firstset_record(engine, application.c_str(), &out);
        i.case_id = id_of(out);
        return i;
    }();
    return made;
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static firstset_engine* const engine = fuzz::engine(fuzz::base_config() + "ledger: {path: ledger.jsonl}\n");
    const Ids& known = ids(engine);
    std::string text = fuzz::text_of(data, size);
    replace_all(text, "@AWARD@", known.award);
    replace_all(text, "@FAILURE@", known.failure);
    replace_all(text, "@CASE@", known.case_id);
    char* out = nullptr;
    const int status = firstset_record(engine, text.c_str(), &out);
    fuzz::check_answer(status, out, "firstset_record");
    return 0;
}
