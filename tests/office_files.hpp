// Minimal Office Open XML files for the list importer's tests, fuzz seeds and benchmarks: an
// .xlsx workbook (shared or inline strings, merged cells, several sheets) and a .docx document
// with tables (vertically merged cells, spans), written with libzip into memory. They carry only
// what the format requires, so a reader that copes with them and with the LibreOffice-made files
// in examples/lists reads both minimal and full-featured producers.
#pragma once

#include <zip.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace test {

using Rows = std::vector<std::vector<std::string>>;

inline std::string xml_text(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

// Parts (name, bytes) into a zip archive's bytes.
inline std::string zip_parts(const std::vector<std::pair<std::string, std::string>>& parts) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!src) throw std::runtime_error("zip_source_buffer_create");
    zip_source_keep(src);
    zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &error);
    if (!z) throw std::runtime_error("zip_open_from_source");
    std::vector<std::string> keep;  // libzip reads the buffers at zip_close
    keep.reserve(parts.size());
    for (const auto& [name, bytes] : parts) {
        keep.push_back(bytes);
        zip_source_t* s = zip_source_buffer(z, keep.back().data(), keep.back().size(), 0);
        if (!s || zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) throw std::runtime_error("zip_file_add " + name);
    }
    if (zip_close(z) < 0) throw std::runtime_error("zip_close");
    std::string out;
    zip_stat_t st;
    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) throw std::runtime_error("zip_source_open");
    out.resize(st.size);
    if (zip_source_read(src, out.data(), st.size) != static_cast<zip_int64_t>(st.size)) throw std::runtime_error("zip_source_read");
    zip_source_close(src);
    zip_source_free(src);
    return out;
}

inline std::string column_name(std::size_t c) {
    std::string s;
    for (++c; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
    return s;
}

struct XlsxOptions {
    bool shared_strings = true;       // else inline strings
    std::vector<std::string> merges;  // "B3:B5"
    bool numbers_as_numbers = true;   // cells of digits written as numbers (as Excel keeps 序号)
    bool leading_empty_sheet = false; // a sheet with no list before the list's
};

inline std::string make_xlsx(const Rows& rows, const XlsxOptions& o = {}) {
    std::vector<std::string> strings;
    std::string sheet = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                        R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
    for (std::size_t r = 0; r < rows.size(); ++r) {
        sheet += "<row r=\"" + std::to_string(r + 1) + "\">";
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const std::string& v = rows[r][c];
            if (v.empty()) continue;
            const std::string ref = column_name(c) + std::to_string(r + 1);
            const bool number = o.numbers_as_numbers && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos;
            if (number) sheet += "<c r=\"" + ref + "\"><v>" + v + "</v></c>";
            else if (o.shared_strings) {
                sheet += "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(strings.size()) + "</v></c>";
                strings.push_back(v);
            } else
                sheet += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + xml_text(v) + "</t></is></c>";
        }
        sheet += "</row>";
    }
    sheet += "</sheetData>";
    if (!o.merges.empty()) {
        sheet += "<mergeCells count=\"" + std::to_string(o.merges.size()) + "\">";
        for (const auto& m : o.merges) sheet += "<mergeCell ref=\"" + m + "\"/>";
        sheet += "</mergeCells>";
    }
    sheet += "</worksheet>";
    std::string shared = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)";
    for (const auto& s : strings) shared += "<si><t xml:space=\"preserve\">" + xml_text(s) + "</t></si>";
    shared += "</sst>";
    const std::string empty_sheet = R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row></sheetData></worksheet>)";
    std::string sheets, rels;
    int n = 0;
    if (o.leading_empty_sheet) {
        ++n;
        sheets += "<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/>";
        rels += R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)";
    }
    ++n;
    sheets += "<sheet name=\"名单\" sheetId=\"" + std::to_string(n) + "\" r:id=\"rId" + std::to_string(n) + "\"/>";
    rels += "<Relationship Id=\"rId" + std::to_string(n) +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet" +
            std::to_string(n) + ".xml\"/>";
    std::vector<std::pair<std::string, std::string>> parts = {
        {"[Content_Types].xml",
         R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>)"},
        {"_rels/.rels",
         R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
        {"xl/workbook.xml",
         R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)" +
             sheets + "</sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)" + rels +
             "</Relationships>"},
        {"xl/worksheets/sheet" + std::to_string(n) + ".xml", sheet},
    };
    if (o.leading_empty_sheet) parts.push_back({"xl/worksheets/sheet1.xml", empty_sheet});
    if (o.shared_strings) parts.push_back({"xl/sharedStrings.xml", shared});
    return zip_parts(parts);
}

// A cell "^" continues the cell above (w:vMerge), written as an empty merged cell.
inline std::string make_docx(const Rows& rows, const std::string& before_table = "附件：名单") {
    std::string body = "<w:p><w:r><w:t>" + xml_text(before_table) + "</w:t></w:r></w:p><w:tbl><w:tblPr/>";
    for (const auto& row : rows) {
        body += "<w:tr>";
        for (std::size_t c = 0; c < row.size(); ++c) {
            const bool continues = row[c] == "^";
            const bool restarts = !continues && &row != &rows.back() && c < (&row + 1)->size() && (*(&row + 1))[c] == "^";
            body += "<w:tc><w:tcPr>";
            if (continues) body += "<w:vMerge/>";
            else if (restarts) body += "<w:vMerge w:val=\"restart\"/>";
            body += "</w:tcPr><w:p>";
            if (!continues) {
                // A line break inside a cell, as Word wraps long names: kept apart in runs.
                const std::string& v = row[c];
                const auto nl = v.find('\n');
                if (nl == std::string::npos) body += "<w:r><w:t>" + xml_text(v) + "</w:t></w:r>";
                else body += "<w:r><w:t>" + xml_text(v.substr(0, nl)) + "</w:t></w:r></w:p><w:p><w:r><w:t>" + xml_text(v.substr(nl + 1)) + "</w:t></w:r>";
            }
            body += "</w:p></w:tc>";
        }
        body += "</w:tr>";
    }
    body += "</w:tbl>";
    const std::string document = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>)" +
                                 body + "<w:sectPr/></w:body></w:document>";
    return zip_parts({
        {"[Content_Types].xml",
         R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>)"},
        {"_rels/.rels",
         R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>)"},
        {"word/document.xml", document},
    });
}

}  // namespace test
