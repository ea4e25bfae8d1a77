// firstset_verify: the verdict on a ledger file, needing no engine (docs/contract.md section 8).
#pragma once

#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset::ledger {

// Verifies the ledger the request names (schemas/verify-request.schema.json, already
// validated) and writes {"ok", "records", "head", "first_bad_seq", "problems"}. Throws StatusError(IO)
// when the file cannot be read.
void verify_file(const json::Value& request, TextBuffer& response);

}  // namespace firstset::ledger
