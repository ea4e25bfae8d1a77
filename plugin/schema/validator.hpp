// A compiled JSON Schema (draft-07) validator for the documents that cross the ABI or are read
// from disk. The schemas are the files in schemas/, compiled into the library.
//
// Why not valijson or RapidJSON's validator: on the benchmark request (4 KB, 20 criteria)
// valijson took ~100 us and RapidJSON's draft-04 validator ~20 us on top of parsing, against a
// budget of 50 us for the whole call (docs/performance.md). This validator compiles a schema
// once into a tree of checks, so validating costs a few microseconds. Its correctness is held
// to two references in tests: the official JSON-Schema-Test-Suite (draft 7) for every keyword
// it supports, and valijson, which must give the same verdict on every test document.
//
// Types are read as firstset's JSON reader reads them: an integer is a number written without
// fraction or exponent (10.0 is a number, not an integer), unlike draft 7's reading.
//
// Supported keywords: type, enum, const, properties, required, additionalProperties,
// minProperties, maxProperties, items (one schema), minItems, maxItems, uniqueItems,
// minLength, maxLength, pattern (ECMAScript syntax, via Boost.Regex), format (date,
// date-time), minimum, maximum, exclusiveMinimum, exclusiveMaximum, allOf, anyOf, oneOf, not,
// if/then/else, $ref (within the set), and the annotations. Any other keyword makes compiling
// fail, so a schema never silently asks for a check that is not made.
//
// Extension: "x-error": {"code": "...", "en": "...", "zh": "..."} on a schema replaces the
// code and messages of a violation of that schema's own keywords (not of its children's).
//
// A Schemas object is immutable once built and safe for concurrent use from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json.hpp"

namespace firstset::schema {

struct Violation {
    std::string path;     // JSON Pointer into the instance
    std::string keyword;  // the schema keyword that failed ("required", "pattern", ...)
    std::string code;     // stable code: SCHEMA_REQUIRED, SCHEMA_PATTERN, or an x-error code
    std::string message_en;
    std::string message_zh;
};

struct Node;

class Schemas {
public:
    // documents: (file name, JSON text) pairs, e.g. ("tender.schema.json", "{...}"). $ref
    // between documents uses these names. Throws StatusError(INTERNAL, "SCHEMA_UNSUPPORTED" or
    // "SCHEMA_INVALID") naming the schema file and pointer when one cannot be compiled.
    explicit Schemas(const std::vector<std::pair<std::string, std::string>>& documents);
    ~Schemas();
    Schemas(const Schemas&) = delete;
    Schemas& operator=(const Schemas&) = delete;

    // The first violation of the named schema by the instance, in document order; nullopt if
    // the instance is valid. `name` is a file name given to the constructor.
    // REQUIRES: the instance comes from a json::Document (so its strings are UTF-8 and its
    // member names unique).
    std::optional<Violation> validate(std::string_view name, const json::Value& instance) const;

    // The same against one part of a named schema, by its JSON Pointer: ("registry.schema.json",
    // "/definitions/certificate"). The part must be one the schema's compilation reached (a
    // definition it refers to, a property's schema); else StatusError(INTERNAL, SCHEMA_MISSING).
    std::optional<Violation> validate_at(std::string_view name, std::string_view pointer, const json::Value& instance) const;

    bool has(std::string_view name) const;

private:
    const Node& root(std::string_view name) const;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace firstset::schema
