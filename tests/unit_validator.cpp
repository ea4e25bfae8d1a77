#include <catch2/catch.hpp>

#include <string>

#include "schema/embedded.hpp"
#include "json_support.hpp"
#include "schema/validator.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

using namespace firstset;
using schema::Schemas;
using Docs = std::vector<std::pair<std::string, std::string>>;

namespace {

std::optional<schema::Violation> check(const Schemas& s, const std::string& instance, const char* name = "s.json") {
    return test::validate_text(s, name, instance);
}

}  // namespace

TEST_CASE("Schemas: the first violation is reported with a JSON Pointer, keyword and code", "[validator]") {
    Schemas s(Docs{{"s.json", R"({
        "type": "object", "required": ["a"], "additionalProperties": false,
        "properties": {"a": {"type": "array", "items": {"type": "object", "required": ["b"],
                             "properties": {"b": {"type": "string", "minLength": 2}, "c/d~e": {"type": "integer"}}}}}})"}});
    CHECK_FALSE(check(s, R"({"a": [{"b": "xy"}]})"));

    auto v = check(s, R"({"a": [{"b": "xy"}, {"b": "x"}]})");
    REQUIRE(v);
    CHECK(v->path == "/a/1/b");
    CHECK(v->keyword == "minLength");
    CHECK(v->code == "SCHEMA_LENGTH");
    CHECK_FALSE(v->message_en.empty());
    CHECK_FALSE(v->message_zh.empty());

    v = check(s, R"({"a": [{}]})");
    REQUIRE(v);
    CHECK(v->path == "/a/0/b");  // where the missing member belongs
    CHECK(v->code == "SCHEMA_REQUIRED");

    v = check(s, R"({"a": [], "z": 1})");
    REQUIRE(v);
    CHECK(v->path == "/z");
    CHECK(v->code == "SCHEMA_UNKNOWN_MEMBER");
    CHECK(v->message_en.find("allowed: a") != std::string::npos);

    v = check(s, R"({"a": [{"b": "xy", "c/d~e": 1.5}]})");
    REQUIRE(v);
    CHECK(v->path == "/a/0/c~1d~0e");  // RFC 6901 escaping
    CHECK(v->code == "SCHEMA_TYPE");

    v = check(s, R"([])");
    REQUIRE(v);
    CHECK(v->path.empty());
    CHECK(v->message_en == "expected object, found array");
}

TEST_CASE("Schemas: x-error replaces the code and messages of a schema's own violations", "[validator]") {
    Schemas s(Docs{{"s.json", R"({"type": "object", "properties": {
        "u": {"type": "string", "pattern": "^[0-9]{3}$", "x-error": {"code": "THREE_DIGITS", "en": "three digits", "zh": "三位数字"}}}})"}});
    auto v = check(s, R"({"u": "12a"})");
    REQUIRE(v);
    CHECK(v->code == "THREE_DIGITS");
    CHECK(v->message_en == "three digits");
    CHECK(v->message_zh == "三位数字");
    v = check(s, R"({"u": 123})");
    REQUIRE(v);
    CHECK(v->code == "THREE_DIGITS");  // a type violation of that schema too
}

TEST_CASE("Schemas: $ref resolves within and across documents", "[validator]") {
    Schemas s(Docs{{"a.json", R"({"type": "object", "properties": {"x": {"$ref": "b.json#/definitions/n"}, "y": {"$ref": "#/definitions/s"}},
                              "definitions": {"s": {"type": "string"}}})"},
               {"b.json", R"({"definitions": {"n": {"type": "number", "minimum": 1}}})"}});
    CHECK_FALSE(check(s, R"({"x": 2, "y": "t"})", "a.json"));
    auto v = check(s, R"({"x": 0})", "a.json");
    REQUIRE(v);
    CHECK(v->code == "SCHEMA_RANGE");
    CHECK(v->path == "/x");
    v = check(s, R"({"y": 0})", "a.json");
    REQUIRE(v);
    CHECK(v->code == "SCHEMA_TYPE");
}

TEST_CASE("Schemas: a keyword the validator cannot check makes compiling fail", "[validator]") {
    try {
        Schemas s(Docs{{"s.json", R"({"type": "object", "patternProperties": {"^x": {}}})"}});
        FAIL("an unsupported keyword was accepted");
    } catch (const StatusError& e) {
        CHECK(e.code() == "SCHEMA_UNSUPPORTED");
        CHECK(std::string(e.message_en()).find("patternProperties") != std::string::npos);
    }
    CHECK_THROWS_AS(Schemas(Docs{{"s.json", R"({"format": "email"})"}}), StatusError);
    CHECK_THROWS_AS(Schemas(Docs{{"s.json", R"({"$ref": "missing.json"})"}}), StatusError);
    CHECK_THROWS_AS(Schemas(Docs{{"s.json", R"({"pattern": "("})"}}), StatusError);
}

TEST_CASE("Schemas: if/then applies the then-schema only when the if-schema matches", "[validator]") {
    Schemas s(Docs{{"s.json", R"({"if": {"properties": {"mode": {"const": "scored"}}}, "then": {"required": ["max"]}})"}});
    CHECK_FALSE(check(s, R"({"mode": "pass_fail"})"));
    CHECK_FALSE(check(s, R"({"mode": "scored", "max": 1})"));
    auto v = check(s, R"({"mode": "scored"})");
    REQUIRE(v);
    CHECK(v->path == "/max");
}

TEST_CASE("Schemas: every schema file of the product compiles", "[validator]") {
    const Schemas& s = schema::builtin();
    for (const auto& [name, text] : schema::embedded_documents()) {
        INFO(name);
        CHECK(s.has(name));
        CHECK_FALSE(text.empty());
    }
}
