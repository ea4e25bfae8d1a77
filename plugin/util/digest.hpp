// SHA-256 through OpenSSL's EVP interface, as lower-case hex: the digests that name the policy
// pack and the registry an outcome rests on, and (later) bind ledger records together.
#pragma once

#include <string>
#include <string_view>

namespace firstset {

std::string sha256_hex(std::string_view bytes);

}  // namespace firstset
