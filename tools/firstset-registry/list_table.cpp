#include "list_table.hpp"

#include <expat.h>
#include <iconv.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <exception>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/utf8.hpp"

namespace firstset::lists {
namespace {

[[noreturn]] void fail(const char* code, const std::string& file, std::uint32_t row, std::string en, std::string zh,
                       Status status = Status::parse) {
    Location where;
    where.file = file;
    where.line = static_cast<int>(row);
    throw StatusError(status, code, std::move(en), std::move(zh), std::move(where));
}

[[noreturn]] void too_large(const std::string& file, const std::string& what_en, const std::string& what_zh) {
    fail("LIST_TOO_LARGE", file, 0, "the list is larger than firstset reads: " + what_en,
         "名单超出可读取的规模：" + what_zh, Status::limit);
}

// What a whole list may cost, whatever its parts: copies count (a shared string used by many
// cells, a merged cell given to many rows), so that a small archive cannot expand without bound.
struct Budget {
    const Limits& limits;
    const std::string& file;
    std::size_t text = 0, strings = 0, tables = 0, merge_fills = 0;

    void add_text(std::size_t n) {
        text += n;
        if (text > limits.text_bytes)
            too_large(file, "its cells hold more than " + std::to_string(limits.text_bytes >> 20) + " MiB of text",
                      "单元格文字合计超过 " + std::to_string(limits.text_bytes >> 20) + " MiB");
    }
    void add_string() {
        if (++strings > limits.strings)
            too_large(file, "more than " + std::to_string(limits.strings) + " shared strings", "共享字符串超过 " + std::to_string(limits.strings) + " 个");
    }
    void add_table() {
        if (++tables > limits.tables)
            too_large(file, "more than " + std::to_string(limits.tables) + " tables or sheets", "表格或工作表超过 " + std::to_string(limits.tables) + " 个");
    }
    void add_merge_fill() {
        if (++merge_fills > limits.rows * 4)
            too_large(file, "merged cells that fill more than " + std::to_string(limits.rows * 4) + " cells", "合并单元格填充超过 " + std::to_string(limits.rows * 4) + " 格");
    }
    // Appends to a cell's text, refusing a cell longer than the limit.
    void append(std::string& cell, std::string_view s) const {
        if (cell.size() + s.size() > limits.cell_bytes)
            too_large(file, "a cell is longer than " + std::to_string(limits.cell_bytes) + " bytes", "单元格超过 " + std::to_string(limits.cell_bytes) + " 字节");
        cell.append(s);
    }
};

bool is_cjk(char32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0x20000 && c <= 0x3FFFF) || (c >= 0x3000 && c <= 0x303F && c != 0x3000);
}

bool is_space(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0xFEFF;
}

// What the first bytes say a file is, when it is not text.
std::optional<std::pair<std::string, std::string>> binary_kind(std::string_view b) {
    if (b.substr(0, 4) == std::string_view("PK\x03\x04", 4))
        return std::pair<std::string, std::string>{"a zip archive (an .xlsx or .docx file?)", "zip 压缩包（.xlsx 或 .docx 文件？）"};
    if (b.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return std::pair<std::string, std::string>{"an old binary Office file (.xls or .doc); save it as .xlsx or .docx",
                                                   "旧版 Office 二进制文件（.xls 或 .doc），请另存为 .xlsx 或 .docx"};
    if (b.substr(0, 5) == "%PDF-")
        return std::pair<std::string, std::string>{"a PDF file; export its table to .xlsx or .csv first",
                                                   "PDF 文件，请先将表格导出为 .xlsx 或 .csv"};
    return std::nullopt;
}

std::uint32_t line_at(std::string_view text, std::size_t offset) {
    return static_cast<std::uint32_t>(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n'));
}

// Converts with iconv; nullopt and the offset of the first byte it could not convert on failure.
std::optional<std::string> convert(std::string_view in, const char* from, std::size_t* bad_offset) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) throw StatusError(Status::internal, "LIST_ENCODING", std::string("iconv cannot convert from ") + from, std::string("iconv 不支持字符集 ") + from);
    std::string out(in.size() * 2 + 16, '\0');
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size(), done = 0;
    while (src_left > 0) {
        char* dst = out.data() + done;
        std::size_t dst_left = out.size() - done;
        const std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
        done = out.size() - dst_left;
        if (r != static_cast<std::size_t>(-1)) continue;
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        iconv_close(cd);
        *bad_offset = in.size() - src_left;
        return std::nullopt;
    }
    iconv_close(cd);
    out.resize(done);
    return out;
}

// ---- CSV (RFC 4180; the delimiter is the commonest of , tab ; in the first line) ----------------

std::string decode_text(std::string_view bytes, const std::string& file) {
    if (auto kind = binary_kind(bytes))
        fail("LIST_FORMAT", file, 0, "the file named as CSV is " + kind->first, "以 CSV 命名的文件实为" + kind->second);
    std::size_t bad = 0;
    if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
        auto text = convert(bytes, "UTF-16", &bad);
        if (!text) fail("LIST_ENCODING", file, 0, "the file starts as UTF-16 but is not", "文件以 UTF-16 标记开头，但内容不是 UTF-16");
        return *text;
    }
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (bytes.find('\0') != std::string_view::npos)
        fail("LIST_FORMAT", file, line_at(bytes, bytes.find('\0')), "the file named as CSV holds binary data (a NUL byte)",
             "以 CSV 命名的文件含二进制数据（NUL 字节）");
    const std::size_t invalid = utf8::first_invalid(bytes);
    if (invalid == std::string_view::npos) return std::string(bytes);
    // Not UTF-8: Chinese Excel saves CSV in GB18030 (GBK).
    auto text = convert(bytes, "GB18030", &bad);
    if (!text) {
        // Where reading stopped in whichever encoding got further: a UTF-8 file with one bad byte
        // is named at that byte, not where it stops being GB18030.
        const std::uint32_t line = line_at(bytes, std::max(bad, invalid));
        fail("LIST_ENCODING", file, line, "the text is neither UTF-8 nor GB18030 (line " + std::to_string(line) + ")",
             "文本既不是 UTF-8 也不是 GB18030（第 " + std::to_string(line) + " 行）");
    }
    return *text;
}

