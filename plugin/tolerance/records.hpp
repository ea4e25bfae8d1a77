// The records of the tolerance-of-failure decision log (clause （六）, Rule T of docs/domain.md):
//   - award: the award of first-set equipment, assessed as of its date: the certificates
//     re-checked on that date, the procurement method against the pack's list, every procedure
//     item of the pack, the tender's audit for discriminatory criteria;
//   - failure_report: the equipment failed in use;
//   - tolerance_decision: the proposal exempt | not_exempt | review with its reasons, beside
//     the competent authority's final decision and who made it.
// Every record is appended to the ledger with what it relied on, so that it reads the same
// years later whatever the pack or registry has become since. Rule T itself, as values and pure
// functions, is tolerance/rule_t.hpp; this file reads references, writes and appends.
#pragma once

#include <string_view>

#include "evaluate/caller.hpp"
#include "policy/policy_set.hpp"
#include "ledger/ledger.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset {

class Registry;

namespace tolerance {

struct RecordContext {
    const PolicySet& policies;  // an award is assessed under the pack for its tender
    const Registry& registry;
    ledger::Ledger& ledger;
    const Caller* caller = nullptr;  // firstset-server's caller, written into the record
};

// firstset_record: validates nothing (the caller has validated against record-request), checks
// references, applies Rule T, appends the record and writes the response. Throws StatusError
// (NOT_FOUND for an unknown referenced id, SCHEMA for a reference of the wrong kind or a final
// decision without its written reason, IO from the ledger).
void record(const RecordContext& context, const json::Value& request, TextBuffer& response);

}  // namespace tolerance
}  // namespace firstset
