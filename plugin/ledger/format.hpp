// The ledger's line format (docs/ledger-format.md): one JSON object per line,
//
//   {"seq":N,"prev":"<64 hex>","time":"<UTC RFC 3339>","kind":"<kind>","body":{...}}\n
//
// where seq counts from 1, prev is the id of line N-1 (64 zeros for line 1), and a record's id
// is the lower-case hex SHA-256 of its line's bytes without the newline. Changing, inserting,
// removing or reordering any byte before the last line breaks a prev; changing the last line
// changes the head's id, which a caller that kept the head (seq and id) detects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace firstset::ledger {

inline constexpr std::string_view genesis_prev =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::string_view format_name = "firstset-ledger/1";

struct Head {
    std::uint64_t seq = 0;  // 0: an empty file
    std::string id;
};

// The fixed fields at the start of a line, read without parsing the body.
struct LineFields {
    std::uint64_t seq = 0;
    std::string_view prev;
    std::string_view time;
    std::string_view kind;
    std::string_view body;  // the JSON object after "body":
};

// Reads the fixed fields of a line (without its newline); nullopt when the line does not have
// the exact form above.
std::optional<LineFields> read_fields(std::string_view line);

// Builds a line (without newline) for a record; body is a JSON object's text.
std::string make_line(std::uint64_t seq, std::string_view prev, std::string_view time, std::string_view kind,
                      std::string_view body);

// The current UTC time as RFC 3339 with milliseconds: 2026-11-22T01:02:03.456Z
std::string utc_now();

struct Problem {
    std::optional<std::uint64_t> seq;  // the record at fault, when there is one
    std::string code;
    std::string message_en, message_zh;
};

// The verdict on a ledger's bytes.
struct Verdict {
    std::uint64_t records = 0;      // complete records read
    Head head;                      // the last complete record
    std::optional<std::uint64_t> first_bad_seq;
    std::vector<Problem> problems;  // empty: the chain holds
    std::size_t good_bytes = 0;     // bytes up to the end of the last good record's newline
    bool torn_tail = false;         // the bytes end with an incomplete line (and only that is wrong)
    bool ok() const { return problems.empty(); }
};

// One record found while verifying, for building an index.
struct Located {
    std::uint64_t seq;
    std::string id;
    std::string_view kind;
    std::string_view line;
};

// Verifies a ledger's bytes: every line's form, seq, prev and the genesis record, and, when
// given, the head the caller kept. `on_record` is called for every good record in order.
Verdict verify(std::string_view bytes, const std::optional<Head>& expected = std::nullopt,
               const std::function<void(const Located&)>& on_record = nullptr);

}  // namespace firstset::ledger