Table read_csv(std::string_view bytes, const std::string& file, const Limits& limits) {
    const std::string text = decode_text(bytes, file);
    // The delimiter: tab for a .tsv, else the one of , tab ; that a line among the first 30 holds
    // most of (a title line above the header may hold none).
    char delimiter = ',';
    if (file.size() >= 4 && (file.compare(file.size() - 4, 4, ".tsv") == 0 || file.compare(file.size() - 4, 4, ".TSV") == 0)) {
        delimiter = '\t';
    } else {
        std::size_t best = 0, start = 0;
        for (int line = 0; line < 30 && start < text.size(); ++line) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string_view l(text.data() + start, end - start);
            for (char d : {',', '\t', ';'}) {
                const auto n = static_cast<std::size_t>(std::count(l.begin(), l.end(), d));
                if (n > best) best = n, delimiter = d;
            }
            start = end + 1;
        }
    }
    Table table;
    Row row;
    std::string cell;
    std::uint32_t record = 1;
    std::size_t line = 1, record_line = 1;
    bool quoted = false, was_quoted = false;
    auto end_cell = [&] {
        if (cell.size() > limits.cell_bytes)
            fail("LIST_TOO_LARGE", file, record, "a cell is longer than " + std::to_string(limits.cell_bytes) + " bytes",
                 "单元格超过 " + std::to_string(limits.cell_bytes) + " 字节", Status::limit);
        if (row.cells.size() < limits.columns) row.cells.push_back(clean_cell(cell));
        cell.clear();
        was_quoted = false;
    };
    auto end_row = [&] {
        end_cell();
        row.number = record++;
        if (std::any_of(row.cells.begin(), row.cells.end(), [](const std::string& c) { return !c.empty(); })) {
            if (table.rows.size() >= limits.rows) too_large(file, "more than " + std::to_string(limits.rows) + " rows", "超过 " + std::to_string(limits.rows) + " 行");
            table.rows.push_back(std::move(row));
        }
        row = Row{};
        record_line = line;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') cell.push_back('"'), ++i;
                else quoted = false;
            } else {
                if (c == '\n') ++line;
                cell.push_back(c);
            }
        } else if (c == '"' && cell.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == delimiter) {
            end_cell();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            ++line;
            end_row();
        } else {
            cell.push_back(c);
        }
    }
    if (quoted)
        fail("LIST_FORMAT", file, record, "a quoted cell is not closed (record " + std::to_string(record) + ", from line " + std::to_string(record_line) + ")",
             "引号内的单元格没有结束（第 " + std::to_string(record) + " 行记录，起于第 " + std::to_string(record_line) + " 行）");
    if (!cell.empty() || !row.cells.empty()) end_row();
    return table;
}

