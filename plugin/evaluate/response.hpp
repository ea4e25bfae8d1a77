// Writes the evaluate response (schemas/evaluate-response.schema.json): the outcome of the
// rules with every reason rendered from the policy pack's messages, in Chinese and English,
// each with the clause it rests on.
#pragma once

#include "evaluate/rules.hpp"
#include "util/json_out.hpp"

namespace firstset {

class Registry;
struct RegistryFreshness;

namespace ledger {
struct Appended;
}

// `recorded`: the evaluation record appended to the ledger, named in the response; or null.
// `freshness`: for a registry followed from a URL, where it came from and how fresh it is.
void write_evaluate_response(JsonOut& w, const Policy& policy, const Registry& registry,
                             const EvaluateRequest& request, const Evaluation& evaluation,
                             const ledger::Appended* recorded = nullptr,
                             const RegistryFreshness* freshness = nullptr);

}  // namespace firstset
