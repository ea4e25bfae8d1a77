// Reading a firstset ledger for people: its records as JSON values, the records that concern
// one award, and the verdict of firstset_verify. The tool needs no engine configuration.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tool {

struct Record {
    std::uint64_t seq = 0;
    std::string id;  // SHA-256 of the line
    std::string prev, time, kind;
    nlohmann::json body;
    std::string line;  // the record's line as stored, without its newline
};

// Every complete record of the file, in order; lines that do not parse are skipped (verify
// reports them). Throws std::runtime_error when the file cannot be read.
std::vector<Record> read_records(const std::filesystem::path& ledger);

// The calendar date of a record's time in China Standard Time (UTC+08:00), YYYY-MM-DD.
std::string china_date(const std::string& utc_time);

// What concerns one award: the award record, its failure reports, its tolerance decisions and
// the stages of its tolerance-of-failure cases (Rule T').
struct Dossier {
    Record award;
    std::vector<Record> failures;
    std::vector<Record> decisions;
    std::vector<Record> case_stages;  // every case_stage record of the award's cases, in order
    nlohmann::json verdict;  // firstset_verify's answer for the whole ledger
    std::string ledger_path;
    std::string generated_at;
    std::string as_of;       // YYYY-MM-DD (China time): stages not done by then are shown overdue
    // Every record above, in ledger order.
    std::vector<const Record*> all() const;
};

// The dossier of an award, found by the award's id or by the id of one of its cases (the case's
// application record); nullopt when `id` is neither.
std::optional<Dossier> collect_dossier(const std::vector<Record>& records, const std::string& id);

// A case's stages as a timeline, from its application's plan (Rule T').
struct TimelineStage {
    std::string stage;  // the plan's key
    std::string label_zh, label_en;
    std::optional<std::string> due;  // YYYY-MM-DD, when the stage it counts from is done
    const Record* record = nullptr;  // the first record of the stage, if done
    enum class State { done, done_late, pending, overdue, not_due } state = State::not_due;
    long days_late = 0;              // done_late, overdue
    std::size_t findings = 0;        // Rule T' findings stored with its record (order, notice, ...)
};
struct Timeline {
    const Record* application = nullptr;
    std::vector<const Record*> records;  // the application and every later stage
    std::vector<TimelineStage> stages;
    std::string limits_source_zh, limits_source_en;
};
std::vector<Timeline> case_timelines(const Dossier& d);

// The zip of one award's file (一项一档): records.jsonl (the lines as stored), dossier.html,
// dossier.md, evidence.json, verification.json, manifest.json (each file's SHA-256) and
// README.txt. Written to a temporary file beside `out`, then renamed. Throws
// std::runtime_error when it cannot be written.
void write_case_package(const Dossier& d, const std::filesystem::path& out);

std::string dossier_markdown(const Dossier& d);
std::string dossier_html(const Dossier& d);

}  // namespace tool
