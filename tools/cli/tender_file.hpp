// The host's input: a tender and its bids in one YAML file (examples/tender-*.yaml). The tender
// part goes to the plugin as it is; each bid's id, bidder and offers go to the plugin, while its
// price, the experts' scores and the committee's evidence stay with the host for scoring.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "exact.hpp"

namespace host {

// A problem with the input file, located by line, in both languages.
struct InputError : std::runtime_error {
    InputError(std::string en, std::string zh_, std::string file_, int line_)
        : std::runtime_error(std::move(en)), zh(std::move(zh_)), file(std::move(file_)), line(line_) {}
    std::string zh;
    std::string file;
    int line;
};

struct Band {
    Rational min;
    Rational points;
};

struct CriterionInfo {
    std::string id, name, kind;
    bool scored = false;
    Rational max_points = 0;
    std::vector<Band> bands;  // highest min first
};

struct Evidence {
    std::optional<Rational> value;  // scored criteria: a count, a percentage, ... compared with bands
    std::optional<bool> pass;       // pass/fail criteria: the committee's finding
    int line = 0;
};

struct BidEntry {
    std::string id, bidder_name;
    Rational price;
    nlohmann::json plugin_bid;                           // {id, bidder, offers}
    std::map<std::string, std::vector<Rational>> scores;  // criterion id -> each expert's points
    std::map<std::string, int> score_lines;
    std::map<std::string, Evidence> evidence;
    int line = 0;
};

struct TenderFile {
    std::string file;
    nlohmann::json tender;  // sent to the plugin
    std::string id, title;
    std::vector<CriterionInfo> criteria;
    std::vector<BidEntry> bids;
};

// Reads and checks the file. Throws InputError naming the line at fault.
TenderFile read_tender_file(const std::filesystem::path& path);

// Reads a tender for the evaluation-method audit: a YAML or JSON file holding `tender` (bids,
// if any, are ignored) or holding a tender itself (`id`, `criteria`, ...). Throws InputError.
nlohmann::json read_tender_only(const std::filesystem::path& path);

// Reads a record file (examples/records/*.yaml) into the document firstset_record takes. An
// award's `tender_file` and `bid` are replaced by that tender and bid, read from the tender
// file; `award`, `failure` and `case_id` (a case's application id), when given, replace the
// file's references. Throws InputError.
nlohmann::json read_record_file(const std::filesystem::path& path, const std::string& award,
                                const std::string& failure, const std::string& case_id = "");

}  // namespace host
