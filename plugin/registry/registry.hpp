// The certificate registry: the first-set certificates the authorities have recognised,
// loaded from YAML or JSON (docs/contract.md section 3) and indexed by id for constant-time lookup.
//
// A Registry is immutable after loading and safe to share between threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/civil_date.hpp"

namespace firstset {

class SourceDocument;
struct VerifierKey;

enum class CertificateStatus : std::uint8_t { valid, revoked, suspended };

// What a registry entry recognises: first-set equipment (首台套), a first-batch material (首批次)
// or first-version software (首版次).
enum class EntryKind : std::uint8_t { equipment, material, software };
constexpr std::string_view entry_kind_name(EntryKind k) noexcept {
    return k == EntryKind::material ? "material" : k == EntryKind::software ? "software" : "equipment";
}

// A certificate's text lives in its registry's arena: one allocation for all of them.
struct Certificate {
    std::string_view id;
    std::string_view issuer;  // "CN", "CN-XX" or another authority's code
    std::string_view product;
    std::string_view model;  // as listed, else the one the product name carries (Rule C6'); may be empty
    std::string_view model_key;    // normalise_model(model), compared with offered models (Rule C.6)
    std::string_view holder_name;  // compared after normalise_name when a USCC is missing (C5')
    std::string_view holder_uscc;  // may be empty: lists often name the company only
    std::string_view catalogue;
    std::string_view list_document, list_batch;  // where the entry was published; may be empty
    std::uint32_t list_row = 0;                  // 0: not given
    EntryKind kind = EntryKind::equipment;
    bool model_listed = true;  // false: `model` came from the product name, or there is none
    Date recognized_on;
    std::optional<Date> valid_until;  // exclusive; else recognized_on + validity years
    CertificateStatus status = CertificateStatus::valid;

    // Rule D: the exclusive end of validity under a policy's validity_years.
    Date expiry(int validity_years) const {
        return valid_until ? *valid_until : recognized_on.plus_years(validity_years);
    }
};

class Registry {
public:
    // Loads and checks a registry file. Throws StatusError: IO, PARSE, LIMIT, or CONFIG naming the
    // file, line, pointer and certificate (schema violations, duplicate ids, impossible dates,
    // an unknown issuer format).
    static Registry load(const std::filesystem::path& file);
    static Registry from_document(const SourceDocument& doc);
    // A JSON registry read entry by entry, never as one tree (a 100,000-entry registry loads in
    // less memory); nullopt when the text holds anything from_document would refuse or locate,
    // which the caller then hands to from_document for its error.
    static std::optional<Registry> from_json_entries(const std::string& text, const std::string& file);
    // The same, for a file its publisher signed: the bytes read once must carry key's Ed25519
    // signature (base64, in the signature file firstset-ledger sign writes), else INTEGRITY
    // REGISTRY_BAD_SIGNATURE naming both files.
    static Registry load_signed(const std::filesystem::path& file, const VerifierKey& key,
                                const std::filesystem::path& signature);

    // nullptr when the id is unknown. O(1).
    const Certificate* find(std::string_view id) const;

    const std::string& id() const { return id_; }
    const std::string& version() const { return version_; }
    // registry.published: when the publisher issued the document, as Unix seconds and as written;
    // nullopt and "" when the document does not say (a local file may not).
    std::optional<std::int64_t> published() const { return published_; }
    const std::string& published_text() const { return published_text_; }
    const std::string& sha256() const { return sha256_; }
    const std::string& file() const { return file_; }
    std::size_t size() const { return certificates_.size(); }
    // Holders whose USCC has a wrong check character (kept and compared, Rule C.5).
    std::size_t holder_checksum_warnings() const { return holder_checksum_warnings_; }

    Registry(Registry&&) noexcept = default;
    Registry& operator=(Registry&&) noexcept = default;

private:
    class Filler;
    Registry() = default;

    std::string id_, version_, sha256_, file_;
    std::optional<std::int64_t> published_;
    std::string published_text_;
    // Every certificate's text, back to back in blocks that never move (the normalised forms are
    // only known once made, so the blocks grow as they are filled rather than being sized ahead).
    std::vector<std::unique_ptr<char[]>> arena_;
    std::vector<Certificate> certificates_;
    // Keys view the ids in arena_, which never moves.
    std::unordered_map<std::string_view, std::uint32_t> index_;
    std::size_t holder_checksum_warnings_ = 0;
};

}  // namespace firstset
