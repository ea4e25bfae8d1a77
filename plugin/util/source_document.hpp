// A document read from a file (configuration, policy pack, certificate registry), YAML or
// JSON, held as JSON values (util/json.hpp) that still know where in the file each one came
// from, so that every error about it names the file, the line and the JSON Pointer.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/json.hpp"

namespace firstset {

namespace schema {
class Schemas;
}

class SourceDocument {
public:
    enum class Format { yaml, json };

    // Reads and parses a file. A name ending in .json is JSON, .yaml or .yml is YAML; any other
    // name is JSON when its first non-blank character is '{', else YAML. Only a regular file is
    // read, and no more than max_source_bytes of it. Throws StatusError: IO (FILE_UNREADABLE,
    // NOT_A_FILE), PARSE (YAML_SYNTAX, JSON_SYNTAX, NOT_UTF8, JSON_DUPLICATE_KEY, ...), LIMIT
    // (DOCUMENT_TOO_LARGE, DOCUMENT_TOO_DEEP).
    static SourceDocument read(const std::filesystem::path& path);

    // Parses text that came from `file` (used for tests and for documents fetched elsewhere).
    static SourceDocument parse(std::string text, std::string file, Format format);

    // The format a file name or URL says (.json, .yaml, .yml), else JSON when the text's first
    // non-blank character is '{', else YAML.
    static Format format_for(std::string_view name, std::string_view text);

    const json::Value& root() const { return doc_.root(); }
    // SHA-256 of the document's bytes as read, lower-case hex.
    const std::string& sha256() const { return sha256_; }
    std::size_t size() const { return size_; }
    const std::string& file() const { return file_; }
    Format format() const { return format_; }

    // File, line and column of the value at a JSON Pointer; for a pointer that names nothing
    // (a missing member), the line of the nearest existing ancestor.
    Location locate(std::string_view pointer) const;

    // Validates against one of the compiled schemas; a violation throws StatusError(status, code of
    // the violation) located at file, line and pointer.
    void validate(const schema::Schemas& schemas, std::string_view schema_name, Status status) const;

    // An StatusError located at this document's pointer.
    [[noreturn]] void fail(Status status, std::string code, std::string message_en, std::string message_zh,
                           std::string_view pointer) const;

private:
    SourceDocument() = default;

    json::Document doc_;  // keeps the text: positions of values count in it
    std::string sha256_;
    std::size_t size_ = 0;
    std::string file_;
    Format format_ = Format::json;
};

// Largest file firstset reads as a configuration, pack or registry: 1 GiB.
inline constexpr std::size_t max_source_bytes = std::size_t{1} << 30;
// How deep a file's arrays and objects may nest.
inline constexpr unsigned max_source_depth = 64;

}  // namespace firstset
