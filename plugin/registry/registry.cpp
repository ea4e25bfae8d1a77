#include "registry/registry.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstring>
#include <tuple>
#include <unordered_set>

#include "schema/embedded.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/signing.hpp"
#include "util/json.hpp"
#include "util/model_name.hpp"
#include "util/source_document.hpp"
#include "util/uscc.hpp"

namespace firstset {

namespace {

// "/certificates/17/holder/uscc" -> 17; npos when the pointer is not inside a certificate.
std::size_t certificate_index(std::string_view pointer) {
    constexpr std::string_view prefix = "/certificates/";
    if (pointer.substr(0, prefix.size()) != prefix) return std::string_view::npos;
    std::size_t i = prefix.size(), n = 0;
    bool any = false;
    while (i < pointer.size() && pointer[i] >= '0' && pointer[i] <= '9') {
        n = n * 10 + static_cast<std::size_t>(pointer[i++] - '0');
        any = true;
    }
    return any ? n : std::string_view::npos;
}

std::string certificate_pointer(std::size_t index, std::string_view rest = {}) {
    std::string p = "/certificates/" + std::to_string(index);
    if (!rest.empty()) append_pointer_token(p, rest);
    return p;
}

}  // namespace

// Fills a registry entry by entry: certificates from checked JSON values, their text copied into
// blocks that never move, repeated text (issuers, catalogues, list documents and batches) kept once.
class Registry::Filler {
public:
    explicit Filler(Registry& r) : r_(r) {}

    // Adds the certificate, which the schema's certificate definition has accepted. False when its
    // valid_until is not after recognized_on (the caller reports it).
    bool add(const json::Value& c) {
        const auto [id, issuer, kind, product, model, holder, recognized_on, valid_until, status, catalogue, list] =
            json::members<11>(c, {"id", "issuer", "kind", "product", "model", "holder", "recognized_on", "valid_until",
                                  "status", "catalogue", "list"});
        const auto [holder_name, holder_uscc] = json::members<2>(*holder, {"name", "uscc"});
        Certificate& cert = r_.certificates_.emplace_back();
        cert.id = keep(id->str());
        cert.issuer = shared(issuer->str());
        const std::string_view k = kind ? kind->str() : "equipment";
        cert.kind = k == "material" ? EntryKind::material : k == "software" ? EntryKind::software : EntryKind::equipment;
        cert.product = keep(product->str());
        if (model) {
            cert.model = keep(model->str());
        } else {
            cert.model = keep(model_in_name(cert.product));
            cert.model_listed = false;
        }
        cert.model_key = keep(normalise_model(cert.model));
        cert.holder_name = keep(holder_name->str());
        if (holder_uscc) cert.holder_uscc = keep(holder_uscc->str());
        if (catalogue) cert.catalogue = shared(catalogue->str());
        if (list) {
            const auto [document, batch, row] = json::members<3>(*list, {"document", "batch", "row"});
            if (document) cert.list_document = shared(document->str());
            if (batch) cert.list_batch = shared(batch->str());
            if (row) cert.list_row = static_cast<std::uint32_t>(row->uint64());  // schema: 1..1000000
        }
        // The schema's "date" format has checked these are real calendar days.
        cert.recognized_on = Date::parse(recognized_on->str()).value();
        if (valid_until) cert.valid_until = Date::parse(valid_until->str()).value();
        const std::string_view st = status ? status->str() : "valid";
        cert.status = st == "revoked" ? CertificateStatus::revoked : st == "suspended" ? CertificateStatus::suspended : CertificateStatus::valid;
        if (!cert.holder_uscc.empty() && !uscc::checksum_ok(cert.holder_uscc)) ++r_.holder_checksum_warnings_;
        return !cert.valid_until || *cert.valid_until > cert.recognized_on;
    }

    // Indexes the ids; the index of the first certificate whose id repeats an earlier one's, and
    // that earlier one's, or nullopt.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> index() {
        r_.index_.reserve(r_.certificates_.size());
        for (std::uint32_t i = 0; i < r_.certificates_.size(); ++i) {
            auto [it, inserted] = r_.index_.emplace(r_.certificates_[i].id, i);
            if (!inserted) return std::pair{i, it->second};
        }
        return std::nullopt;
    }

private:
    std::string_view keep(std::string_view text) {
        if (text.empty()) return {};
        if (text.size() > room_) {
            room_ = std::max<std::size_t>(text.size(), std::size_t{1} << 20);
            r_.arena_.push_back(std::make_unique<char[]>(room_));
            next_ = r_.arena_.back().get();
        }
        std::memcpy(next_, text.data(), text.size());
        std::string_view kept(next_, text.size());
        next_ += text.size();
        room_ -= text.size();
        return kept;
    }
    // Text most entries repeat: kept once.
    std::string_view shared(std::string_view text) {
        if (auto it = shared_.find(text); it != shared_.end()) return *it;
        if (shared_.size() >= 4096) return keep(text);  // not so repetitive after all
        return *shared_.insert(keep(text)).first;
    }

