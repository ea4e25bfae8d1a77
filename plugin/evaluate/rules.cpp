#include "evaluate/rules.hpp"

#include <algorithm>

#include "registry/registry.hpp"
#include "util/model_name.hpp"
#include "util/uscc.hpp"

namespace firstset {

const char* outcome_name(Outcome o) noexcept {
    switch (o) {
        case Outcome::deemed_met: return "deemed_met";
        case Outcome::not_claimed: return "not_claimed";
        case Outcome::claim_rejected: return "claim_rejected";
        case Outcome::not_applicable: return "not_applicable";
    }
    return "not_applicable";
}

CertificateCheck check_certificate(const Policy& policy, const Registry& registry, const Offer& offer,
                                   std::string_view certificate_id, Date on) {
    CertificateCheck check;
    const Certificate* cert = registry.find(certificate_id);
    check.certificate = cert;
    if (!cert) {  // C.1: nothing else can be checked
        check.reasons.push_back(Code::CERT_UNKNOWN);
        return check;
    }
    check.valid_from = cert->recognized_on;
    check.valid_until = cert->expiry(policy.tendering.validity_years);
    check.deemed_until = policy.tendering.deemed_years
                             ? std::min(check.valid_until, cert->recognized_on.plus_years(*policy.tendering.deemed_years))
                             : check.valid_until;
    if (!policy.accepts_issuer(cert->issuer)) check.reasons.push_back(Code::ISSUER_NOT_ACCEPTED);  // C.2
    if (!policy.tendering.deems_entry_kind(entry_kind_name(cert->kind))) check.reasons.push_back(Code::ENTRY_KIND_NOT_DEEMED);
    if (cert->status == CertificateStatus::revoked) check.reasons.push_back(Code::CERT_REVOKED);    // C.3
    if (cert->status == CertificateStatus::suspended) check.reasons.push_back(Code::CERT_SUSPENDED);
    if (on < check.valid_from) check.reasons.push_back(Code::CERT_NOT_YET_VALID);  // C.4, Rule D
    if (on >= check.valid_until) check.reasons.push_back(Code::CERT_EXPIRED);
    else if (on >= check.deemed_until) check.reasons.push_back(Code::DEEMED_WINDOW_PASSED);  // Rule D'
    // C.5: the manufacturer, not the bidder (who may be an agent), must hold the certificate: by
    // USCC where both have one, else by normalised name, with a warning (C5').
    if (!offer.manufacturer.uscc.empty() && !cert->holder_uscc.empty()) {
        if (offer.manufacturer.uscc != cert->holder_uscc) check.reasons.push_back(Code::MANUFACTURER_MISMATCH);
    } else if (normalise_name(offer.manufacturer.name) == normalise_name(cert->holder_name)) {
        check.warnings.push_back(Code::HOLDER_MATCHED_BY_NAME);
    } else {
        check.reasons.push_back(Code::MANUFACTURER_MISMATCH);
    }
    // C.6: the certified model, listed or carried by the product name; where there is none, the
    // product name itself, with a warning (C6').
    if (!cert->model_key.empty()) {
        if (normalise_model(offer.model) != cert->model_key) check.reasons.push_back(Code::MODEL_MISMATCH);
    } else if (!offer.product.empty() && normalise_name(offer.product) == normalise_name(cert->product)) {
        check.warnings.push_back(Code::MODEL_NOT_LISTED);
    } else {
        check.reasons.push_back(Code::MODEL_MISMATCH);
    }
    return check;
}

Evaluation evaluate_rules(const Policy& policy, const Registry& registry, const EvaluateRequest& request) {
    const Tender& tender = request.tender;
    const Bid& bid = request.bid;
    Evaluation ev;
    ev.evaluation_date = tender.evaluation_date;

    // Rule C.5 warning: a well-formed USCC whose check character is wrong is still compared.
    if (!uscc::checksum_ok(bid.bidder.uscc)) ev.uscc_warnings.push_back({bid.bidder.uscc, "/bid/bidder/uscc"});

    // Rule C, once per offer that claims a certificate. claim_of[offer] indexes ev.certificates.
    constexpr std::uint32_t none = UINT32_MAX;
    std::vector<std::uint32_t> claim_of(bid.offers.size(), none);
    for (std::uint32_t i = 0; i < bid.offers.size(); ++i) {
        const Offer& offer = bid.offers[i];
        if (!offer.manufacturer.uscc.empty() && !uscc::checksum_ok(offer.manufacturer.uscc))
            ev.uscc_warnings.push_back(
                {offer.manufacturer.uscc, "/bid/offers/" + std::to_string(i) + "/manufacturer/uscc"});
        if (!offer.certificate) continue;
        CertificateCheck check = check_certificate(policy, registry, offer, *offer.certificate, tender.evaluation_date);
        check.offer = i;
        claim_of[i] = static_cast<std::uint32_t>(ev.certificates.size());
        ev.certificates.push_back(std::move(check));
    }

    // Rule E, per criterion.
    ev.criteria.reserve(tender.criteria.size());
    for (std::uint32_t c = 0; c < tender.criteria.size(); ++c) {
        const Criterion& k = tender.criteria[c];
        CriterionOutcome& out = ev.criteria.emplace_back();
        out.criterion = c;
        if (!k.deemed_kind) {
            out.outcome = Outcome::not_applicable;
            out.reasons.push_back(Code::KIND_NOT_DEEMED);
            continue;
        }
        if (!tender.equivalence_declared) ev.equivalence_not_declared = true;
        std::uint32_t claimed = 0;
        for (std::uint32_t i = 0; i < bid.offers.size(); ++i) {
            const Offer& offer = bid.offers[i];
            const bool concerns =
                k.items.empty() || std::find(k.items.begin(), k.items.end(), offer.item) != k.items.end();
            if (!concerns) continue;
            ++out.concerned;
            if (claim_of[i] == none) continue;
            ++claimed;
            if (ev.certificates[claim_of[i]].accepted()) {
                ++out.covered;
                out.relied_on.push_back(claim_of[i]);
            } else {
                out.rejected.push_back(claim_of[i]);
            }
        }
        if (claimed == 0) {
            out.outcome = Outcome::not_claimed;
            out.reasons.push_back(Code::NOT_CLAIMED);
        } else if (out.covered == out.concerned) {
            out.outcome = Outcome::deemed_met;
            out.reasons.push_back(Code::FIRST_SET_DEEMED);
            if (k.scored)
                out.points = policy.tendering.deemed_points == DeemedPoints::max ? k.max_points : k.requirement_points;
        } else {
            out.outcome = Outcome::claim_rejected;
            for (std::size_t r = 0; r < out.rejected.size(); ++r) out.reasons.push_back(Code::CERTIFICATE_REJECTED);
            // Some concerned offers are covered and others are not (unclaimed or rejected).
            if (out.covered > 0) out.reasons.push_back(Code::PARTIAL_COVERAGE);
        }
    }
    return ev;
}

}  // namespace firstset
