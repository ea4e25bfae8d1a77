// The policy packs of an engine and the choice of one per tender (issue 4): the configuration's
// `policies` in order, each for the tenders in its scope (jurisdiction, purchaser ownership),
// then `policy` for every other tender. A configuration with `policy` alone uses it for all.
//
// Immutable after loading; safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evaluate/request.hpp"
#include "policy/policy.hpp"
#include "util/json.hpp"

namespace firstset {

class PolicySet {
public:
    // scoped: the `policies` packs, in order; fallback: the `policy` pack, or null. Throws
    // StatusError(CONFIG, DUPLICATE_POLICY) when two packs share an id.
    PolicySet(std::vector<std::shared_ptr<const Policy>> scoped, std::shared_ptr<const Policy> fallback,
              const std::string& config_file);

    // The pack for a tender with this jurisdiction and purchaser ownership (either may be
    // empty: then a pack whose scope asks for it is not chosen). Throws StatusError(CONFIG,
    // NO_POLICY_FOR_TENDER) naming the packs and their scopes, with `pointer` as the path.
    const Policy& select(std::string_view jurisdiction, std::string_view ownership, std::string_view pointer) const;

    // The pack for a tender read into values (its jurisdiction and purchaser ownership;
    // `ownership` when the tender gives none). `pointer` is the tender's JSON Pointer in the request.
    const Policy& select_for(const Tender& tender, std::string_view pointer, std::string_view ownership = {}) const;

    // A pack by id; nullptr when none has it.
    const Policy* by_id(std::string_view id) const;

    // Every pack, scoped ones first.
    const std::vector<std::shared_ptr<const Policy>>& all() const { return all_; }

private:
    std::vector<std::shared_ptr<const Policy>> scoped_;
    std::shared_ptr<const Policy> fallback_;
    std::vector<std::shared_ptr<const Policy>> all_;
};

}  // namespace firstset
