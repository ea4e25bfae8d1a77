#include "evaluate/provenance.hpp"

#include "evaluate/rules.hpp"
#include "policy/policy.hpp"
#include "registry/feed.hpp"
#include "registry/registry.hpp"
#include "util/civil_date.hpp"

namespace firstset {

void write_policy_ref(JsonOut& w, const Policy& policy, bool with_document) {
    w.begin_object();
    w.key("id");
    w.string(policy.id);
    if (with_document) {
        w.key("document");
        w.string(policy.document);
    }
    w.key("sha256");
    w.string(policy.sha256);
    w.end_object();
}

void write_registry_members(JsonOut& w, const Registry& registry) {
    w.key("id");
    w.string(registry.id());
    w.key("version");
    w.string(registry.version());
    w.key("sha256");
    w.string(registry.sha256());
}

void write_registry_ref(JsonOut& w, const Registry& registry, const RegistryFreshness* freshness) {
    w.begin_object();
    write_registry_members(w, registry);
    if (freshness) {
        w.key("source");
        w.begin_object();
        write_freshness_members(w, *freshness);
        w.end_object();
    }
    w.end_object();
}

void write_certificate_check_members(JsonOut& w, const Offer& offer, const CertificateCheck& check) {
    w.key("id");
    w.string(*offer.certificate);
    w.key("item");
    w.string(offer.item);
    w.key("offer");
    w.number(static_cast<std::int64_t>(check.offer));
    w.key("accepted");
    w.boolean(check.accepted());
}

void write_freshness_members(JsonOut& w, const RegistryFreshness& f) {
    w.key("url");
    w.string(f.url);
    w.key("etag");
    w.string(f.etag);
    w.key("checked_at");
    w.string(utc_timestamp(f.checked_at));
    w.key("published");
    w.string(f.published);
    w.key("age_seconds");
    w.number(f.age_seconds);
    w.key("stale");
    w.boolean(f.stale);
}

}  // namespace firstset
