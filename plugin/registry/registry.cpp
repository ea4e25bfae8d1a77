#include "registry/registry.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstring>
#include <tuple>

#include <simdjson.h>

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

Registry Registry::load(const std::filesystem::path& file) {
    Registry r = from_document(SourceDocument::read(file));
#ifdef __GLIBC__
    // The document and its DOM are gone: give their pages back rather than keep them resident.
    malloc_trim(0);
#endif
    return r;
}

Registry Registry::load_signed(const std::filesystem::path& file, const VerifierKey& key, const std::filesystem::path& signature) {
    std::string text = read_file_or_throw(file, max_source_bytes, "the registry", "认定名录", {}, simdjson::SIMDJSON_PADDING);
    const std::string sig = read_file_or_throw(signature, 4096, "the registry's signature", "认定名录的签名");
    std::string_view b64 = sig;
    while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r' || b64.back() == ' ')) b64.remove_suffix(1);
    const auto raw = base64_decode(b64);
    if (!raw || !ed25519_verify(key.public_key, text, *raw))
        throw StatusError(Status::integrity, "REGISTRY_BAD_SIGNATURE",
                          "the registry " + file.string() + " does not carry a valid Ed25519 signature of key " + key.name +
                              " (signature from " + signature.string() + ")",
                          "认定名录 " + file.string() + " 没有密钥 " + key.name + " 的有效 Ed25519 签名（签名取自 " + signature.string() + "）",
                          Location{"", file.string(), 0, 0});
    const auto format = SourceDocument::format_for(file.string(), text);
    Registry r = from_document(SourceDocument::parse(std::move(text), file.string(), format));
#ifdef __GLIBC__
    malloc_trim(0);
#endif
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

    // Two passes over the validated certificates: size the arena, then fill it.
    struct Fields {
        json::Ref id, issuer, kind, product, model, holder, recognized_on, valid_until, status, catalogue, list;
        json::Ref holder_name, holder_uscc, list_document, list_batch, list_row;
    };
    const json::Span<json::Value> certs = root["certificates"].items();
    std::vector<Fields> fields(certs.size());
    std::size_t text_size = 0;  // the listed text, which most entries' normalised forms add little to
    auto length = [](json::Ref v) { return v ? v->str().size() : 0; };
    for (std::size_t i = 0; i < certs.size(); ++i) {
        Fields& f = fields[i];
        std::tie(f.id, f.issuer, f.kind, f.product, f.model, f.holder, f.recognized_on, f.valid_until, f.status,
                 f.catalogue, f.list) =
            std::tuple_cat(json::members<11>(certs[i], {"id", "issuer", "kind", "product", "model", "holder",
                                                        "recognized_on", "valid_until", "status", "catalogue", "list"}));
        std::tie(f.holder_name, f.holder_uscc) = std::tuple_cat(json::members<2>(*f.holder, {"name", "uscc"}));
        if (f.list)
            std::tie(f.list_document, f.list_batch, f.list_row) =
                std::tuple_cat(json::members<3>(*f.list, {"document", "batch", "row"}));
        text_size += length(f.id) + length(f.issuer) + length(f.product) + 2 * length(f.model) +
                     length(f.holder_name) + length(f.holder_uscc) + length(f.catalogue) +
                     length(f.list_document) + length(f.list_batch);
    }
    // The first block holds the listed text and its usual normalised forms; later blocks take
    // what does not fit (entries without a model or a USCC add their name forms).
    char* next = nullptr;
    std::size_t room = 0;
    auto keep = [&](std::string_view text) {
        if (text.empty()) return std::string_view();
        if (text.size() > room) {
            room = std::max<std::size_t>(text.size(), r.arena_.empty() ? text_size + (1 << 16) : std::size_t{1} << 20);
            r.arena_.push_back(std::make_unique<char[]>(room));
            next = r.arena_.back().get();
        }
        std::memcpy(next, text.data(), text.size());
        std::string_view kept(next, text.size());
        next += text.size();
        room -= text.size();
        return kept;
    };

    r.certificates_.reserve(certs.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const Fields& f = fields[i];
        Certificate& cert = r.certificates_.emplace_back();
        cert.id = keep(f.id->str());
        cert.issuer = keep(f.issuer->str());
        const std::string_view kind = f.kind ? f.kind->str() : "equipment";
        cert.kind = kind == "material" ? EntryKind::material : kind == "software" ? EntryKind::software : EntryKind::equipment;
        cert.product = keep(f.product->str());
        if (f.model) {
            cert.model = keep(f.model->str());
        } else {
            cert.model = keep(model_in_name(cert.product));
            cert.model_listed = false;
        }
        cert.model_key = keep(normalise_model(cert.model));
        cert.holder_name = keep(f.holder_name->str());
        if (f.holder_uscc) cert.holder_uscc = keep(f.holder_uscc->str());
        if (f.catalogue) cert.catalogue = keep(f.catalogue->str());
        if (f.list_document) cert.list_document = keep(f.list_document->str());
        if (f.list_batch) cert.list_batch = keep(f.list_batch->str());
        if (f.list_row) cert.list_row = static_cast<std::uint32_t>(f.list_row->uint64());  // schema: 1..1000000
        // The schema's "date" format has checked these are real calendar days.
        cert.recognized_on = Date::parse(f.recognized_on->str()).value();
        if (f.valid_until) {
            cert.valid_until = Date::parse(f.valid_until->str()).value();
            if (*cert.valid_until <= cert.recognized_on)
                doc.fail(Status::config, "REGISTRY_BAD_DATE",
                         "certificate " + std::string(cert.id) + ": valid_until " + cert.valid_until->to_string() +
                             " is not after recognized_on " + cert.recognized_on.to_string(),
                         "证书 " + std::string(cert.id) + "：有效期截止日 " + cert.valid_until->to_string() +
                             " 不晚于认定日期 " + cert.recognized_on.to_string(),
                         certificate_pointer(i, "valid_until"));
        }
        const std::string_view status = f.status ? f.status->str() : "valid";
        cert.status = status == "revoked"     ? CertificateStatus::revoked
                      : status == "suspended" ? CertificateStatus::suspended
                                              : CertificateStatus::valid;
        if (!cert.holder_uscc.empty() && !uscc::checksum_ok(cert.holder_uscc)) ++r.holder_checksum_warnings_;
    }

    r.index_.reserve(r.certificates_.size());
    for (std::uint32_t i = 0; i < r.certificates_.size(); ++i) {
        auto [it, inserted] = r.index_.emplace(r.certificates_[i].id, i);
        if (!inserted) {
            const std::string id(r.certificates_[i].id);
            doc.fail(Status::config, "REGISTRY_DUPLICATE_ID",
                     "certificate " + id + " appears twice (entries " + std::to_string(it->second) + " and " +
                         std::to_string(i) + ")",
                     "证书 " + id + " 重复出现（第 " + std::to_string(it->second) + " 项和第 " + std::to_string(i) + " 项）",
                     certificate_pointer(i, "id"));
        }
    }
    return r;
}

const Certificate* Registry::find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &certificates_[it->second];
}

}  // namespace firstset
