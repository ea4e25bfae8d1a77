// The official JSON-Schema-Test-Suite (draft 7, Debian package json-schema-test-suite) run
// against firstset's validator, for every keyword it supports. A test group whose schema uses
// a keyword the validator does not support must fail to compile; the groups expected to do so
// are listed below by name, so that none is skipped silently.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "schema/validator.hpp"
#include "json_support.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace firstset;

namespace {

// Test files of the keywords firstset's validator supports.
const char* const suite_files[] = {
    "additionalProperties.json", "allOf.json", "anyOf.json", "boolean_schema.json", "const.json",
    "enum.json", "exclusiveMaximum.json", "exclusiveMinimum.json", "if-then-else.json", "items.json",
    "maxItems.json", "maxLength.json", "maxProperties.json", "maximum.json", "minItems.json",
    "minLength.json", "minProperties.json", "minimum.json", "not.json", "oneOf.json", "pattern.json",
    "properties.json", "ref.json", "required.json", "type.json", "uniqueItems.json",
    "optional/format/date.json", "optional/format/date-time.json",
};

// Groups that use what the validator does not support (patternProperties, multipleOf, tuple
// items, unknown keywords, references by $id or to remote documents): compiling them must
// fail, and these are exactly the groups that do.
const std::set<std::string> unsupported_groups = {
    "additionalProperties being false does not allow other properties",  // patternProperties
    "non-ASCII pattern with additionalProperties",                        // patternProperties
    "properties, patternProperties, additionalProperties interaction",    // patternProperties
    "if and else without then",                                           // multipleOf
    "validate against correct branch, then vs else",                      // multipleOf
    "an array of schemas for items",                                      // items as an array
    "items with boolean schemas",                                         // items as an array
    "relative pointer ref to array",                                      // items as an array
    "escaped pointer ref",                   // subschemas kept under names that are not keywords
    "remote ref, containing refs itself",    // $ref to the draft-07 meta-schema on the network
    "Recursive references between schemas",  // $ref by $id ("node") rather than by file and pointer
};

}  // namespace

TEST_CASE("Schemas: the JSON-Schema-Test-Suite (draft 7) passes for every supported keyword", "[validator][suite]") {
    const std::filesystem::path root(JSON_SCHEMA_TEST_SUITE);
    REQUIRE(std::filesystem::exists(root));
    int cases = 0, groups = 0, refused = 0;
    std::set<std::string> seen_unsupported;
    for (const char* file : suite_files) {
        const auto groups_json = nlohmann::json::parse(test::read_file(root / file));
        for (const auto& group : groups_json) {
            const std::string description = group.at("description");
            std::unique_ptr<schema::Schemas> s;
            try {
                s = std::make_unique<schema::Schemas>(
                    std::vector<std::pair<std::string, std::string>>{{"suite.json", group.at("schema").dump()}});
            } catch (const StatusError& e) {
                INFO(file << ": " << description << ": " << e.message_en());
                CHECK(unsupported_groups.count(description) == 1);
                seen_unsupported.insert(description);
                ++refused;
                continue;
            }
            ++groups;
            for (const auto& t : group.at("tests")) {
                const std::string text = t.at("data").dump();
                const bool valid = !test::validate_text(*s, "suite.json", text);
                INFO(file << ": " << description << ": " << t.at("description").get<std::string>() << ": " << text);
                CHECK(valid == t.at("valid").get<bool>());
                ++cases;
            }
        }
    }
    // Every listed group was refused (the list holds nothing stale) and every other one ran.
    CHECK(seen_unsupported == unsupported_groups);
    CHECK(cases >= 280);
    WARN("JSON-Schema-Test-Suite draft 7: " << cases << " cases in " << groups << " groups passed; " << refused
                                            << " groups refused at compile time as unsupported");
}
