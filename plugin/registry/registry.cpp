#include "registry/registry.hpp"

#include "schema/embedded.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
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

Registry Registry::load(const std::filesystem::path& file) { return from_document(SourceDocument::read(file)); }

Registry Registry::from_document(const SourceDocument& doc) {
    const JsonValue& root = doc.root();
    if (auto v = schema::builtin().validate("registry.schema.json", root)) {
        // Name the certificate, so that a registry maintainer can find it by id as well.
        std::string en = v->message_en, zh = v->message_zh;
        const std::size_t index = certificate_index(v->path);
        if (index != std::string_view::npos && root.IsObject()) {
            const JsonValue* certs = member(root, "certificates");
            if (certs && certs->IsArray() && index < certs->Size()) {
                const JsonValue& cert = (*certs)[static_cast<rapidjson::SizeType>(index)];
                const JsonValue* id = cert.IsObject() ? member(cert, "id") : nullptr;
                std::string name = id && id->IsString() ? std::string(sv(*id)) : "#" + std::to_string(index);
                en = "certificate " + name + ": " + en;
                zh = "证书 " + name + "：" + zh;
            }
        }
        doc.fail(Status::config, v->code, en, zh, v->path);
    }

    Registry r;
    r.file_ = doc.file();
    r.sha256_ = sha256_hex(doc.bytes());
    r.id_ = std::string(sv(root["registry"]["id"]));
    r.version_ = std::string(sv(root["registry"]["version"]));

    const auto& certs = root["certificates"].GetArray();
    r.certificates_.reserve(certs.Size());
    for (rapidjson::SizeType i = 0; i < certs.Size(); ++i) {
        const JsonValue& c = certs[i];
        Certificate& cert = r.certificates_.emplace_back();
        cert.id = std::string(sv(c["id"]));
        cert.issuer = std::string(sv(c["issuer"]));
        cert.product = std::string(sv(c["product"]));
        cert.model = std::string(sv(c["model"]));
        cert.model_key = normalise_model(cert.model);
        cert.holder_name = std::string(sv(c["holder"]["name"]));
        cert.holder_uscc = std::string(sv(c["holder"]["uscc"]));
        if (const JsonValue* cat = member(c, "catalogue")) cert.catalogue = std::string(sv(*cat));
        // The schema's "date" format has checked these are real calendar days.
        cert.recognized_on = *Date::parse(sv(c["recognized_on"]));
        if (const JsonValue* until = member(c, "valid_until")) {
            cert.valid_until = *Date::parse(sv(*until));
            if (*cert.valid_until <= cert.recognized_on)
                doc.fail(Status::config, "REGISTRY_BAD_DATE",
                         "certificate " + cert.id + ": valid_until " + cert.valid_until->to_string() +
                             " is not after recognized_on " + cert.recognized_on.to_string(),
                         "证书 " + cert.id + "：有效期截止日 " + cert.valid_until->to_string() + " 不晚于认定日期 " +
                             cert.recognized_on.to_string(),
                         certificate_pointer(i, "valid_until"));
        }
        const auto status = sv(c["status"]);
        cert.status = status == "revoked"     ? CertificateStatus::revoked
                      : status == "suspended" ? CertificateStatus::suspended
                                              : CertificateStatus::valid;
        if (!uscc::checksum_ok(cert.holder_uscc)) ++r.holder_checksum_warnings_;
    }

    r.index_.reserve(r.certificates_.size());
    for (std::uint32_t i = 0; i < r.certificates_.size(); ++i) {
        auto [it, inserted] = r.index_.emplace(r.certificates_[i].id, i);
        if (!inserted) {
            const auto& id = r.certificates_[i].id;
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