    Registry& r_;
    char* next_ = nullptr;
    std::size_t room_ = 0;
    std::unordered_set<std::string_view> shared_;
};

// Under AddressSanitizer malloc is ASan's, not glibc's: glibc's malloc_trim then walks arenas
// glibc never set up, and crashed (once, when engines opened on two threads at once). Its pages
// are ASan's to manage; trimming is for the real allocator only.
#if defined(__SANITIZE_ADDRESS__)
#define FIRSTSET_MALLOC_REPLACED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIRSTSET_MALLOC_REPLACED 1
#endif
#endif
#ifndef FIRSTSET_MALLOC_REPLACED
#define FIRSTSET_MALLOC_REPLACED 0
#endif

namespace {

// The document's bytes: JSON is read entry by entry (from_json_entries); YAML and anything the
// entry-by-entry reader does not take go through the whole document.
Registry registry_from_text(std::string&& text, const std::string& file) {
    const auto format = SourceDocument::format_for(file, text);
    std::optional<Registry> r;
    if (format == SourceDocument::Format::json) r = Registry::from_json_entries(text, file);
    if (!r) r = Registry::from_document(SourceDocument::parse(std::move(text), file, format));
#if defined(__GLIBC__) && !FIRSTSET_MALLOC_REPLACED
    // The document and its parse are gone: give their pages back rather than keep them resident.
    malloc_trim(0);
#endif
    return std::move(*r);
}

}  // namespace

Registry Registry::load(const std::filesystem::path& file) {
    return registry_from_text(read_file_or_throw(file, max_source_bytes, "the file", "文件"), file.string());
}

Registry Registry::load_signed(const std::filesystem::path& file, const VerifierKey& key, const std::filesystem::path& signature) {
    std::string text = read_file_or_throw(file, max_source_bytes, "the registry", "认定名录");
    const std::string sig = read_file_or_throw(signature, 4096, "the registry's signature", "认定名录的签名");
    std::string_view b64 = sig;
    while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r' || b64.back() == ' ')) b64.remove_suffix(1);
    const auto raw = base64_decode(b64);
    const std::string algorithm(algorithm_title(key.algorithm));
    if (!raw || !verify_message(key, text, *raw))
        throw StatusError(Status::integrity, "REGISTRY_BAD_SIGNATURE",
                          "the registry " + file.string() + " does not carry a valid " + algorithm + " signature of key " + key.name +
                              " (signature from " + signature.string() + ")",
                          "认定名录 " + file.string() + " 没有密钥 " + key.name + " 的有效 " + algorithm + " 签名（签名取自 " + signature.string() + "）",
                          Location{"", file.string(), 0, 0});
    return registry_from_text(std::move(text), file.string());
}

