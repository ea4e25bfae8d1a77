#include "evaluate/response.hpp"

#include "registry/registry.hpp"

namespace firstset {

namespace {

class ReasonWriter {
public:
    ReasonWriter(JsonWriter& w, const Policy& policy) : w_(w), policy_(policy) {}

    // {"code", "message_zh", "message_en", "clause"[, "path"]}
    void write(Code code, const Facts& facts, std::string_view path = {}) {
        const Message& m = policy_.message(code);
        w_.StartObject();
        w_.Key("code");
        w_.String(code_name(code));
        text_.clear();
        m.zh.render(facts, text_);
        w_.Key("message_zh");
        write_string(w_, text_);
        text_.clear();
        m.en.render(facts, text_);
        w_.Key("message_en");
        write_string(w_, text_);
        w_.Key("clause");
        write_string(w_, m.clause);
        if (!path.empty()) {
            w_.Key("path");
            write_string(w_, path);
        }
        w_.EndObject();
    }

private:
    JsonWriter& w_;
    const Policy& policy_;
    std::string text_;
};

void set(Facts& f, Fact k, std::string_view v) { f[static_cast<std::size_t>(k)] = v; }

std::string join_codes(const std::vector<Code>& codes) {
    std::string s;
    for (Code c : codes) {
        if (!s.empty()) s += ", ";
        s += code_name(c);
    }
    return s;
}

}  // namespace

void write_evaluate_response(JsonWriter& w, const Policy& policy, const Registry& registry,
                             const EvaluateRequest& request, const Evaluation& ev) {
    const Tender& tender = request.tender;
    const Bid& bid = request.bid;
    ReasonWriter reasons(w, policy);
    const std::string evaluation_date = ev.evaluation_date.to_string();
    const std::string registry_text = registry.id() + " " + registry.version();

    w.StartObject();
    w.Key("tender");
    write_string(w, tender.id);
    w.Key("bid");
    write_string(w, bid.id);
    w.Key("evaluation_date");
    write_string(w, evaluation_date);
    w.Key("policy");
    w.StartObject();
    w.Key("id");
    write_string(w, policy.id);
    w.Key("document");
    write_string(w, policy.document);
    w.Key("sha256");
    write_string(w, policy.sha256);
    w.EndObject();
    w.Key("registry");
    w.StartObject();
    w.Key("id");
    write_string(w, registry.id());
    w.Key("version");
    write_string(w, registry.version());
    w.Key("sha256");
    write_string(w, registry.sha256());
    w.EndObject();

    // Certificates: one entry per offer that claims one.
    w.Key("certificates");
    w.StartArray();
    std::vector<std::string> from(ev.certificates.size()), until(ev.certificates.size());
    for (std::size_t i = 0; i < ev.certificates.size(); ++i) {
        const CertificateCheck& check = ev.certificates[i];
        const Offer& offer = bid.offers[check.offer];
        const Certificate* cert = check.certificate;
        if (cert) {
            from[i] = check.valid_from.to_string();
            until[i] = check.valid_until.to_string();
        }
        w.StartObject();
        w.Key("id");
        write_string(w, *offer.certificate);
        w.Key("item");
        write_string(w, offer.item);
        w.Key("offer");
        w.Uint(check.offer);
        w.Key("accepted");
        w.Bool(check.accepted());
        w.Key("reasons");
        w.StartArray();
        if (!check.reasons.empty()) {
            Facts f{};
            set(f, Fact::certificate, *offer.certificate);
            set(f, Fact::item, offer.item);
            set(f, Fact::registry, registry_text);
            set(f, Fact::evaluation_date, evaluation_date);
            set(f, Fact::offered_model, offer.model);
            set(f, Fact::manufacturer, offer.manufacturer.name);
            set(f, Fact::manufacturer_uscc, offer.manufacturer.uscc);
            set(f, Fact::accepted_issuers, policy.accepted_issuers_text);
            if (cert) {
                set(f, Fact::issuer, cert->issuer);
                set(f, Fact::valid_from, from[i]);
                set(f, Fact::valid_until, until[i]);
                set(f, Fact::holder, cert->holder_name);
                set(f, Fact::holder_uscc, cert->holder_uscc);
                set(f, Fact::certified_model, cert->model);
            }
            for (Code c : check.reasons) reasons.write(c, f);
        }
        w.EndArray();
        w.Key("valid_from");
        if (cert) write_string(w, from[i]);
        else w.Null();
        w.Key("valid_until");
        if (cert) write_string(w, until[i]);
        else w.Null();
        w.EndObject();
    }
    w.EndArray();

    // Criteria: one entry per criterion of the tender.
    w.Key("criteria");
    w.StartArray();
    std::string points_text, certificates_text, covered_text, concerned_text, codes_text;
    for (const CriterionOutcome& out : ev.criteria) {
        const Criterion& k = tender.criteria[out.criterion];
        w.StartObject();
        w.Key("id");
        write_string(w, k.id);
        w.Key("kind");
        write_string(w, k.kind);
        w.Key("outcome");
        w.String(outcome_name(out.outcome));
        w.Key("points");
        if (out.points) {
            points_text = out.points->to_string();
            w.RawValue(points_text.data(), points_text.size(), rapidjson::kNumberType);
        } else {
            points_text.clear();
            w.Null();
        }
        w.Key("reasons");
        w.StartArray();
        Facts f{};
        set(f, Fact::criterion, k.id);
        set(f, Fact::criterion_name, k.name.empty() ? k.id : k.name);
        set(f, Fact::kind, k.kind);
        set(f, Fact::evaluation_date, evaluation_date);
        set(f, Fact::points, points_text);
        certificates_text.clear();
        for (std::uint32_t idx : out.relied_on) {
            if (!certificates_text.empty()) certificates_text += ", ";
            certificates_text += *bid.offers[ev.certificates[idx].offer].certificate;
        }
        set(f, Fact::certificates, certificates_text);
        covered_text = std::to_string(out.covered);
        concerned_text = std::to_string(out.concerned);
        set(f, Fact::covered, covered_text);
        set(f, Fact::concerned, concerned_text);
        std::size_t next_rejected = 0;
        for (Code c : out.reasons) {
            if (c == Code::CERTIFICATE_REJECTED && next_rejected < out.rejected.size()) {
                const CertificateCheck& check = ev.certificates[out.rejected[next_rejected++]];
                const Offer& offer = bid.offers[check.offer];
                codes_text = join_codes(check.reasons);
                set(f, Fact::certificate, *offer.certificate);
                set(f, Fact::item, offer.item);
                set(f, Fact::codes, codes_text);
            }
            reasons.write(c, f);
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();

    w.Key("warnings");
    w.StartArray();
    for (const UsccWarning& u : ev.uscc_warnings) {
        Facts f{};
        set(f, Fact::uscc, u.uscc);
        set(f, Fact::path, u.path);
        reasons.write(Code::USCC_CHECKSUM, f, u.path);
    }
    if (ev.equivalence_not_declared) {
        Facts f{};
        set(f, Fact::evaluation_date, evaluation_date);
        reasons.write(Code::EQUIVALENCE_NOT_DECLARED, f, "/tender/first_set_equivalence");
    }
    w.EndArray();
    w.EndObject();
}

}  // namespace firstset
