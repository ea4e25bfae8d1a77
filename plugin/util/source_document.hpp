// A document read from a file (configuration, policy pack, certificate registry), YAML or
// JSON, held as a JSON DOM that still knows which line each value came from, so that every
// error about it names the file, the line and the JSON Pointer.
#pragma once

#include <yaml-cpp/yaml.h>

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
    // name is JSON when its first non-blank character is '{', else YAML. Throws Error: IO
    // (FILE_UNREADABLE), PARSE (YAML_SYNTAX, JSON_SYNTAX), LIMIT (DOCUMENT_TOO_LARGE).
    static SourceDocument read(const std::filesystem::path& path);

    // Parses text that came from `file` (used for tests and for documents fetched elsewhere).
    static SourceDocument parse(std::string text, std::string file, Format format);

    const JsonValue& root() const { return *doc_; }
    // SHA-256 of the document's bytes as read, lower-case hex.
    const std::string& sha256() const { return sha256_; }
    std::size_t size() const { return size_; }
    const std::string& file() const { return file_; }
    Format format() const { return format_; }

    // File, line and column of the value at a JSON Pointer; for a pointer that names nothing
    // (a missing member), the line of the nearest existing ancestor.
    Location locate(std::string_view pointer) const;

    // Validates against one of the compiled schemas; a violation throws Error(status, code of
    // the violation) located at file, line and pointer.
    void validate(const schema::Schemas& schemas, std::string_view schema_name, Status status) const;

    // An Error located at this document's pointer.
    [[noreturn]] void fail(Status status, std::string code, std::string message_en, std::string message_zh,
                           std::string_view pointer) const;

    SourceDocument(SourceDocument&&) noexcept;
    SourceDocument& operator=(SourceDocument&&) noexcept;
    ~SourceDocument();

private:
    SourceDocument() = default;

    // JSON is parsed in place in `text_`, so its strings cost no second copy; the text as it
    // was is kept in `original_` only when small, and read again from the file when an error
    // needs a line number in a large one.
    std::string text_;
    std::string original_;
    std::string sha256_;
    std::size_t size_ = 0;
    std::string file_;
    Format format_ = Format::json;
    std::unique_ptr<JsonDocument> doc_;
    YAML::Node yaml_;
};

// Largest file firstset reads as a configuration, pack or registry: 1 GiB.
inline constexpr std::size_t max_source_bytes = std::size_t{1} << 30;

}  // namespace firstset
