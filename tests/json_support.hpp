// Validating a document both ways the plugin does: as a RapidJSON value (files) and as a
// simdjson element (requests). The two must report the same violation, or none.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "schema/validator.hpp"
#include "util/json.hpp"

namespace test {

inline std::optional<firstset::schema::Violation> validate_both(const firstset::schema::Schemas& schemas,
                                                                 const std::string& schema_name,
                                                                 const std::string& text) {
    firstset::JsonDocument rapid;
    rapid.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());
    REQUIRE_FALSE(rapid.HasParseError());
    firstset::JsonDoc simd;
    firstset::parse_request(text, simd, firstset::JsonLimits{std::size_t{1} << 30, 64}, "test document");
    const auto a = schemas.validate(schema_name, rapid);
    const auto b = schemas.validate(schema_name, simd.root());
    INFO(text.substr(0, 300));
    REQUIRE(a.has_value() == b.has_value());
    if (a) {
        CHECK(a->path == b->path);
        CHECK(a->code == b->code);
        CHECK(a->keyword == b->keyword);
        CHECK(a->message_en == b->message_en);
    }
    return a;
}

}  // namespace test
