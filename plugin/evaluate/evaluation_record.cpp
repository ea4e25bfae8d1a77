#include "evaluate/evaluation_record.hpp"

#include "evaluate/provenance.hpp"
#include "policy/policy.hpp"
#include "util/digest.hpp"
#include "util/json_out.hpp"

namespace firstset {

std::string evaluation_record_body(const Policy& policy, const Registry& registry, std::string_view request_text,
                                   const EvaluateRequest& request, const Evaluation& ev, const Caller* caller) {
    TextBuffer b;
    JsonOut w(b);
    w.begin_object();
    w.field("tender", request.tender.id)
        .field("bid", request.bid.id)
        .field("request_sha256", sha256_hex(request_text))
        .field("evaluation_date", ev.evaluation_date.to_string());
    w.key("policy");
    write_policy_ref(w, policy, false);
    w.key("registry");
    write_registry_ref(w, registry);
    w.begin_array("certificates");
    for (const CertificateCheck& check : ev.certificates) {
        const Offer& offer = request.bid.offers[check.offer];
        w.begin_object();
        w.field("id", *offer.certificate).field("item", offer.item).field("accepted", check.accepted());
        w.begin_array("codes");
        for (Code c : check.reasons) w.value(EscapedText{code_name(c)});
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.begin_array("criteria");
    for (const CriterionOutcome& out : ev.criteria) {
        w.begin_object();
        w.field("id", request.tender.criteria[out.criterion].id).field("outcome", outcome_name(out.outcome));
        w.field("points", out.points ? std::optional<RawJson>(RawJson{out.points->to_string()}) : std::nullopt);
        w.end_object();
    }
    w.end_array();
    if (caller) write_caller(w, *caller);
    w.end_object();
    return b.str();
}

}  // namespace firstset
