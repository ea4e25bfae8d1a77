// The JSON Schemas of schemas/, compiled into the library (generated source), and the one
// compiled Schemas object built from them on first use.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schema/validator.hpp"

namespace firstset::schema {

// (file name, text) of every schemas/*.schema.json, as built into this library.
const std::vector<std::pair<std::string, std::string>>& embedded_documents();

// The compiled schemas; built once, on first use, thread-safe.
const Schemas& builtin();

}  // namespace firstset::schema
