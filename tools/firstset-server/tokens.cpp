#include "tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "util/error.hpp"
#include "util/file_io.hpp"

namespace fsserver {

using firstset::Location;
using firstset::Status;
using firstset::StatusError;

namespace {

std::array<unsigned char, 32> digest(std::string_view s) {
    std::array<unsigned char, 32> d{};
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
    return d;
}

bool visible(char c) { return c > ' ' && c < 127; }

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '@';
}

[[noreturn]] void invalid(const std::string& file, int line, const std::string& en, const std::string& zh) {
    throw StatusError(Status::config, "TOKEN_FILE_INVALID", file + ":" + std::to_string(line) + ": " + en,
                      file + ":" + std::to_string(line) + "：" + zh, Location{"", file, line, 0});
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

}  // namespace

Tokens Tokens::load(const std::filesystem::path& file) {
    return parse(firstset::read_file_or_throw(file, 1024 * 1024, "the token file", "令牌文件"), file.string());
}

Tokens Tokens::parse(std::string_view text, const std::string& file) {
    Tokens t;
    int number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto f = fields(line);
        if (f.empty() || f[0][0] == '#') continue;
        if (f.size() > 2)
            invalid(file, number, "a line holds a name and a token, separated by spaces (found more fields)",
                    "每行为名称与令牌两项，以空格分隔（此行多于两项）");
        const std::string_view name = f.size() == 2 ? f[0] : std::string_view("default");
        const std::string_view token = f.back();
        for (char c : name)
            if (!name_char(c))
                invalid(file, number, "a token's name is letters, digits and - _ . @",
                        "令牌名称只能由字母、数字和 - _ . @ 组成");
        if (name.size() > 64) invalid(file, number, "a token's name has at most 64 characters", "令牌名称最多 64 个字符");
        for (char c : token)
            if (!visible(c))
                invalid(file, number, "a token is visible ASCII characters only", "令牌只能由可见 ASCII 字符组成");
        if (token.size() < min_length)
            invalid(file, number,
                    "a token has at least " + std::to_string(min_length) +
                        " characters (for example: openssl rand -hex 32)",
                    "令牌至少 " + std::to_string(min_length) + " 个字符（例如：openssl rand -hex 32）");
        Entry e{std::string(name), digest(token)};
        for (const Entry& other : t.entries_) {
            if (other.name == e.name)
                invalid(file, number, "the name " + e.name + " is given twice", "名称 " + e.name + " 重复");
            if (other.digest == e.digest)
                invalid(file, number, "the same token is given twice (names " + other.name + " and " + e.name + ")",
                        "同一令牌出现两次（名称 " + other.name + " 与 " + e.name + "）");
        }
        t.entries_.push_back(std::move(e));
    }
    if (t.entries_.empty())
        throw StatusError(Status::config, "TOKEN_FILE_EMPTY", file + ": the token file holds no token",
                          file + "：令牌文件中没有令牌", Location{"", file, 0, 0});
    return t;
}

std::optional<std::string> Tokens::check(std::string_view authorization) const {
    // RFC 6750: "Bearer" is case-insensitive, then one or more spaces, then the token.
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if ((authorization[i] | 0x20) != scheme[i]) return std::nullopt;
    std::string_view token = authorization.substr(scheme.size());
    if (token.empty() || token[0] != ' ') return std::nullopt;
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    const auto presented = digest(token);
    const Entry* match = nullptr;
    for (const Entry& e : entries_)  // every entry, no early exit
        if (CRYPTO_memcmp(presented.data(), e.digest.data(), presented.size()) == 0) match = &e;
    if (!match) return std::nullopt;
    return match->name;
}

}  // namespace fsserver