// ---- XML over expat, zip parts over libzip --------------------------------------------------------

std::string_view local_name(const XML_Char* name) {
    std::string_view n(name);
    const auto colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* attribute(const XML_Char** attrs, std::string_view local, bool prefixed = false) {
    for (std::size_t i = 0; attrs[i]; i += 2) {
        std::string_view n(attrs[i]);
        const auto colon = n.rfind(':');
        const std::string_view l = colon == std::string_view::npos ? n : n.substr(colon + 1);
        if (l == local && (!prefixed || colon != std::string_view::npos)) return attrs[i + 1];
    }
    return nullptr;
}

class XmlHandler {
public:
    virtual ~XmlHandler() = default;
    virtual void start(std::string_view name, const XML_Char** attrs) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(std::string_view) {}
};

struct ParseState {
    XmlHandler* handler;
    XML_Parser parser;
    std::exception_ptr error;  // what a handler threw; expat is C, so it is carried across and rethrown
    bool dtd = false;          // a document type declaration stopped the parse
};

class Zip {
public:
    Zip(std::string_view bytes, const std::string& file, const Limits& limits) : file_(file), limits_(limits) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        if (src) archive_ = zip_open_from_source(src, ZIP_RDONLY, &error);
        if (!archive_) {
            if (src) zip_source_free(src);
            zip_error_fini(&error);
            std::string en = "the file is not a zip archive, as an .xlsx or .docx file is";
            std::string zh = "文件不是 zip 压缩包（.xlsx、.docx 都是）";
            if (auto kind = binary_kind(bytes)) en += ": it is " + kind->first, zh += "：实为" + kind->second;
            else if (utf8::first_invalid(bytes.substr(0, 4096)) == std::string_view::npos)
                en += ": it is text (a CSV file?)", zh += "：实为文本（CSV 文件？）";
            fail("LIST_FORMAT", file, 0, en, zh);
        }
        zip_error_fini(&error);
    }
    ~Zip() {
        if (archive_) zip_discard(archive_);
    }
    Zip(const Zip&) = delete;
    Zip& operator=(const Zip&) = delete;

    bool has(const std::string& part) const { return zip_name_locate(archive_, part.c_str(), 0) >= 0; }

    // Streams a part through expat into the handler. The document may not declare a DTD.
    void parse(const std::string& part, XmlHandler& handler) const {
        zip_file_t* f = zip_fopen(archive_, part.c_str(), 0);
        if (!f)
            fail("LIST_FORMAT", file_, 0, "the archive has no readable part " + part + " (" + zip_strerror(archive_) + ")",
                 "压缩包中缺少可读的部件 " + part);
        std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> closer(f, zip_fclose);
        std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
        if (!parser) throw std::bad_alloc();
        ParseState state{&handler, parser.get(), {}};
        XML_SetUserData(parser.get(), &state);
        XML_SetElementHandler(
            parser.get(),
            [](void* u, const XML_Char* name, const XML_Char** attrs) {
                auto* s = static_cast<ParseState*>(u);
                try {
                    s->handler->start(local_name(name), attrs);
                } catch (...) {
                    s->error = std::current_exception();
                    XML_StopParser(s->parser, XML_FALSE);
                }
            },
            [](void* u, const XML_Char* name) {
                auto* s = static_cast<ParseState*>(u);
                try {
                    s->handler->end(local_name(name));
                } catch (...) {
                    s->error = std::current_exception();
                    XML_StopParser(s->parser, XML_FALSE);
                }
            });
        XML_SetCharacterDataHandler(parser.get(), [](void* u, const XML_Char* s, int len) {
            auto* st = static_cast<ParseState*>(u);
            try {
                st->handler->text(std::string_view(s, static_cast<std::size_t>(len)));
            } catch (...) {
                st->error = std::current_exception();
                XML_StopParser(st->parser, XML_FALSE);
            }
        });
        XML_SetStartDoctypeDeclHandler(parser.get(), [](void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
            auto* s = static_cast<ParseState*>(u);
            s->dtd = true;
            XML_StopParser(s->parser, XML_FALSE);
        });
        std::size_t total = 0;
        char buffer[1 << 16];
        for (;;) {
            const zip_int64_t n = zip_fread(f, buffer, sizeof buffer);
            if (n < 0) fail("LIST_FORMAT", file_, 0, "the part " + part + " cannot be unpacked (" + zip_file_strerror(f) + ")", "部件 " + part + " 无法解压");
            total += static_cast<std::size_t>(n);
            if (total > limits_.part_bytes)
                too_large(file_, part + " unpacks to more than " + std::to_string(limits_.part_bytes >> 20) + " MiB",
                          part + " 解压后超过 " + std::to_string(limits_.part_bytes >> 20) + " MiB");
            const bool last = n == 0;
            if (XML_Parse(parser.get(), buffer, static_cast<int>(n), last) != XML_STATUS_OK) {
                if (state.error) std::rethrow_exception(state.error);
                if (state.dtd)
                    fail("LIST_FORMAT", file_, 0, part + " declares a DTD, which Office files never do", part + " 含 DTD 声明，Office 文件不会如此");
                fail("LIST_FORMAT", file_, 0,
                     part + " is not well-formed XML: " + XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                         std::to_string(XML_GetCurrentLineNumber(parser.get())),
                     part + " 不是格式正确的 XML（第 " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + " 行）");
            }
            if (last) break;
        }
    }

private:
    zip_t* archive_ = nullptr;
    const std::string& file_;
    const Limits& limits_;
};

