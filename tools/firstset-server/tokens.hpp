// The bearer tokens that may write (POST /v1/records), read from --token-file:
//
//   # comment
//   platform-a  9f2c1e...   (a name, then the token: at least 32 visible ASCII characters)
//
// A line with one field is a token named "default". The server keeps only each token's SHA-256;
// a presented token is hashed and compared with every stored digest in constant time
// (CRYPTO_memcmp, no early exit), so neither its bytes nor its length show in the timing. Tokens
// are never logged; a bad file is refused with its file and line, never its text.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fsserver {

class Tokens {
public:
    static constexpr std::size_t min_length = 32;

    // Throws firstset::StatusError CONFIG (TOKEN_FILE_INVALID with file and line), IO (unreadable).
    static Tokens load(const std::filesystem::path& file);
    static Tokens parse(std::string_view text, const std::string& file);

    // The name of the token an Authorization header value ("Bearer <token>") carries, or nullopt.
    std::optional<std::string> check(std::string_view authorization) const;
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        std::string name;
        std::array<unsigned char, 32> digest;
    };
    std::vector<Entry> entries_;
};

}  // namespace fsserver
