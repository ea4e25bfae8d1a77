#include "schema/embedded.hpp"

namespace firstset::schema {

const Schemas& builtin() {
    // Never destroyed: a registry refresh thread may still validate while the process exits.
    static const Schemas* const schemas = new Schemas(embedded_documents());
    return *schemas;
}

}  // namespace firstset::schema