void put_cell(Row& row, std::size_t column, std::string text, Budget& budget) {
    if (column >= budget.limits.columns) return;
    budget.add_text(text.size());
    if (row.cells.size() <= column) row.cells.resize(column + 1);
    row.cells[column] = std::move(text);
}

bool has_text(const Row& r) {
    return std::any_of(r.cells.begin(), r.cells.end(), [](const std::string& c) { return !c.empty(); });
}

// ---- .xlsx (ECMA-376 SpreadsheetML) --------------------------------------------------------------

struct Relationships : XmlHandler {
    std::unordered_map<std::string, std::string> targets;
    std::string shared_strings;  // the target of the relationship of type .../sharedStrings, if any
    void start(std::string_view name, const XML_Char** a) override {
        if (name != "Relationship") return;
        const char* id = attribute(a, "Id");
        const char* target = attribute(a, "Target");
        const char* mode = attribute(a, "TargetMode");
        const char* type = attribute(a, "Type");
        if (!id || !target || (mode && std::string_view(mode) == "External")) return;
        targets[id] = target;
        const std::string_view t = type ? type : "";
        if (t.size() >= 14 && t.substr(t.size() - 14) == "/sharedStrings") shared_strings = target;
    }
    void end(std::string_view) override {}
};

struct Workbook : XmlHandler {
    std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
    void start(std::string_view name, const XML_Char** a) override {
        if (name != "sheet") return;
        const char* n = attribute(a, "name");
        const char* id = attribute(a, "id", true);
        const char* state = attribute(a, "state");
        if (state && std::string_view(state) != "visible") return;  // a hidden sheet is not the list
        if (id) sheets.emplace_back(n ? n : "", id);
    }
    void end(std::string_view) override {}
};

struct SharedStrings : XmlHandler {
    Budget& budget;
    std::vector<std::string> strings;
    std::string current;
    int phonetic = 0;
    bool in_t = false;
    explicit SharedStrings(Budget& b) : budget(b) {}
    void start(std::string_view name, const XML_Char**) override {
        if (name == "si") current.clear(), budget.add_string();
        else if (name == "rPh") ++phonetic;
        else if (name == "t") in_t = true;
    }
    void end(std::string_view name) override {
        if (name == "si") strings.push_back(clean_cell(current));
        else if (name == "rPh") --phonetic;
        else if (name == "t") in_t = false;
    }
    void text(std::string_view s) override {
        if (in_t && phonetic == 0) budget.append(current, s);
    }
};

