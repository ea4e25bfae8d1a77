// firstset_status for people: the registry's source and age, the ledger, its signed checkpoint
// and shipping to the archive. Shared by firstset-host status and firstset-ledger status.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace host {

void print_status(std::ostream& out, const nlohmann::json& status);

}  // namespace host
