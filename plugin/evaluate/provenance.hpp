// What an answer or a record rests on, written the same way everywhere: the policy pack
// {"id", "document", "sha256"}, the registry {"id", "version", "sha256"}, for a registry
// followed from a URL where it came from and how fresh it is, and each certificate claimed.
#pragma once

#include "util/json_out.hpp"

namespace firstset {

struct Policy;
class Registry;
struct RegistryFreshness;
struct Offer;
struct CertificateCheck;

// {"id", "document", "sha256"}; without "document" when with_document is false; with_methods
// adds the pack's tendering.procurement_methods (evaluate responses).
void write_policy_ref(JsonOut& w, const Policy& policy, bool with_document = true, bool with_methods = false);

// The members "id", "version", "sha256" inside an object the caller opened.
void write_registry_members(JsonOut& w, const Registry& registry);

// {"id", "version", "sha256"[, "source": {freshness}]}.
void write_registry_ref(JsonOut& w, const Registry& registry, const RegistryFreshness* freshness = nullptr);

// The members "id" (the certificate claimed), "item", "offer", "accepted" of a certificate check,
// inside an object the caller opened.
void write_certificate_check_members(JsonOut& w, const Offer& offer, const CertificateCheck& check);

// The members "url", "etag", "checked_at", "published", "age_seconds", "stale" inside an object the caller opened.
void write_freshness_members(JsonOut& w, const RegistryFreshness& f);

}  // namespace firstset