// "B12" -> column 1, row 12; false when it is not a cell reference.
bool cell_ref(std::string_view r, std::size_t* column, std::uint32_t* row) {
    std::size_t i = 0, col = 0;
    while (i < r.size() && r[i] >= 'A' && r[i] <= 'Z' && i < 3) col = col * 26 + static_cast<std::size_t>(r[i++] - 'A' + 1);
    if (i == 0) return false;
    std::uint32_t n = 0;
    const std::size_t digits = i;
    while (i < r.size() && r[i] >= '0' && r[i] <= '9' && i - digits < 7) n = n * 10 + static_cast<std::uint32_t>(r[i++] - '0');
    if (i != r.size() || i == digits || n == 0) return false;
    *column = col - 1;
    *row = n;
    return true;
}

struct Sheet : XmlHandler {
    const std::string& file;
    const Limits& limits;
    Budget& budget;
    const std::vector<std::string>& shared;
    std::size_t* total_rows;
    Table table;
    struct Merge { std::uint32_t r1, r2; std::size_t c1, c2; };
    std::vector<Merge> merges;
    Row row;
    bool in_row = false, in_value = false, in_inline = false;
    int phonetic = 0;
    std::uint32_t next_row = 1;
    std::size_t column = 0, next_column = 0;
    std::string type, value;

    Sheet(Budget& b, const std::vector<std::string>& s, std::size_t* t)
        : file(b.file), limits(b.limits), budget(b), shared(s), total_rows(t) {}

    void start(std::string_view name, const XML_Char** a) override {
        if (name == "row") {
            row = Row{};
            const char* r = attribute(a, "r");
            std::uint32_t n = next_row;
            if (r) {
                n = 0;
                for (const char* p = r; *p && n < 10'000'000; ++p)
                    if (*p >= '0' && *p <= '9') n = n * 10 + static_cast<std::uint32_t>(*p - '0');
                if (n == 0) n = next_row;
            }
            row.number = n;
            next_row = n + 1;
            next_column = 0;
            in_row = true;
        } else if (name == "c" && in_row) {
            const char* r = attribute(a, "r");
            const char* t = attribute(a, "t");
            std::uint32_t ignored;
            if (!r || !cell_ref(r, &column, &ignored)) column = next_column;
            next_column = column + 1;
            type = t ? t : "n";
            value.clear();
        } else if (name == "v") {
            in_value = true;
        } else if (name == "is") {
            in_inline = true;
        } else if (name == "rPh") {
            ++phonetic;
        } else if (name == "t" && in_inline) {
            in_value = true;
        } else if (name == "mergeCell") {
            const char* ref = attribute(a, "ref");
            if (!ref) return;
            const std::string_view s(ref);
            const auto colon = s.find(':');
            Merge m{};
            if (colon == std::string_view::npos || !cell_ref(s.substr(0, colon), &m.c1, &m.r1) ||
                !cell_ref(s.substr(colon + 1), &m.c2, &m.r2) || m.r2 < m.r1 || m.c2 < m.c1)
                return;
            if (m.r2 > m.r1) {
                if (merges.size() >= limits.rows) too_large(file, "more than " + std::to_string(limits.rows) + " merged ranges", "合并区域超过 " + std::to_string(limits.rows) + " 个");
                merges.push_back(m);
            }
        }
    }
    void end(std::string_view name) override {
        if (name == "v" || (name == "t" && in_inline)) {
            in_value = false;
        } else if (name == "is") {
            in_inline = false;
        } else if (name == "rPh") {
            --phonetic;
        } else if (name == "c" && in_row) {
            std::string text;
            if (type == "s") {
                std::size_t index = 0;
                bool ok = !value.empty() && value.size() < 10;
                for (char ch : value) ok = ok && ch >= '0' && ch <= '9', index = index * 10 + static_cast<std::size_t>(ch - '0');
                if (!ok || index >= shared.size())
                    fail("LIST_FORMAT", file, row.number,
                         table.name + " row " + std::to_string(row.number) + " refers to a shared string the workbook does not have",
                         table.name + "第 " + std::to_string(row.number) + " 行引用了工作簿中不存在的共享字符串");
                text = shared[index];
            } else if (type == "b") {
                text = value == "1" ? "TRUE" : "FALSE";
            } else {
                text = clean_cell(value);
            }
            if (!text.empty()) put_cell(row, column, std::move(text), budget);
        } else if (name == "row" && in_row) {
            in_row = false;
            if (has_text(row)) {
                if (++*total_rows > limits.rows) too_large(file, "more than " + std::to_string(limits.rows) + " rows", "超过 " + std::to_string(limits.rows) + " 行");
                table.rows.push_back(std::move(row));
            }
        }
    }
    void text(std::string_view s) override {
        if (in_value && phonetic == 0) budget.append(value, s);
    }

