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
};

// Every complete record of the file, in order; lines that do not parse are skipped (verify
// reports them). Throws std::runtime_error when the file cannot be read.
std::vector<Record> read_records(const std::filesystem::path& ledger);

// The calendar date of a record's time in China Standard Time (UTC+08:00), YYYY-MM-DD.
std::string china_date(const std::string& utc_time);

// What concerns one award: the award record, its failure reports and its tolerance decisions.
struct Dossier {
    Record award;
    std::vector<Record> failures;
    std::vector<Record> decisions;
    nlohmann::json verdict;  // firstset_verify's answer for the whole ledger
    std::string ledger_path;
    std::string generated_at;
};

std::optional<Dossier> collect_dossier(const std::vector<Record>& records, const std::string& award_id);

std::string dossier_markdown(const Dossier& d);
std::string dossier_html(const Dossier& d);

}  // namespace tool
