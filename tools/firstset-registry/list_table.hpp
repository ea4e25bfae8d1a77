// Tables out of the files authorities publish their recognition lists in (认定名单、推广应用目录):
// CSV in UTF-8, UTF-16 or GB18030, Excel workbooks (.xlsx) and Word documents (.docx). Only the
// cells' text is read, as a person sees it: shared strings, inline strings and numbers from a
// workbook; runs, tabs and breaks from a Word table. A cell merged over several rows gives its text
// to each of them (lists often merge one company over its products). Zip archives are read with
// libzip, XML with expat, character sets converted with iconv; every size is bounded.
//
// Errors are firstset::StatusError naming the file and, where it applies, the row: LIST_FORMAT (not
// what its name says, or a format firstset does not read), LIST_ENCODING, LIST_TOO_LARGE, IO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace firstset::lists {

enum class Format { csv, xlsx, docx };
std::string_view format_name(Format f) noexcept;

struct Row {
    std::uint32_t number = 0;        // as the user sees it: CSV record, worksheet row, table row (1-based)
    std::vector<std::string> cells;  // cleaned text (clean_cell), one per column
};

struct Table {
    std::string name;  // "sheet 名单", "table 2", "" for CSV: where the rows are, for messages
    std::vector<Row> rows;
};

struct Limits {
    std::size_t file_bytes = 256u << 20;     // the file itself
    std::size_t part_bytes = 1024u << 20;    // one uncompressed part of a workbook or document
    std::size_t rows = 2'000'000;            // data rows in all
    std::size_t cell_bytes = 64u << 10;      // one cell's text
    std::size_t text_bytes = 512u << 20;     // all cells' text, copies of shared and merged text included
    std::size_t strings = 4'000'000;         // a workbook's shared strings
    std::size_t tables = 10'000;             // tables of a document, sheets of a workbook
    std::size_t columns = 256;
};

// The format a file name says (.csv, .txt, .xlsx, .docx); throws LIST_FORMAT for another
// (.xls, .doc, .pdf and .wps are named, with what to do).
Format format_of(const std::filesystem::path& file);

// Reads a list of the given format from its bytes. `file` names it in errors. A CSV gives one
// table; a workbook one per worksheet in order; a document one per top-level table.
std::vector<Table> read_tables(std::string_view bytes, Format format, const std::string& file, const Limits& limits = {});

// Reads the file (a regular file, at most limits.file_bytes) and its tables.
std::vector<Table> read_list_file(const std::filesystem::path& file, const Limits& limits = {});

// A cell's text as a person reads it: white space (including U+00A0, U+3000 and line breaks) runs
// become one space, none at either end, and a space between two Chinese characters goes (Word and
// Excel break long names across lines: 重庆示例\n机床有限公司 is one name), except after the end of
// an organisation's name (公司, 研究院, 大学, ...), where a line break starts another: 甲有限公司\n乙研究院
// becomes 甲有限公司、乙研究院 (joint applicants).
std::string clean_cell(std::string_view text);

}  // namespace firstset::lists