    // A cell merged over several rows gives its text to each of the rows the sheet has in its range.
    void apply_merges() {
        if (merges.empty()) return;
        std::vector<std::pair<std::uint32_t, std::size_t>> at;  // row number, index: sorted
        at.reserve(table.rows.size());
        for (std::size_t i = 0; i < table.rows.size(); ++i) at.emplace_back(table.rows[i].number, i);
        std::sort(at.begin(), at.end());
        for (const Merge& m : merges) {
            auto it = std::lower_bound(at.begin(), at.end(), std::pair<std::uint32_t, std::size_t>{m.r1, 0});
            if (it == at.end() || it->first != m.r1) continue;
            const Row& top = table.rows[it->second];
            if (m.c1 >= top.cells.size() || top.cells[m.c1].empty()) continue;
            const std::string text = top.cells[m.c1];
            for (++it; it != at.end() && it->first <= m.r2; ++it) {
                Row& target = table.rows[it->second];
                if (m.c1 < target.cells.size() && !target.cells[m.c1].empty()) continue;
                budget.add_merge_fill();
                put_cell(target, m.c1, text, budget);
            }
        }
    }
};

// A relationship's target as a part name: absolute (/xl/...) or relative to base_dir, with . and .. resolved.
std::string resolve(const std::string& base_dir, const std::string& target) {
    if (!target.empty() && target[0] == '/') return target.substr(1);
    return std::filesystem::path(base_dir + target).lexically_normal().generic_string();
}

std::vector<Table> read_xlsx(std::string_view bytes, const std::string& file, const Limits& limits) {
    const Zip zip(bytes, file, limits);
    Budget budget{limits, file};
    if (!zip.has("xl/workbook.xml")) {
        std::string en = "the archive is not an Excel workbook (it has no xl/workbook.xml)", zh = "压缩包不是 Excel 工作簿（缺少 xl/workbook.xml）";
        if (zip.has("word/document.xml")) en += ": it is a Word document (.docx)", zh += "：实为 Word 文档（.docx）";
        fail("LIST_FORMAT", file, 0, en, zh);
    }
    Workbook workbook;
    zip.parse("xl/workbook.xml", workbook);
    Relationships rels;
    if (zip.has("xl/_rels/workbook.xml.rels")) zip.parse("xl/_rels/workbook.xml.rels", rels);
    SharedStrings shared(budget);
    // Where the workbook's relationships say, else where Excel and LibreOffice put it.
    const std::string strings_part = rels.shared_strings.empty() ? "xl/sharedStrings.xml" : resolve("xl/", rels.shared_strings);
    if (zip.has(strings_part)) zip.parse(strings_part, shared);
    std::vector<Table> tables;
    std::size_t total_rows = 0;
    std::size_t index = 0;
    std::unordered_set<std::string> read;  // each part once, however many sheets name it
    for (const auto& [name, id] : workbook.sheets) {
        ++index;
        const auto target = rels.targets.find(id);
        std::string part = target != rels.targets.end() ? resolve("xl/", target->second) : "xl/worksheets/sheet" + std::to_string(index) + ".xml";
        if (!zip.has(part) || !read.insert(part).second) continue;  // a chart sheet, a missing part, one read already
        budget.add_table();
        Sheet sheet(budget, shared.strings, &total_rows);
        sheet.table.name = "sheet \"" + name + "\"";
        zip.parse(part, sheet);
        sheet.apply_merges();
        tables.push_back(std::move(sheet.table));
    }
    return tables;
}

// ---- .docx (ECMA-376 WordprocessingML) ------------------------------------------------------------

struct Document : XmlHandler {
    const std::string& file;
    const Limits& limits;
    Budget& budget;
    std::vector<Table> tables;
    std::size_t total_rows = 0;
    int depth = 0;  // of w:tbl
    Row row, previous;
    std::vector<std::string> previous_grid;  // the last row's cells by grid column, for vMerge
    std::vector<std::string> grid;           // this row's
    std::string cell;
    bool in_cell = false, in_text = false, in_run = false, continues = false;
    std::size_t span = 1, before = 0;
    std::uint32_t row_number = 0;

