// What the records of the decision log share (records.cpp, case.cpp): a record's body built from
// its request, the reference to the appended record in a response, errors about referenced
// records, stored records read back, and the reasons of a proposal.
#pragma once

#include <string>
#include <string_view>

#include "evaluate/caller.hpp"
#include "ledger/ledger.hpp"
#include "policy/policy.hpp"
#include "tolerance/records.hpp"
#include "tolerance/rule_t.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset::tolerance::detail {

// A record's body: the request as given, compact, then the members add(JsonOut&) writes, then
// the caller when firstset-server made the call.
template <typename Add>
std::string body_with(const RecordContext& c, const json::Value& request, Add&& add) {
    TextBuffer body;
    JsonOut w(body);
    w.begin_object();
    for (const json::Member& m : request.members()) w.field(m);
    add(w);
    if (c.caller) write_caller(w, *c.caller);
    w.end_object();
    return body.str();
}

void write_record_ref(JsonOut& w, const ledger::Appended& a, std::string_view kind);

// NOT_FOUND (RECORD_NOT_FOUND) for a referenced id the ledger does not hold.
[[noreturn]] void not_found(std::string_view id, std::string_view pointer, std::string_view what_en,
                            std::string_view what_zh);
// SCHEMA (RECORD_KIND_MISMATCH) for a referenced record of another kind.
[[noreturn]] void wrong_kind(std::string_view id, std::string_view kind, std::string_view pointer, std::string_view want);

// A stored record's line, parsed.
struct StoredRecord {
    json::Document line;
    const json::Value& body() const {
        static const json::Value none;
        const json::Value* b = line.root().find("body");
        return b ? *b : none;
    }
};
// INTEGRITY (RECORD_UNREADABLE) when the reader refuses its line (the ledger was verified at
// open, so this means it changed on disk since).
StoredRecord read_stored(const ledger::Indexed& record);

// The reasons of a Rule T proposal, as a JSON array.
void write_proposal_reasons(JsonOut& w, const Policy& policy, const Assessment& award, const DecisionRequest& request,
                            const Proposal& p);

// SCHEMA (OPERATOR_ADDRESS_INVALID) when the request's operator.address is not an IPv4 or IPv6
// address.
void check_operator(const json::Value& request);

// Rule T': one stage of a tolerance-of-failure case (case.cpp).
void record_case_stage(const RecordContext& c, const json::Value& request, TextBuffer& response);

}  // namespace firstset::tolerance::detail
