#include "evaluate/provenance.hpp"

#include "evaluate/rules.hpp"
#include "policy/policy.hpp"
#include "registry/feed.hpp"
#include "registry/registry.hpp"
#include "util/civil_date.hpp"

namespace firstset {

void write_policy_ref(JsonOut& w, const Policy& policy, bool with_document, bool with_methods) {
    w.begin_object();
    w.field("id", policy.id);
    if (with_document) {
        w.field("document", policy.document);
    }
    if (with_methods && !policy.tendering.procurement_methods.empty()) {
        w.begin_array("procurement_methods");
        for (const auto& m : policy.tendering.procurement_methods) w.value(m);
        w.end_array();
    }
    w.field("sha256", policy.sha256);
    w.end_object();
}

void write_registry_members(JsonOut& w, const Registry& registry) {
    w.field("id", registry.id());
    w.field("version", registry.version());
    w.field("sha256", registry.sha256());
}

void write_registry_ref(JsonOut& w, const Registry& registry, const RegistryFreshness* freshness) {
    w.begin_object();
    write_registry_members(w, registry);
    if (freshness) {
        w.begin_object("source");
        write_freshness_members(w, *freshness);
        w.end_object();
    }
    w.end_object();
}

void write_certificate_check_members(JsonOut& w, const Offer& offer, const CertificateCheck& check) {
    w.field("id", *offer.certificate);
    w.field("item", offer.item);
    w.field("offer", check.offer);
    w.field("accepted", check.accepted());
}

void write_freshness_members(JsonOut& w, const RegistryFreshness& f) {
    w.field("url", f.url);
    w.field("etag", f.etag);
    w.field("checked_at", utc_timestamp(f.checked_at));
    w.field("published", f.published);
    w.field("age_seconds", f.age_seconds);
    w.field("stale", f.stale);
}

}  // namespace firstset
