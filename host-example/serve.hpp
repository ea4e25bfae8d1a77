// firstset-host serve: a long-lived evaluation process speaking JSON lines, the shape a platform
// sidecar takes. The engine stays open, so its background work (registry refresh, checkpoints,
// shipping) goes on between requests.
#pragma once

#include <istream>
#include <ostream>

#include "firstset/firstset.hpp"

namespace host {

// One request per line: {"evaluate": R} | {"record": R} | {"lint": TENDER} | {"status": {}};
// one answer per line: the plugin's response, or an error document {"error": {...}}. Returns the
// exit status (0) when the input ends.
int serve(const firstset::Engine& engine, std::istream& in, std::ostream& out);

}  // namespace host
