// The record firstset_evaluate leaves in the ledger when the configuration asks for it
// (ledger.log_evaluations): the request's digest, the pack and registry it was evaluated under,
// each certificate's acceptance and each criterion's outcome. Written here; the engine appends
// it (the ledger is the only side effect).
#pragma once

#include <string>
#include <string_view>

#include "evaluate/caller.hpp"
#include "evaluate/request.hpp"
#include "evaluate/rules.hpp"

namespace firstset {

struct Policy;
class Registry;

// The body of the "evaluation" record; with the caller (firstset-server) when one is given.
std::string evaluation_record_body(const Policy& policy, const Registry& registry, std::string_view request_text,
                                   const EvaluateRequest& request, const Evaluation& evaluation,
                                   const Caller* caller = nullptr);

}  // namespace firstset
