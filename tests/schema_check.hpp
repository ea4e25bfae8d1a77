// Checks a document the plugin wrote against its schema in schemas/ (the copy built into the
// library), for the tests that link the core: every response a test reads is also a valid
// document of the contract.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "schema/embedded.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace test {

// The violation's pointer and message; empty when `text` is valid against `schema_file`.
inline std::string schema_violation(const char* schema_file, const std::string& text) {
    const firstset::json::Document doc =
        firstset::json::Document::parse(text, firstset::json::Limits{std::size_t{1} << 26, 64}, "response");
    const auto violation = firstset::schema::builtin().validate(schema_file, doc.root());
    return violation ? violation->path + ": " + violation->message_en : std::string();
}

inline void check_schema(const char* schema_file, const std::string& text) {
    INFO(schema_file << ": " << text.substr(0, 2000));
    CHECK(schema_violation(schema_file, text) == "");
}

}  // namespace test