    explicit Document(Budget& b) : file(b.file), limits(b.limits), budget(b) {}

    void start(std::string_view name, const XML_Char** a) override {
        if (name == "tbl") {
            if (++depth == 1) {
                budget.add_table();
                tables.push_back(Table{"table " + std::to_string(tables.size() + 1), {}});
                row_number = 0;
                previous_grid.clear();
            }
            return;
        }
        if (name == "r") in_run = true;  // tabs and breaks count inside runs (a paragraph's tab stops do not)
        if (depth != 1) {
            if (depth > 1 && name == "t") in_text = true;
            return;
        }
        if (name == "tr") {
            row = Row{};
            row.number = ++row_number;
            grid.clear();
            before = 0;
        } else if (name == "gridBefore") {
            const char* v = attribute(a, "val");
            before = v ? std::min<std::size_t>(std::strtoul(v, nullptr, 10), limits.columns) : 0;
            for (; grid.size() < before;) grid.emplace_back();
        } else if (name == "tc") {
            in_cell = true;
            cell.clear();
            span = 1;
            continues = false;
        } else if (name == "gridSpan" && in_cell) {
            const char* v = attribute(a, "val");
            span = v ? std::clamp<std::size_t>(std::strtoul(v, nullptr, 10), 1, limits.columns) : 1;
        } else if (name == "vMerge" && in_cell) {
            const char* v = attribute(a, "val");
            continues = !v || std::string_view(v) == "continue";
        } else if (name == "t" && in_cell) {
            in_text = true;
        } else if (name == "tab" && in_cell && in_run) {
            cell.push_back(' ');
        } else if ((name == "br" || name == "cr") && in_cell && in_run) {
            cell.push_back('\n');
        }
    }
    void end(std::string_view name) override {
        if (name == "tbl") {
            --depth;
            return;
        }
        if (name == "t") {
            in_text = false;
            return;
        }
        if (name == "r") in_run = false;
        if (depth != 1) {
            if (name == "p" && in_cell) cell.push_back('\n');  // a nested table's paragraphs stay apart
            return;
        }
        if (name == "p" && in_cell) {
            cell.push_back('\n');
        } else if (name == "tc" && in_cell) {
            in_cell = false;
            const std::size_t column = grid.size();
            std::string text = clean_cell(cell);
            if (continues && text.empty() && column < previous_grid.size()) text = previous_grid[column];
            if (column < limits.columns) {
                budget.add_text(text.size());
                grid.push_back(text);
                for (std::size_t k = 1; k < span && grid.size() < limits.columns; ++k) grid.emplace_back();
            }
        } else if (name == "tr") {
            row.cells = grid;
            previous_grid = std::move(grid);
            grid.clear();
            if (has_text(row)) {
                if (++total_rows > limits.rows) too_large(file, "more than " + std::to_string(limits.rows) + " rows", "超过 " + std::to_string(limits.rows) + " 行");
                tables.back().rows.push_back(std::move(row));
            }
        }
    }
    void text(std::string_view s) override {
        if (in_text && in_cell) budget.append(cell, s);
    }
};

std::vector<Table> read_docx(std::string_view bytes, const std::string& file, const Limits& limits) {
    const Zip zip(bytes, file, limits);
    if (!zip.has("word/document.xml")) {
        std::string en = "the archive is not a Word document (it has no word/document.xml)", zh = "压缩包不是 Word 文档（缺少 word/document.xml）";
        if (zip.has("xl/workbook.xml")) en += ": it is an Excel workbook (.xlsx)", zh += "：实为 Excel 工作簿（.xlsx）";
        fail("LIST_FORMAT", file, 0, en, zh);
    }
    Budget budget{limits, file};
    Document doc(budget);
    zip.parse("word/document.xml", doc);
    return std::move(doc.tables);
}

}  // namespace

std::string_view format_name(Format f) noexcept {
    return f == Format::xlsx ? "xlsx" : f == Format::docx ? "docx" : "csv";
}

