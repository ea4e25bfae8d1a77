// A registry publisher for tests against a server: it signs each document (Ed25519, signed-note
// key) with a publication time of its own, later than the last one, as an authority would.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "support.hpp"
#include "util/civil_date.hpp"
#include "util/signing.hpp"

namespace test {

// The registry text with its registry.published line set to `unix_seconds`.
inline std::string published_at(std::string document, std::int64_t unix_seconds) {
    const std::string line = "published: \"" + firstset::utc_timestamp(unix_seconds) + "\"";
    const auto at = document.find("published: ");
    if (at == std::string::npos) throw std::logic_error("the document has no published line");
    document.replace(at, document.find('\n', at) - at, line);
    return document;
}

struct Publisher {
    firstset::SignerKey key;
    std::string name;  // the document's path under the web root, e.g. "registry.yaml"
    std::int64_t last = 0;

    explicit Publisher(const std::string& key_name, std::string path = "registry.yaml",
                       firstset::KeyAlgorithm algorithm = firstset::KeyAlgorithm::ed25519)
        : key(firstset::generate_signer_key(key_name, algorithm)), name(std::move(path)) {}

    // Publishes `document` with a publication time: `at` if given, else now (and always after
    // the previous one unless `at` says otherwise). Returns the text published.
    std::string publish(const std::filesystem::path& www, const std::string& document,
                        std::optional<std::int64_t> at = std::nullopt) {
        const std::int64_t t = at ? *at : std::max(firstset::unix_now(), last + 1);
        if (!at) last = t;
        const std::string text = published_at(document, t);
        sign_and_write(www, text);
        return text;
    }

    // Writes a document as it is (no new publication time), with a valid signature.
    void sign_and_write(const std::filesystem::path& www, const std::string& text) const {
        write_file(www / (name + ".sig"), firstset::base64_encode(firstset::sign_message(key, text)) + "\n");
        write_file(www / (name + ".tmp"), text);
        std::filesystem::rename(www / (name + ".tmp"), www / name);
    }
};

}  // namespace test
