// The usage report (Rule U, clause （五） 定期通报): over one or many ledgers and a period, per
// purchaser, project or certified product, the first-set awards and their amounts, the products and
// certificates, the criteria deemed met, the failures and the tolerance outcomes, with totals and
// shares per month, quarter or year. docs/report.md says what each figure means.
//
// The core (build) reads each ledger in large blocks on every core, verifies it with
// firstset_verify (given as a function, so that the tool, the tests and the benchmark can each
// bring theirs), and counts; the renderers write JSON (schemas/report.schema.json), CSV, XLSX and
// one self-contained HTML page.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tool::report {

enum class By { purchaser, project, product };
enum class Period { month, quarter, year };
enum class Format { html, csv, xlsx, json };

// A message for people: a stable code, Chinese and English.
struct Message {
    std::string code, zh, en;
};

// Input that makes a report impossible (an unreadable ledger, a directory without ledgers).
struct InputError : std::runtime_error {
    Message message;
    explicit InputError(Message m) : std::runtime_error(m.en), message(std::move(m)) {}
};

struct Options {
    std::vector<std::string> inputs;  // ledger files, or directories meaning every *.jsonl file in them
    std::string from, to;             // YYYY-MM-DD, China Standard Time, inclusive
    By by = By::purchaser;
    Period period = Period::quarter;
    bool include_unverified = false;
    unsigned threads = 0;             // 0: one per core
    std::string generated_at;         // shown as is
};

// firstset_verify: a request document in, the response document out (throws when the ledger
// cannot be read).
using Verifier = std::function<std::string(const std::string& request_json)>;

// The figures of one group (or of all) over one period (or the whole range).
struct Counters {
    std::uint64_t awards = 0;                 // award records
    std::uint64_t first_set_awards = 0;       // awards whose assessment accepted a certificate
    std::uint64_t without_amount = 0;         // first-set awards that gave no amount
    std::int64_t amount_fen = 0;              // the first-set awards' amounts, in fen (分)
    std::set<std::string> certificates;       // accepted certificates of the first-set awards
    std::set<std::string> products;           // their products ("product model")
    std::uint64_t evaluations = 0;
    std::uint64_t criteria_deemed = 0;        // criteria with outcome deemed_met
    std::array<std::uint64_t, 4> failures{};  // minor, major, critical, other
    std::array<std::uint64_t, 3> proposed{};  // tolerance_decision: exempt, not_exempt, review
    std::array<std::uint64_t, 3> final{};     // tolerance_decision: exempt, not_exempt, pending
    std::array<std::uint64_t, 6> stages{};    // case_stage: application … notice
    std::array<std::uint64_t, 3> case_final{};  // case_stage decision: exempt, not_exempt, pending
    bool overflow = false;                    // the amount does not fit (never in practice)

    void add_amount(std::int64_t fen);
};

inline constexpr std::array<const char*, 4> severities = {"minor", "major", "critical", "other"};
inline constexpr std::array<const char*, 3> proposals = {"exempt", "not_exempt", "review"};
inline constexpr std::array<const char*, 3> finals = {"exempt", "not_exempt", "pending"};
inline constexpr std::array<const char*, 6> stage_names = {"application", "investigation", "decision",
                                                           "feedback",    "correction",    "notice"};

struct Input {
    std::string path;
    std::uint64_t records = 0;  // complete records, as firstset_verify counted them
    std::uint64_t head_seq = 0;
    std::string head_id;
    bool verified = false;
    bool included = false;
    std::optional<Message> problem;  // why it does not verify, or cannot be read
    std::string ledger;              // the genesis record's ledger name
    std::uint64_t counted = 0;       // records counted (in the range or not), duplicates aside
    std::uint64_t duplicates = 0;    // records already read from another input
    std::uint64_t bad_lines = 0;     // lines that could not be read
    std::uint64_t other_kinds = 0;   // records of kinds the report does not know
};

struct Group {
    std::string key;   // USCC, project id or certificate id; "" for the unknown group
    std::string name;  // purchaser's name, project's name, product and model
    std::string detail;  // project: 重点项目/key project; product: holder
    std::optional<bool> key_project;
    Counters total;
    std::vector<Counters> periods;
};

struct Award {
    std::string id, date, period;  // record id; China date of the record; its period label
    std::string award_date, tender, tender_title;
    std::string purchaser, purchaser_uscc, project_id, project_name;
    std::optional<bool> key_project;
    std::string amount;  // "2200000.00", or empty when not given
    bool first_set = false;
    std::vector<std::string> certificates;  // "id product model" of the accepted ones
};

struct Problem {
    Message message;
    std::string input;  // the ledger it concerns, if one
    std::uint64_t seq = 0;  // the record it concerns, if one
    std::uint64_t count = 1;  // how many times (the first is described)
};

struct Report {
    Options options;
    std::vector<std::string> periods;  // "2026-Q1", "2026-03", "2026"
    std::vector<std::string> period_from, period_to;  // each period's first and last day in the range
    std::vector<Input> inputs;
    std::vector<Group> groups;  // by name; the unknown group last
    Counters total;
    std::vector<Counters> period_totals;
    std::vector<Award> awards;  // in the range, in ledger order
    std::vector<Problem> problems;
    bool unreadable = false;  // an input could not be read (exit 3)
    bool unverified = false;  // an input did not verify (exit 1)
};

// A date YYYY-MM-DD as days since 1970-01-01; nullopt when it is not one.
std::optional<std::int32_t> parse_date(const std::string& text);

// The ledger files an argument names: itself, or a directory's *.jsonl files by name. Throws
// InputError when it names nothing readable.
std::vector<std::string> expand_input(const std::string& argument);

// The report. Throws InputError when an input cannot be read at all.
Report build(const Options& options, const Verifier& verify);

// Exact figures as text.
std::string money(std::int64_t fen);  // "2200000.00"
// part / whole × 100 with two places, rounded half up (exact integer arithmetic); "" when whole is 0.
std::string share(std::int64_t part, std::int64_t whole);

// Labels of groups and columns, for every format: Chinese and English.
std::string by_label_zh(By by);
std::string by_label_en(By by);
std::string unknown_group_zh(By by);
std::string unknown_group_en(By by);

std::string to_json(const Report& r);
std::string to_csv(const Report& r);
std::string to_html(const Report& r);
void write_xlsx(const Report& r, const std::string& path);  // throws InputError when it cannot

// The command: `firstset-ledger report LEDGER... --from --to [--by] [--period] [--format] [--out]
// [--include-unverified]`. Writes errors bilingually to err; returns the tool's exit status.
struct CommandLine {
    std::vector<std::string> inputs;
    std::string from, to, by = "purchaser", period = "quarter", format = "html", out;
    bool include_unverified = false;
};
int command(const CommandLine& cl, const std::function<Verifier()>& load_verifier, std::ostream& out, std::ostream& err);

// The current time, UTC, YYYY-MM-DDTHH:MM:SSZ (what reports and dossiers say they were made at).
std::string utc_now();

}  // namespace tool::report
