// The writer of the crash tests: an engine with a ledger evaluating one request again and again,
// each evaluation appending a record. It prints "ack SEQ ID" for every acknowledged record and
// "refused CODE" for every refusal, and stops after `attempts` calls.
//   firstset_fault_writer CONFIG REQUEST_FILE ATTEMPTS
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s CONFIG REQUEST_FILE ATTEMPTS\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string request = text.str();
    std::unique_ptr<firstset::EngineCore> engine;
    try {
        engine = firstset::EngineCore::open(argv[1]);
    } catch (const firstset::StatusError& e) {
        std::printf("open-refused %s\n", e.code().c_str());
        return 0;
    }
    const long attempts = std::atol(argv[3]);
    for (long i = 0; i < attempts; ++i) {
        try {
            firstset::TextBuffer out;
            engine->evaluate(request.c_str(), out);
            const auto doc = firstset::json::Document::parse(out.view(), firstset::json::Limits{1 << 24, 64}, "response");
            const auto& ledger = doc.root()["ledger"];
            std::printf("ack %llu %s\n", static_cast<unsigned long long>(ledger["seq"].uint64()),
                        std::string(ledger["id"].str()).c_str());
        } catch (const firstset::StatusError& e) {
            std::printf("refused %s\n", e.code().c_str());
        }
        std::fflush(stdout);
    }
    return 0;
}
