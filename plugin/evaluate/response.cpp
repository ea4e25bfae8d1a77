#include "evaluate/response.hpp"

#include "evaluate/reasons.hpp"
#include "ledger/ledger.hpp"
#include "evaluate/provenance.hpp"
#include "registry/registry.hpp"

namespace firstset {

namespace {

// The facts a certificate's messages may use (Rule C).
Facts certificate_facts(const Facts& common, const Offer& offer, const CertificateCheck& check, std::string_view from,
                        std::string_view until, std::string_view deemed_until, EscapedFacts& esc) {
    Facts f = common;
    set(f, Fact::certificate, esc(*offer.certificate));
    set(f, Fact::item, esc(offer.item));
    set(f, Fact::offered_model, esc(offer.model));
    set(f, Fact::offered_product, esc(offer.product));
    set(f, Fact::manufacturer, esc(offer.manufacturer.name));
    set(f, Fact::manufacturer_uscc, offer.manufacturer.uscc);  // schema: [0-9A-Z] only
    if (const Certificate* cert = check.certificate) {
        set(f, Fact::issuer, cert->issuer);
        set(f, Fact::valid_from, from);
        set(f, Fact::valid_until, until);
        set(f, Fact::deemed_until, deemed_until);
        set(f, Fact::holder, esc(cert->holder_name));
        set(f, Fact::holder_uscc, cert->holder_uscc);
        set(f, Fact::certified_model, esc(cert->model));
        set(f, Fact::certified_product, esc(cert->product));
        set(f, Fact::entry_kind, entry_kind_name(cert->kind));
    }
    return f;
}

}  // namespace

void write_evaluate_response(JsonOut& w, const Policy& policy, const Registry& registry,
                             const EvaluateRequest& request, const Evaluation& ev, const ledger::Appended* recorded,
                             const RegistryFreshness* freshness) {
    const Tender& tender = request.tender;
    const Bid& bid = request.bid;
    ReasonWriter reasons(w, policy);
    EscapedFacts esc;
    const std::string evaluation_date = ev.evaluation_date.to_string();
    const std::string registry_text = registry.id() + " " + registry.version();

    w.begin_object();
    w.field("tender", tender.id);
    w.field("bid", bid.id);
    w.field("evaluation_date", evaluation_date);
    w.key("policy");
    write_policy_ref(w, policy, true, true);
    w.key("registry");
    write_registry_ref(w, registry, freshness);

    // Facts every message may share.
    Facts common{};
    set(common, Fact::evaluation_date, evaluation_date);
    set(common, Fact::registry, esc(registry_text));
    set(common, Fact::accepted_issuers, esc(policy.accepted_issuers_text));
    set(common, Fact::accepted_kinds, policy.tendering.deemed_entry_kinds_text);  // schema: an enum

    // Certificates: one entry per offer that claims one.
    w.begin_array("certificates");
    std::string from, until, deemed_until;
    for (const CertificateCheck& check : ev.certificates) {
        const Offer& offer = bid.offers[check.offer];
        const Certificate* cert = check.certificate;
        if (cert) {
            from = check.valid_from.to_string();
            until = check.valid_until.to_string();
            if (!check.reasons.empty()) deemed_until = check.deemed_until.to_string();
        }
        w.begin_object();
        write_certificate_check_members(w, offer, check);
        w.begin_array("reasons");
        if (!check.reasons.empty()) {
            const Facts f = certificate_facts(common, offer, check, from, until, deemed_until, esc);
            for (Code c : check.reasons) reasons.write(c, f);
        }
        w.end_array();
        w.field("valid_from", cert ? std::optional<std::string_view>(from) : std::nullopt);
        w.field("valid_until", cert ? std::optional<std::string_view>(until) : std::nullopt);
        w.end_object();
    }
    w.end_array();

    // Criteria: one entry per criterion of the tender.
    w.begin_array("criteria");
    std::string points_text, certificates_text, covered_text, concerned_text, codes_text;
    for (const CriterionOutcome& out : ev.criteria) {
        const Criterion& k = tender.criteria[out.criterion];
        w.begin_object();
        w.field("id", k.id);
        w.field("kind", k.kind);
        w.field("outcome", outcome_name(out.outcome));
        w.key("points");
        if (out.points) {
            points_text = out.points->to_string();
            w.raw(points_text);
        } else {
            points_text.clear();
            w.null();
        }
        w.begin_array("reasons");
        Facts f = common;
        set(f, Fact::criterion, esc(k.id));
        set(f, Fact::criterion_name, esc(k.name.empty() ? k.id : k.name));
        set(f, Fact::kind, k.kind);  // schema: [a-z0-9_] only
        set(f, Fact::points, points_text);
        certificates_text.clear();
        for (std::uint32_t idx : out.relied_on) {
            if (!certificates_text.empty()) certificates_text += ", ";
            certificates_text += *bid.offers[ev.certificates[idx].offer].certificate;
        }
        set(f, Fact::certificates, esc(certificates_text));
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
                set(f, Fact::certificate, esc(*offer.certificate));
                set(f, Fact::item, esc(offer.item));
                set(f, Fact::codes, codes_text);
            }
            reasons.write(c, f);
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();

    w.begin_array("warnings");
    // Rules C5' and C6': a certificate accepted on the holder's name or the product's name.
    for (const CertificateCheck& check : ev.certificates) {
        if (check.warnings.empty()) continue;
        const Offer& offer = bid.offers[check.offer];
        const std::string f_from = check.valid_from.to_string(), f_until = check.valid_until.to_string(),
                          f_deemed = check.deemed_until.to_string();
        Facts f = certificate_facts(common, offer, check, f_from, f_until, f_deemed, esc);
        for (Code c : check.warnings) {
            std::string path = "/bid/offers/" + std::to_string(check.offer);
            path += c == Code::HOLDER_MATCHED_BY_NAME ? "/manufacturer/name" : "/product";
            set(f, Fact::path, esc(path));
            reasons.write(c, f, path);
        }
    }
    for (const UsccWarning& u : ev.uscc_warnings) {
        Facts f = common;
        set(f, Fact::uscc, u.uscc);  // schema: [0-9A-Z] only
        set(f, Fact::path, esc(u.path));
        reasons.write(Code::USCC_CHECKSUM, f, u.path);
    }
    if (ev.equivalence_not_declared) reasons.write(Code::EQUIVALENCE_NOT_DECLARED, common, "/tender/first_set_equivalence");
    w.end_array();
    if (recorded) {
        w.begin_object("ledger");
        w.field("seq", recorded->seq);
        w.field("id", recorded->id);
        w.end_object();
    }
    w.end_object();
}

}  // namespace firstset