Format format_of(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (ext == ".csv" || ext == ".txt" || ext == ".tsv") return Format::csv;
    if (ext == ".xlsx" || ext == ".xlsm") return Format::xlsx;
    if (ext == ".docx") return Format::docx;
    if (ext == ".xls" || ext == ".doc" || ext == ".wps" || ext == ".et")
        fail("LIST_FORMAT", file.string(), 0, "firstset reads .xlsx, .docx and .csv lists, not " + ext + ": save the list as .xlsx or .docx",
             "只能读取 .xlsx、.docx 与 .csv 名单，不能读取 " + ext + "：请另存为 .xlsx 或 .docx", Status::argument);
    if (ext == ".pdf")
        fail("LIST_FORMAT", file.string(), 0, "firstset does not read PDF lists: export the table to .xlsx or .csv",
             "不能读取 PDF 名单：请将表格导出为 .xlsx 或 .csv", Status::argument);
    fail("LIST_FORMAT", file.string(), 0, "the file's name does not say its format: name it .csv, .xlsx or .docx",
         "无法从文件名判断格式：文件名应以 .csv、.xlsx 或 .docx 结尾", Status::argument);
}

std::vector<Table> read_tables(std::string_view bytes, Format format, const std::string& file, const Limits& limits) {
    if (bytes.size() > limits.file_bytes) too_large(file, "the file exceeds " + std::to_string(limits.file_bytes >> 20) + " MiB", "文件超过 " + std::to_string(limits.file_bytes >> 20) + " MiB");
    switch (format) {
        case Format::xlsx: return read_xlsx(bytes, file, limits);
        case Format::docx: return read_docx(bytes, file, limits);
        case Format::csv: break;
    }
    std::vector<Table> one;
    one.push_back(read_csv(bytes, file, limits));
    return one;
}

std::vector<Table> read_list_file(const std::filesystem::path& file, const Limits& limits) {
    const Format format = format_of(file);
    const std::string bytes = read_file_or_throw(file, limits.file_bytes, "the list", "名单");
    return read_tables(bytes, format, file.string(), limits);
}

namespace {

// The end of an organisation's name: a line break after one starts another (joint applicants).
// A full organisation's name ends in 公司, 研究院, 研究所, 大学 or 学院, perhaps followed by a part in
// brackets (…有限公司（样例）). 集团, 中心 or 厂 alone may be the first line of a longer name
// (某重工集团\n有限公司), so they do not count.
bool ends_organisation(std::string_view s) {
    auto ends = [&](std::string_view t, std::string_view suffix) {
        return t.size() >= suffix.size() && t.substr(t.size() - suffix.size()) == suffix;
    };
    if (ends(s, "）") || ends(s, ")")) {
        const std::size_t full = s.rfind("（"), ascii = s.rfind('(');
        std::size_t open = std::string_view::npos;
        if (full != std::string_view::npos) open = full;
        if (ascii != std::string_view::npos && (open == std::string_view::npos || ascii > open)) open = ascii;
        if (open == std::string_view::npos) return false;
        s = s.substr(0, open);
    }
    for (std::string_view suffix : {"公司", "研究院", "研究所", "大学", "学院"})
        if (ends(s, suffix)) return true;
    return false;
}

}  // namespace

std::string clean_cell(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    char32_t last = 0;  // the last character written, 0 at the start
    bool pending_space = false, pending_break = false;
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        std::size_t len = utf8::decode(p + i, text.size() - i, &cp);
        if (len == 0) cp = 0xFFFD, len = 1;
        i += len;
        if (is_space(cp) || cp < 0x20 || cp == 0x7F) {
            pending_space = last != 0;
            pending_break = pending_break || (pending_space && (cp == '\n' || cp == '\r'));
            continue;
        }
        // A line that opens with a bracket is a note on the name (（牵头单位）), not another applicant.
        const bool note = cp == U'（' || cp == U'(' || cp == U'【' || cp == U'[';
        if (pending_break && !note && ends_organisation(out) && (is_cjk(cp) || cp > 0x7F || std::isalpha(static_cast<int>(cp))))
            out += "、";  // 甲有限公司\n乙研究院: two applicants
        else if (pending_space && !(is_cjk(last) && is_cjk(cp)))
            out.push_back(' ');
        pending_space = pending_break = false;
        utf8::append(out, cp);
        last = cp;
    }
    return out;
}

}  // namespace firstset::lists
