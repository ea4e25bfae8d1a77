// For the harnesses of files (configuration, policy pack, registry): the first byte says the
// format ('J' JSON, anything else YAML), the rest is the file's text.
#pragma once

#include "fuzz_support.hpp"
#include "util/source_document.hpp"

namespace fuzz {

inline firstset::SourceDocument::Format format_of(const std::uint8_t* data, std::size_t size) {
    return size > 0 && data[0] == 'J' ? firstset::SourceDocument::Format::json : firstset::SourceDocument::Format::yaml;
}

inline std::string body_of(const std::uint8_t* data, std::size_t size) {
    return size > 0 ? std::string(reinterpret_cast<const char*>(data) + 1, size - 1) : std::string();
}

// Runs a reader of outside data: firstset's StatusError is its answer to bad input; anything else
// escaping it is a finding.
template <typename F>
void reader(const char* name, F&& f) {
    try {
        f();
    } catch (const firstset::StatusError& e) {
        if (e.status() == firstset::Status::internal) finding(std::string(name) + ": INTERNAL " + e.code() + ": " + e.what());
    }
}

}  // namespace fuzz
