// The raw C functions of the built libfirstset.so, loaded at run time through Boost.DLL as a
// platform loads them: for the cases the C++ wrapper would never let happen (NULL arguments,
// hostile text).
#pragma once

#include <catch2/catch.hpp>

#include "firstset/firstset.hpp"

#include <nlohmann/json.hpp>

namespace test {

struct Raw {
    boost::dll::shared_library lib{FIRSTSET_LIBRARY, boost::dll::load_mode::rtld_now};
    decltype(&firstset_abi_version) abi_version = &lib.get<decltype(firstset_abi_version)>("firstset_abi_version");
    decltype(&firstset_version) version = &lib.get<decltype(firstset_version)>("firstset_version");
    decltype(&firstset_open) open = &lib.get<decltype(firstset_open)>("firstset_open");
    decltype(&firstset_close) close = &lib.get<decltype(firstset_close)>("firstset_close");
    decltype(&firstset_evaluate) evaluate = &lib.get<decltype(firstset_evaluate)>("firstset_evaluate");
    decltype(&firstset_free) free = &lib.get<decltype(firstset_free)>("firstset_free");
    decltype(&firstset_record) record = &lib.get<decltype(firstset_record)>("firstset_record");
    decltype(&firstset_verify) verify = &lib.get<decltype(firstset_verify)>("firstset_verify");
    decltype(&firstset_lint) lint = &lib.get<decltype(firstset_lint)>("firstset_lint");
    decltype(&firstset_status) status = &lib.get<decltype(firstset_status)>("firstset_status");
    decltype(&firstset_evaluate_n) evaluate_n = &lib.get<decltype(firstset_evaluate_n)>("firstset_evaluate_n");
    decltype(&firstset_lint_n) lint_n = &lib.get<decltype(firstset_lint_n)>("firstset_lint_n");
    decltype(&firstset_record_n) record_n = &lib.get<decltype(firstset_record_n)>("firstset_record_n");
    decltype(&firstset_verify_n) verify_n = &lib.get<decltype(firstset_verify_n)>("firstset_verify_n");
    decltype(&firstset_set_log_callback) set_log_callback =
        &lib.get<decltype(firstset_set_log_callback)>("firstset_set_log_callback");
    decltype(&firstset_incentive) incentive = &lib.get<decltype(firstset_incentive)>("firstset_incentive");
    decltype(&firstset_incentive_n) incentive_n = &lib.get<decltype(firstset_incentive_n)>("firstset_incentive_n");

    // A returned document, parsed, then freed.
    nlohmann::json take(char* s) const {
        REQUIRE(s != nullptr);
        auto j = nlohmann::json::parse(s);
        free(s);
        return j;
    }
};

inline Raw& raw() {
    static Raw r;
    return r;
}

}  // namespace test
