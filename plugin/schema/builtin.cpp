#include "schema/embedded.hpp"

namespace firstset::schema {

const Schemas& builtin() {
    static const Schemas schemas(embedded_documents());
    return schemas;
}

}  // namespace firstset::schema
