// Shared by the libFuzzer harnesses: a working folder with sample files, engines opened once,
// and what counts as a finding. Every harness holds the library to the promise of the C ABI:
// any input gets a status and a document in UTF-8 JSON, never a signal; and INTERNAL (a bug in
// firstset) or an exception that is not firstset's StatusError is a finding too (it aborts the run).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "firstset/firstset.h"
#include "ledger/checkpoint.hpp"
#include "ledger/ledger.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/json.hpp"
#include "util/signing.hpp"

namespace fuzz {

namespace fs = std::filesystem;

inline fs::path source(const std::string& relative) { return fs::path(FIRSTSET_SOURCE_DIR) / relative; }

// The key the sample checkpoint is signed with (test data, made with firstset-ledger keygen).
inline constexpr const char* signer_key = "PRIVATE+KEY+test.firstset.example+99920136+AR8Ffyf4Gq1fl0YhuQvN26Wja0N9i0FIpJxxkVs9Pnuk";
inline constexpr const char* verifier_key = "test.firstset.example+99920136+AcXuMWkk3QzoLw7FtyqXUr5Dzh2Y3gg/jyZy/hwb6+TH";

// An SM2 key (firstset-ledger keygen --algorithm sm2), for the SM2 checkpoint of the samples.
inline constexpr const char* sm2_signer_key =
    "PRIVATE+KEY+sm2.test.firstset.example+87a44095+/2dtdDAwMDktc20yF8hsseFBBfwghWpTv1RB7aNSk4ZCCk8O8ULu2Jpx59Y=";
inline constexpr const char* sm2_verifier_key =
    "sm2.test.firstset.example+87a44095+/2dtdDAwMDktc20yBD+nEP/RpshsTNPoIORlmlV8kOkhK/JvH6KbUVnKpBh7d5ZKf6sBAzFkolpe0lMFgLQS5Fwg702wXAGUsirNaS8=";

inline firstset::VerifierKey verifier(const char* text = verifier_key) {
    std::string why;
    auto key = firstset::parse_verifier_key(text, why);
    if (!key) std::abort();
    return *key;
}

[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "FINDING: %s\n", what.c_str());
    std::abort();
}

// A folder of the run's own (in /dev/shm when there is one: syncs cost nothing there), made the
// working folder, holding a sample ledger of a few records and its signed checkpoint.
inline const fs::path& workdir() {
    static const fs::path dir = [] {
        const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string t = (base / "firstset-fuzz-XXXXXX").string();
        if (!::mkdtemp(t.data())) std::abort();
        fs::current_path(t);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(workdir(), ec);
        });
        return fs::path(t);
    }();
    return dir;
}

// The sample ledger's bytes and checkpoint, made once in the working folder.
struct Sample {
    std::string ledger, checkpoint;
    std::string sm3_ledger;      // the same records in a ledger whose chain hash is SM3
    std::string sm2_checkpoint;  // the SM3 ledger's checkpoint, signed with the SM2 key
};

inline const Sample& sample() {
    static const Sample s = [] {
        const fs::path file = workdir() / "sample.jsonl";
        fs::remove(file);
        {
            auto l = firstset::ledger::Ledger::open(file);
            l->append("award", R"({"kind":"award","award_date":"2026-03-20","note":"样例 sample"})");
            l->append("failure_report", R"({"kind":"failure_report","award":"a","date":"2026-09-30"})");
            l->append("evaluation", R"({"tender":"T","bid":"B","points":[10,6.5]})");
        }
        Sample out;
        out.ledger = *firstset::read_whole_file(file, 1 << 20);
        std::string why;
        const auto key = firstset::parse_signer_key(signer_key, why);
        if (!key) std::abort();
        const auto verdict = firstset::ledger::verify(out.ledger);
        out.checkpoint = firstset::ledger::sign_checkpoint({"test.firstset.example", verdict.head.seq, verdict.head.id}, *key);
        const fs::path sm3_file = workdir() / "sample-sm3.jsonl";
        fs::remove(sm3_file);
        {
            auto l = firstset::ledger::Ledger::open(sm3_file, nullptr, firstset::HashAlgorithm::sm3);
            l->append("award", R"({"kind":"award","award_date":"2026-03-20","note":"样例 sample"})");
            l->append("evaluation", R"({"tender":"T","bid":"B","points":[10,6.5]})");
        }
        out.sm3_ledger = *firstset::read_whole_file(sm3_file, 1 << 20);
        const auto sm2_key = firstset::parse_signer_key(sm2_signer_key, why);
        if (!sm2_key) std::abort();
        const auto sm3_verdict = firstset::ledger::verify(out.sm3_ledger);
        out.sm2_checkpoint = firstset::ledger::sign_checkpoint(
            {"sm2.test.firstset.example", sm3_verdict.head.seq, sm3_verdict.head.id}, *sm2_key);
        return out;
    }();
    return s;
}

// An ABI call's answer: a document always, valid JSON in UTF-8, an error document unless OK,
// and never INTERNAL.
inline void check_answer(int status, char* out, const char* entry) {
    if (!out) finding(std::string(entry) + ": no document");
    const std::string text(out);
    firstset_free(out);
    try {
        const auto doc = firstset::json::Document::parse(text, firstset::json::Limits{std::size_t{1} << 30, 64}, "answer");
        if (status != FIRSTSET_OK && !doc.root().find("error")) finding(std::string(entry) + ": no error document: " + text);
    } catch (const firstset::StatusError& e) {
        finding(std::string(entry) + ": the answer is not JSON the reader accepts (" + e.code() + "): " + text.substr(0, 400));
    }
    if (status == FIRSTSET_INTERNAL) finding(std::string(entry) + ": INTERNAL: " + text.substr(0, 1000));
}

// An engine opened once per run on a configuration of the working folder.
inline firstset_engine* engine(const std::string& config_text) {
    const fs::path config = workdir() / ("config-" + std::to_string(std::hash<std::string>()(config_text)) + ".yaml");
    std::FILE* f = std::fopen(config.c_str(), "w");
    std::fputs(config_text.c_str(), f);
    std::fclose(f);
    firstset_engine* e = nullptr;
    char* error = nullptr;
    if (firstset_open(config.c_str(), &e, &error) != FIRSTSET_OK) {
        std::fprintf(stderr, "cannot open the engine: %s\n", error ? error : "");
        std::abort();
    }
    firstset_free(error);
    return e;
}

inline std::string base_config() {
    return "policies: [" + source("criteria/policies/cn-cq-2024-9.yaml").string() + ", " +
           source("criteria/policies/cn-2023-127.yaml").string() + "]\nregistry: {file: " +
           source("examples/registry.yaml").string() + "}\nlog: {level: 'off'}\n";
}

// The input as the NUL-terminated text a host would pass (bytes after a NUL are what a C string ends at).
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace fuzz
