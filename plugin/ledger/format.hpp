// The ledger's line format (docs/ledger-format.md): one JSON object per line,
//
//   {"seq":N,"prev":"<64 hex>","time":"<UTC RFC 3339>","kind":"<kind>","body":{...}}\n
//
// where seq counts from 1, prev is the id of line N-1 (64 zeros for line 1), and a record's id
// is the lower-case hex digest of its line's bytes without the newline: SHA-256, or SM3 when the
// genesis record's body says "hash":"sm3" (no "hash": SHA-256, as in every ledger written before
// SM3 was offered). Changing, inserting,
// removing or reordering any byte before the last line breaks a prev; changing the last line
// changes the head's id, which a caller that kept the head (seq and id) detects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/digest.hpp"

namespace firstset::ledger {

inline constexpr std::string_view genesis_prev =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::string_view format_name = "firstset-ledger/1";

// The hash a genesis record body names: "hash" absent means SHA-256; nullopt when the member is
// there but is not "sha256" or "sm3" (or not a string), or the body is not a JSON object.
std::optional<HashAlgorithm> genesis_hash(std::string_view body);

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
    HashAlgorithm hash = HashAlgorithm::sha256;  // the chain hash, as the genesis record names it
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

// Verifies a ledger line by line, as its bytes arrive: every line's form, seq, prev and the
// genesis record, each line one JSON document by the plugin's reader (so a ledger that verifies
// can always be opened again), and, when given, the head the caller kept. The chain hash is the
// one the genesis record names (LEDGER_HASH_UNKNOWN when it names another). `on_record` is called
// for every good record in order. Memory is one line at a time, whatever the ledger's size.
class ChainVerifier {
public:
    explicit ChainVerifier(std::optional<Head> expected = std::nullopt,
                           std::function<void(const Located&)> on_record = nullptr);
    // The next bytes of the ledger. Returns false once a problem has stopped verification.
    bool feed(std::string_view bytes);
    // The end of the ledger: bytes after the last newline are a torn tail.
    Verdict finish();

private:
    bool line(std::string_view line);
    void fail(std::optional<std::uint64_t> seq, std::string code, std::string en, std::string zh);

    std::optional<Head> expected_;
    std::function<void(const Located&)> on_record_;
    Verdict v_;
    Hasher hasher_;
    std::string prev_;
    std::string id_;
    std::string kept_id_;   // the id of the record at the expected head's seq
    std::string partial_;   // bytes of a line not yet ended
    bool stopped_ = false;
};

// Longest line a ledger may hold: a record body is at most a request (4 MiB) and what the
// plugin adds to it.
inline constexpr std::size_t max_line_bytes = std::size_t{64} << 20;

// Verifies a ledger held in memory (ChainVerifier over all of it).
Verdict verify(std::string_view bytes, const std::optional<Head>& expected = std::nullopt,
               const std::function<void(const Located&)>& on_record = nullptr);

// Verifies a ledger read from an open descriptor from offset 0 to its end, with read(2) in
// blocks (never a mapping: a file that shrinks meanwhile just ends sooner). Throws StatusError(IO)
// when reading fails.
Verdict verify_descriptor(int fd, const std::string& path, const std::optional<Head>& expected = std::nullopt,
                          const std::function<void(const Located&)>& on_record = nullptr);

}  // namespace firstset::ledger