namespace {

// The top level of a JSON registry, walked by hand: white space, the root's braces, its two
// member names, colons and commas, the certificates' brackets. Each value in it is only found
// (where its braces end, strings skipped); the reader checks all of it when it reads the value.
class TopLevel {
public:
    explicit TopLevel(std::string_view text) : s_(text) {}

    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    // The byte c after white space, taken; false when another byte (or none) is there.
    bool take(char c) {
        space();
        if (i_ >= s_.size() || s_[i_] != c) return false;
        ++i_;
        return true;
    }
    bool at(char c) {
        space();
        return i_ < s_.size() && s_[i_] == c;
    }
    // A member name and its colon; its text as written, escapes and all (an escaped name is
    // not taken for "registry" or "certificates": the whole-document reader reads it).
    std::optional<std::string_view> name() {
        if (!take('"')) return std::nullopt;
        const std::size_t begin = i_;
        while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\') ++i_;
        if (i_ >= s_.size() || s_[i_] != '"') return std::nullopt;
        const std::string_view n = s_.substr(begin, i_ - begin);
        ++i_;
        if (!take(':')) return std::nullopt;
        return n;
    }
    // The object that starts here, up to its closing brace; nullopt when none starts here or
    // it does not end.
    std::optional<std::string_view> object() {
        if (!at('{')) return std::nullopt;
        const std::size_t begin = i_;
        std::size_t depth = 0;
        while (i_ < s_.size()) {
            const char c = s_[i_++];
            if (c == '"') {
                while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
                if (i_++ >= s_.size()) return std::nullopt;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return s_.substr(begin, i_ - begin);
            }
        }
        return std::nullopt;
    }
    bool done() {
        space();
        return i_ == s_.size();
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

std::optional<Registry> Registry::from_json_entries(const std::string& text, const std::string& file) {
    // The whole document's tree is never built: the top level is walked by hand, each
    // certificate is read into a small document of its own, checked against the schema's
    // certificate definition and added. Anything unexpected (a syntax error, a violation, a
    // repeated id) returns nullopt, and the whole-document reader then reports it with its line
    // and pointer. Text that passes is JSON as the reader reads it: every value was read by it,
    // and everything between them is white space and the punctuation JSON puts there.
    const schema::Schemas& schemas = schema::builtin();
    const json::Limits limits{max_source_bytes, max_source_depth};
    // A fragment's own document; nullopt for what the reader refuses (located in the whole text
    // by from_document).
    auto fragment = [&](std::string_view span) -> std::optional<json::Document> {
        try {
            return json::Document::parse(span, limits, file);
        } catch (const StatusError&) {
            return std::nullopt;
        }
    };
    TopLevel top(text);
    if (!top.take('{')) return std::nullopt;
    Registry r;
    Filler filler(r);
    bool header = false, listed = false;
    for (bool first = true; !top.take('}'); first = false) {
        if (!first && !top.take(',')) return std::nullopt;
        const std::optional<std::string_view> key = top.name();
        if (key == "registry" && !header) {
            header = true;
            const auto span = top.object();
            if (!span) return std::nullopt;
            const auto d = fragment(*span);
            if (!d || schemas.validate_at("registry.schema.json", "/properties/registry", d->root())) return std::nullopt;
            r.id_ = std::string(d->root()["id"].str());
            r.version_ = std::string(d->root()["version"].str());
            if (const json::Value* published = d->root().find("published")) {
                r.published_text_ = std::string(published->str());
                r.published_ = unix_seconds_of(r.published_text_).value();  // the schema's date-time format checked it
            }
        } else if (key == "certificates" && !listed) {
            listed = true;
            if (!top.take('[')) return std::nullopt;
            // Where each entry is, first: the certificates are then reserved at once (the
            // schema's maxItems is 2,000,000).
            std::vector<std::string_view> entries;
            for (bool first_entry = true; !top.take(']');) {
                if (!first_entry && !top.take(',')) return std::nullopt;
                first_entry = false;
                const auto span = top.object();
                if (!span || entries.size() == 2'000'000) return std::nullopt;
                entries.push_back(*span);
            }
            r.certificates_.reserve(entries.size());
            for (const std::string_view span : entries) {
                const auto d = fragment(span);
                if (!d || schemas.validate_at("registry.schema.json", "/definitions/certificate", d->root())) return std::nullopt;
                if (!filler.add(d->root())) return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    if (!header || !listed || !top.done()) return std::nullopt;  // text after the document
    if (filler.index()) return std::nullopt;
    r.file_ = file;
    r.sha256_ = sha256_hex(text);
    return r;
}

Registry Registry::from_document(const SourceDocument& doc) {
    const json::Value& root = doc.root();
    if (auto v = schema::builtin().validate("registry.schema.json", root)) {
        // Name the certificate, so that a registry maintainer can find it by id as well.
        std::string en = v->message_en, zh = v->message_zh;
        const std::size_t index = certificate_index(v->path);
        const json::Value* certs = root.find("certificates");
        if (index != std::string_view::npos && certs && certs->is_array() && index < certs->size()) {
            const json::Value* id = (*certs)[index].find("id");
            std::string name = id && id->is_string() ? std::string(id->str()) : "#" + std::to_string(index);
            en = "certificate " + name + ": " + en;
            zh = "证书 " + name + "：" + zh;
        }
        doc.fail(Status::config, v->code, en, zh, v->path);
    }

    Registry r;
    r.file_ = doc.file();
    r.sha256_ = doc.sha256();
    r.id_ = std::string(root["registry"]["id"].str());
    r.version_ = std::string(root["registry"]["version"].str());
    if (const json::Value* published = root["registry"].find("published")) {
        r.published_text_ = std::string(published->str());
        r.published_ = unix_seconds_of(r.published_text_).value();  // the schema's date-time format checked it
    }
    const json::Span<json::Value> certs = root["certificates"].items();
    r.certificates_.reserve(certs.size());
    Filler filler(r);
    for (std::size_t i = 0; i < certs.size(); ++i) {
        if (filler.add(certs[i])) continue;
        const Certificate& cert = r.certificates_.back();
        doc.fail(Status::config, "REGISTRY_BAD_DATE",
                 "certificate " + std::string(cert.id) + ": valid_until " + cert.valid_until->to_string() +
                     " is not after recognized_on " + cert.recognized_on.to_string(),
                 "证书 " + std::string(cert.id) + "：有效期截止日 " + cert.valid_until->to_string() + " 不晚于认定日期 " +
                     cert.recognized_on.to_string(),
                 certificate_pointer(i, "valid_until"));
    }
    if (const auto repeat = filler.index()) {
        const auto [i, first] = *repeat;
        const std::string id(r.certificates_[i].id);
        doc.fail(Status::config, "REGISTRY_DUPLICATE_ID",
                 "certificate " + id + " appears twice (entries " + std::to_string(first) + " and " + std::to_string(i) + ")",
                 "证书 " + id + " 重复出现（第 " + std::to_string(first) + " 项和第 " + std::to_string(i) + " 项）",
                 certificate_pointer(i, "id"));
    }
    return r;
}

const Certificate* Registry::find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &certificates_[it->second];
}

}  // namespace firstset
