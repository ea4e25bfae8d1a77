// From a published recognition list to a registry document (docs/contract.md sections 9 and 10).
//
// The header row is found by its text in the first rows of each table (the first table that has
// one is the list): 序号; 企业名称 / 单位名称 / 申报单位 / 研制单位 / 生产企业 / 制造商; 产品名称 /
// 装备名称 / 产品; 型号 / 规格型号; 统一社会信用代码; 证书编号; 批次. A company and a product column
// are required. After it, each row with a company or a product is an entry; rows with neither
// (category headings such as 一、高端数控机床, footnotes, blank rows, a header repeated on a new
// page) are passed over.
//
// An entry's row (list.row) is the list's own 序号 where every entry has a distinct one, else
// its position among the entries (1-based). Its id is the 证书编号 where the list gives one that
// is a valid id, else PREFIX-ROW with ROW written with at least three digits; the default PREFIX
// is the document's runs of ASCII letters and digits joined by '-', then six hex digits of the
// SHA-256 of the document and batch ("2024-25-3fa9c1" for 渝经信发〔2024〕25号). So an id depends
// on the document, the batch and the row only, and the same list in .xlsx, .docx or .csv gives
// the same ids.
//
// A model is the 型号 column's, else the one the product name carries (Rule C6').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "list_table.hpp"
#include "util/error.hpp"

namespace firstset::lists {

struct ImportOptions {
    std::string issuer;      // CN, CN-XX, CN-NEA, ...
    std::string document;    // 文号
    std::string recognized;  // YYYY-MM-DD
    std::string batch;       // optional
    std::string kind = "equipment";
    std::string id_prefix;    // optional
    std::string registry_id;  // optional; default ISSUER-PREFIX
    std::string published;    // optional RFC 3339 date-time for registry.published
};

// A warning or error about one row (row 0: about the whole list).
struct Finding {
    std::string code;
    std::string table;  // "sheet \"名单\"", "table 1", "" for CSV
    std::uint32_t row = 0;
    std::string message_en, message_zh;
};

struct ImportResult {
    std::string json;  // the registry document, one certificate per line
    std::size_t entries = 0;
    std::string table;            // where the list was found
    std::uint32_t header_row = 0;
    std::vector<Finding> warnings;
};

// Thrown when rows cannot be read: every such row (up to 100), none written.
class ImportFailed : public StatusError {
public:
    // `more`: rows that could not be read beyond those listed.
    ImportFailed(std::vector<Finding> errors, const std::string& file, std::size_t more = 0);
    const std::vector<Finding>& errors() const { return errors_; }

private:
    std::vector<Finding> errors_;
};

// Checks the options (throws StatusError ARGUMENT with LIST_OPTION) and turns the tables into a
// registry document, checked against the registry schema and loader before it is returned.
ImportResult import_tables(const std::vector<Table>& tables, const ImportOptions& options, const std::string& file);

// The default id prefix for a document and batch (see above).
std::string default_id_prefix(const std::string& document, const std::string& batch);

}  // namespace firstset::lists
