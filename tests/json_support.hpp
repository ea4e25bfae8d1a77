// Validating a document as the plugin does: read by its one JSON reader, then checked against a
// compiled schema.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "schema/validator.hpp"
#include "util/json.hpp"

namespace test {

inline std::optional<firstset::schema::Violation> validate_text(const firstset::schema::Schemas& schemas,
                                                                 const std::string& schema_name,
                                                                 const std::string& text) {
    const firstset::json::Document doc =
        firstset::json::Document::parse(text, firstset::json::Limits{std::size_t{1} << 30, 64}, "test document");
    INFO(text.substr(0, 300));
    return schemas.validate(schema_name, doc.root());
}

}  // namespace test
