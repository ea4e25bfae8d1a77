#include "list_import.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "registry/registry.hpp"
#include "util/civil_date.hpp"
#include "util/digest.hpp"
#include "util/json_out.hpp"
#include "util/model_name.hpp"
#include "util/source_document.hpp"
#include "util/uscc.hpp"

namespace firstset::lists {
namespace {

enum Role { seq, company, product, model, uscc_col, certificate, batch_col, role_count };

constexpr std::size_t header_scan_rows = 30;
constexpr std::size_t max_errors = 100, max_warnings = 1000;

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

struct Match {
    Role role = role_count;
    int strength = 0;  // 2: one of the names docs/contract.md section 10 lists; 1: a header containing a key word
};

// The role a header cell names. Order matters: 产品研制单位 is a company, 产品名称及型号 a product,
// 规格型号 a model. Columns about something else that merely share a word (用户单位, 企业所在地,
// 推荐单位, 产品类别, 产品简介) name no role, so they never stand in for the list's own columns.
Match role_of(std::string_view cell) {
    std::string t;
    for (char c : normalise_name(cell))
        if (c != '*') t.push_back(c);  // required-column marks: *企业名称
    if (t.empty()) return {};
    auto any = [&](std::initializer_list<std::string_view> keys) {
        return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return contains(t, k); });
    };
    auto exact = [&](std::initializer_list<std::string_view> keys) {
        return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return t == k; });
    };
    if (any({"信用代码"})) return {uscc_col, 2};
    if (any({"证书编号", "证书号", "认定编号"})) return {certificate, 2};
    if (exact({"序号", "序", "no.", "no", "编号"})) return {seq, 2};
    if (any({"批次"})) return {batch_col, 2};
    if (any({"用户", "使用单位", "采购单位", "推荐", "主管", "所在地", "地区", "区县", "地址", "地市", "省份", "城市", "类别",
             "类型", "领域", "行业", "简介", "介绍", "说明", "描述", "用途", "备注", "联系", "电话", "级别", "依托", "工程名称",
             "项目单位", "金额", "价格", "数量", "日期", "时间", "有效期"}))
        return {};
    // The model: 型号; for materials (首批次) the grade, 牌号 or 规格; for software (首版次) the version.
    if ((any({"型号", "牌号", "规格", "版本"})) && !any({"名称"}))
        return {model, exact({"型号", "规格型号", "产品型号", "装备型号", "牌号", "牌号/规格", "规格", "版本号", "版本"}) ? 2 : 1};
    if (any({"企业", "单位", "制造商", "公司", "厂商", "生产商", "供应商"}))
        return {company, exact({"企业名称", "单位名称", "申报单位", "研制单位", "生产企业", "制造商", "申报企业", "企业", "研制企业",
                                "生产单位", "申报单位名称", "研制单位名称"}) ? 2 : 1};
    if (any({"产品", "装备", "名称", "材料", "软件"}))
        return {product, exact({"产品名称", "装备名称", "产品", "设备名称", "技术装备名称", "材料名称", "软件名称", "产品(装备)名称",
                                "技术装备(项目)名称"}) ? 2 : 1};
    return {};
}

struct Header {
    std::size_t row_index = 0;                 // the (last) header row
    std::optional<std::size_t> group_row;      // the row of group headings above it, if any
    std::array<std::optional<std::size_t>, role_count> column{};
};

// For each role the column whose header matches best (an exact name over a key word), the first
// of equals; whether it names a company and a product column.
bool header_of(const std::vector<std::string>& cells, Header& h) {
    std::array<int, role_count> strength{};
    for (std::size_t c = 0; c < cells.size(); ++c) {
        const Match m = role_of(cells[c]);
        if (m.role != role_count && m.strength > strength[m.role]) {
            h.column[m.role] = c;
            strength[m.role] = m.strength;
        }
    }
    return h.column[company] && h.column[product];
}

// Words a second header row holds under a group heading (申报单位信息 over 名称 | 统一社会信用代码).
bool sub_heading(std::string_view cell) {
    const std::string t = normalise_name(cell);
    return t == "名称" || t == "型号" || t == "规格型号" || t == "代码" || t == "信用代码" || t == "统一社会信用代码" || t == "序号" ||
           t == "牌号" || t == "版本号" || t == "证书编号";
}

// The header: the first row that names a company and a product column, or two rows where a
// second one names the columns under group headings merged across them (申报单位信息 over 名称 |
// 统一社会信用代码, 产品信息 over 名称 | 型号): each column is then read as its group heading and its
// own, 申报单位信息名称. The data starts after the last header row.
std::optional<Header> find_header(const Table& table) {
    for (std::size_t i = 0; i < std::min(table.rows.size(), header_scan_rows); ++i) {
        const auto& top = table.rows[i].cells;
        if (i + 1 < table.rows.size()) {
            const auto& below = table.rows[i + 1].cells;
            const auto subs = std::count_if(below.begin(), below.end(), [](const std::string& c) { return sub_heading(c); });
            const auto headings = std::count_if(top.begin(), top.end(), [](const std::string& c) { return !c.empty(); });
            Header alone;
            if (subs >= 2 && headings >= 2 && !header_of(below, alone)) {  // not a title over a header
                std::vector<std::string> joined(std::max(top.size(), below.size()));
                std::string group;
                for (std::size_t c = 0; c < joined.size(); ++c) {
                    const std::string up = c < top.size() ? top[c] : std::string();
                    const std::string down = c < below.size() ? below[c] : std::string();
                    if (!up.empty()) group = up;
                    const std::string& heading = up.empty() ? group : up;  // a heading merged across columns
                    joined[c] = down.empty() || down == heading ? heading : heading + down;
                }
                Header h;
                h.row_index = i + 1;
                h.group_row = i;
                if (header_of(joined, h)) return h;
            }
        }
        Header h;
        h.row_index = i;
        if (header_of(top, h)) return h;
    }
    return std::nullopt;
}

// A note after a company's name, in brackets: （牵头单位）, （第一完成单位）, （注：原名…）. Names
// that carry brackets of their own (（集团）, （重庆）) keep them.
std::optional<std::size_t> note_at(std::string_view name) {
    const std::string folded = ascii_width(name);
    if (folded.empty() || folded.back() != ')') return std::nullopt;
    const std::size_t open = folded.rfind('(');
    if (open == std::string::npos || open == 0) return std::nullopt;
    const std::string_view inside = std::string_view(folded).substr(open + 1, folded.size() - open - 2);
    bool note = false;
    for (std::string_view k : {"牵头", "完成单位", "注", "原名", "联合", "申报", "主持", "参与", "承担"})
        note = note || inside.find(k) != std::string_view::npos;
    if (!note) return std::nullopt;
    // The same position in the original text: count the characters before the bracket.
    std::size_t chars = 0;
    for (std::size_t k = 0; k < open; ++k) chars += (static_cast<unsigned char>(folded[k]) & 0xC0) != 0x80;
    std::size_t at = 0;
    for (std::size_t seen = 0; at < name.size() && seen < chars; ++at)
        if ((static_cast<unsigned char>(name[at]) & 0xC0) != 0x80) ++seen;
    while (at < name.size() && (static_cast<unsigned char>(name[at]) & 0xC0) == 0x80) ++at;
    return at;
}

// What lists put in a cell that has no value: 无, /, —, N/A.
bool placeholder(std::string_view s) {
    for (std::string_view p : {"/", "\xEF\xBC\x8F", "-", "--", "\xE2\x80\x94", "\xE2\x80\x94\xE2\x80\x94", "\xE2\x80\x93",
                               "\xE6\x97\xA0", "\xE6\x9A\x82\xE6\x97\xA0", "\xE4\xB8\x8D\xE9\x80\x82\xE7\x94\xA8", "N/A", "n/a", "NA", "\\"})
        if (s == p) return true;
    return false;
}

// A total or subtotal row: 合计, 总计, 小计, 共计 in its first filled cell.
bool summary_row(const Row& r) {
    for (const std::string& c : r.cells) {
        if (c.empty()) continue;
        for (std::string_view k : {"\xE5\x90\x88\xE8\xAE\xA1", "\xE6\x80\xBB\xE8\xAE\xA1", "\xE5\xB0\x8F\xE8\xAE\xA1",
                                   "\xE5\x85\xB1\xE8\xAE\xA1"})
            if (c.compare(0, k.size(), k) == 0) return true;
        return false;
    }
    return false;
}

std::string_view cell(const Row& row, const std::optional<std::size_t>& column) {
    if (!column || *column >= row.cells.size()) return {};
    return row.cells[*column];
}

// 序号 as lists write it: 17, 17.0 (a number cell), 17. or 17、 or (17).
std::optional<std::uint32_t> row_number(std::string_view s) {
    if (!s.empty() && (s.front() == '(')) s.remove_prefix(1);
    std::uint64_t n = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 8; ++i) n = n * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (i == 0 || n == 0 || n > 1'000'000) return std::nullopt;
    std::string_view rest = s.substr(i);
    if (rest == ".0" || rest == "." || rest == ")" || rest == "\xE3\x80\x81" /* 、 */ || rest.empty())
        return static_cast<std::uint32_t>(n);
    return std::nullopt;
}

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    auto alnum = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(id[0])) return false;
    return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '/' || c == '-'; });
}

// Characters, as the schema's maxLength counts them.
std::size_t utf8_chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

struct Entry {
    std::uint32_t source_row;  // the row as the user sees it
    std::uint32_t row = 0;     // list.row
    std::string id, company, uscc, product, model, batch, certificate;
};

[[noreturn]] void bad_option(const std::string& en, const std::string& zh) {
    throw StatusError(Status::argument, "LIST_OPTION", en, zh);
}

}  // namespace

ImportFailed::ImportFailed(std::vector<Finding> errors, const std::string& file, std::size_t more)
    : StatusError(Status::parse, errors.empty() ? "LIST_ROW" : errors.front().code,
                  std::to_string(errors.size() + more) + " row(s) of the list cannot be read" +
                      (more ? " (the first " + std::to_string(errors.size()) + " are listed)" : std::string()) + "; nothing was written",
                  "名单中有 " + std::to_string(errors.size() + more) + " 行无法读取" +
                      (more ? "（列出前 " + std::to_string(errors.size()) + " 行）" : std::string()) + "，未写出任何内容",
                  Location{"", file, errors.empty() ? 0 : static_cast<int>(errors.front().row), 0}),
      errors_(std::move(errors)) {}

std::string default_id_prefix(const std::string& document, const std::string& batch) {
    std::string prefix;
    bool in_run = false;
    for (char c : document) {
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            if (!in_run && !prefix.empty()) prefix.push_back('-');
            prefix.push_back(c);
        }
        in_run = alnum;
    }
    if (prefix.size() > 40) prefix.resize(40);
    if (!prefix.empty() && prefix.back() == '-') prefix.pop_back();
    const std::string hash = sha256_hex(document + "\n" + batch).substr(0, 6);
    return prefix.empty() ? "L-" + hash : prefix + "-" + hash;
}

ImportResult import_tables(const std::vector<Table>& tables, const ImportOptions& o, const std::string& file) {
    // Options.
    static const std::string_view issuer_help = "CN, CN-XX (a province: CN-CQ) or CN- and an authority's code (CN-NEA)";
    {
        bool ok = o.issuer.size() >= 2 && o.issuer.compare(0, 2, "CN") == 0;
        if (ok && o.issuer.size() > 2) {
            ok = o.issuer[2] == '-' && o.issuer.size() >= 4 && o.issuer.size() <= 11;
            for (std::size_t i = 3; ok && i < o.issuer.size(); ++i)
                ok = (o.issuer[i] >= 'A' && o.issuer[i] <= 'Z') || (o.issuer[i] >= '0' && o.issuer[i] <= '9');
        }
        if (!ok) bad_option("--issuer \"" + o.issuer + "\" is not " + std::string(issuer_help),
                            "--issuer \"" + o.issuer + "\" 不是认定机关代码：CN、CN-XX（如 CN-CQ）或 CN- 加机关代码（如 CN-NEA）");
    }
    if (o.document.empty()) bad_option("--document needs the list's document number (文号)", "--document 须给出名单的文号");
    if (utf8_chars(o.document) > 200 || utf8_chars(o.batch) > 100)
        bad_option("--document is at most 200 characters and --batch at most 100", "--document 不超过 200 字，--batch 不超过 100 字");
    const auto recognized = Date::parse(o.recognized);
    if (!recognized) bad_option("--recognized \"" + o.recognized + "\" is not a date YYYY-MM-DD", "--recognized \"" + o.recognized + "\" 不是日期（YYYY-MM-DD）");
    if (o.kind != "equipment" && o.kind != "material" && o.kind != "software")
        bad_option("--kind is equipment, material or software", "--kind 应为 equipment（首台套）、material（首批次）或 software（首版次）");
    if (!o.id_prefix.empty() && (!valid_id(o.id_prefix) || o.id_prefix.size() > 48))
        bad_option("--id-prefix \"" + o.id_prefix + "\" must be up to 48 ASCII letters, digits and . _ / -, starting with a letter or digit",
                   "--id-prefix \"" + o.id_prefix + "\" 须为不超过 48 个 ASCII 字母、数字或 . _ / -，以字母或数字开头");
    if (!o.registry_id.empty() && (utf8_chars(o.registry_id) > 128 || o.registry_id.find_first_of("\r\n") != std::string::npos))
        bad_option("--registry-id is one line of at most 128 characters", "--registry-id 须为一行，不超过 128 字");
    if (!o.published.empty() && !unix_seconds_of(o.published))
        bad_option("--published \"" + o.published + "\" is not an RFC 3339 date-time with an offset", "--published \"" + o.published + "\" 不是带时区的 RFC 3339 时间");

    // The table and its header.
    const Table* table = nullptr;
    Header header;
    for (const Table& t : tables)
        if (auto h = find_header(t)) {
            table = &t;
            header = *h;
            break;
        }
    if (!table)
        throw StatusError(Status::parse, "LIST_NO_HEADER",
                          "no table in the list has a header row naming the company (企业名称, 单位名称, 申报单位, 研制单位, 生产企业 or 制造商) "
                          "and the product (产品名称, 装备名称 or 产品) in its first " + std::to_string(header_scan_rows) + " rows",
                          "名单中没有表格在前 " + std::to_string(header_scan_rows) +
                              " 行内有同时写明企业（企业名称、单位名称、申报单位、研制单位、生产企业或制造商）与产品（产品名称、装备名称或产品）的表头",
                          Location{"", file, 0, 0});

    ImportResult result;
    result.table = table->name;
    result.header_row = table->rows[header.row_index].number;
    std::vector<Finding> errors;
    std::size_t more_errors = 0, more_warnings = 0;
    auto error = [&](const char* code, std::uint32_t row, std::string en, std::string zh) {
        if (errors.size() < max_errors) errors.push_back({code, table->name, row, std::move(en), std::move(zh)});
        else ++more_errors;
    };
    // "sheet "名单" row 12", with the list's own 序号 when the row has one: "row 12 (序号 10)".
    std::unordered_map<std::uint32_t, std::string> serials;
    auto where = [&](std::uint32_t row, bool zh) {
        const auto serial = serials.find(row);
        const bool has = serial != serials.end() && !serial->second.empty();
        const std::string place = table->name.empty() ? "" : table->name + " ";
        if (zh) return place + "第 " + std::to_string(row) + " 行" + (has ? "（序号 " + serial->second + "）" : "");
        return place + "row " + std::to_string(row) + (has ? " (序号 " + serial->second + ")" : "");
    };
    auto warn = [&](const char* code, std::uint32_t row, std::string en, std::string zh) {
        if (result.warnings.size() < max_warnings) result.warnings.push_back({code, table->name, row, std::move(en), std::move(zh)});
        else ++more_warnings;
    };

    const Row& header_row = table->rows[header.row_index];
    std::vector<Entry> entries;
    entries.reserve(table->rows.size());
    for (std::size_t i = header.row_index + 1; i < table->rows.size(); ++i) {
        const Row& r = table->rows[i];
        Entry e;
        e.source_row = r.number;
        e.company = std::string(cell(r, header.column[company]));
        e.product = std::string(cell(r, header.column[product]));
        e.model = ascii_width(cell(r, header.column[model]));
        if (placeholder(e.model)) e.model.clear();
        // 型 after a model is the word "model", not part of it: GMX-500型 is GMX-500.
        if (e.model.size() > 3 && e.model.compare(e.model.size() - 3, 3, "\xE5\x9E\x8B") == 0) {
            e.model.resize(e.model.size() - 3);
            while (!e.model.empty() && e.model.back() == ' ') e.model.pop_back();
        }
        e.uscc = ascii_width(cell(r, header.column[uscc_col]));
        if (placeholder(e.uscc)) e.uscc.clear();
        e.certificate = std::string(cell(r, header.column[certificate]));
        if (placeholder(e.certificate)) e.certificate.clear();
        e.batch = std::string(cell(r, header.column[batch_col]));
        if (e.company.empty() && e.product.empty() && e.model.empty() && e.uscc.empty()) continue;  // heading, note, blank
        if (summary_row(r)) continue;  // 合计 row
        if (e.company == cell(header_row, header.column[company]) && e.product == cell(header_row, header.column[product]))
            continue;  // the header again, on a new page
        if (header.group_row && r.cells == table->rows[*header.group_row].cells) continue;  // its group headings again
        const std::string seq_text = ascii_width(cell(r, header.column[seq]));
        if (auto n = row_number(seq_text)) e.row = *n;
        if (!seq_text.empty()) serials.emplace(r.number, seq_text);
        if (const auto at = note_at(e.company)) {
            const std::string note = e.company.substr(*at);
            e.company.resize(*at);
            while (!e.company.empty() && e.company.back() == ' ') e.company.pop_back();
            warn("LIST_HOLDER_NOTE", r.number,
                 where(r.number, false) + ": the note " + note + " after the company's name is left out: holder \"" + e.company + "\"",
                 where(r.number, true) + "：企业名称后的说明" + note + "未计入持有人名称：\"" + e.company + "\"");
        }
        bool ok = true;
        if (e.company.empty()) {
            error("LIST_EMPTY_COMPANY", r.number, where(r.number, false) + ": the company's name is empty",
                  where(r.number, true) + "：企业名称为空");
            ok = false;
        }
        if (e.product.empty()) {
            error("LIST_EMPTY_PRODUCT", r.number, where(r.number, false) + ": the product's name is empty",
                  where(r.number, true) + "：产品名称为空");
            ok = false;
        }
        for (auto [text, max, en, zh] : {std::tuple{&e.company, 200u, "company name", "企业名称"}, std::tuple{&e.product, 200u, "product name", "产品名称"},
                                         std::tuple{&e.model, 128u, "model", "型号"}, std::tuple{&e.batch, 100u, "batch", "批次"},
                                         std::tuple{&e.certificate, 100u, "certificate number", "证书编号"}}) {
            if (const std::size_t chars = utf8_chars(*text); chars > max) {
                const std::string n = std::to_string(chars);
                error("LIST_TOO_LONG", r.number, where(r.number, false) + ": the " + en + " has " + n + " characters, more than " + std::to_string(max),
                      where(r.number, true) + "：" + zh + "有 " + n + " 字，超过 " + std::to_string(max) + " 字");
                ok = false;
            }
        }
        if (!e.uscc.empty()) {
            std::string code;
            for (char c : e.uscc)
                if (c != ' ' && c != '-') code.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
            if (!uscc::well_formed(code)) {
                // Excel keeps an all-digit code as a number and loses its last digits (9.15E+17).
                const bool number = code.find_first_not_of("0123456789.E+") == std::string::npos;
                error("LIST_BAD_USCC", r.number,
                      where(r.number, false) + ": \"" + e.uscc + "\" is not a unified social credit code (18 characters of 0-9A-HJ-NPQRTUWXY)" +
                          (number ? "; the spreadsheet holds it as a number, which cannot keep 18 digits: format the column as text and enter the codes again" : ""),
                      where(r.number, true) + "：\"" + e.uscc + "\" 不是统一社会信用代码（18 位，字符取自 0-9A-HJ-NPQRTUWXY）" +
                          (number ? "；表格把它存成了数字，无法保留 18 位：请将该列设为文本格式后重新录入" : ""));
                ok = false;
            } else if (!uscc::checksum_ok(code)) {
                warn("USCC_CHECKSUM", r.number,
                     where(r.number, false) + ": the unified social credit code " + code + " has a wrong check character; kept as listed (bids are compared with it and warned)",
                     where(r.number, true) + "：统一社会信用代码 " + code + " 校验位不符，按名单原样保留（投标比对时给出警告）");
            }
            e.uscc = code;
        }
        if (ok && e.company.find("\xE3\x80\x81") != std::string::npos)  // 、: several applicants
            warn("LIST_JOINT_HOLDERS", r.number,
                 where(r.number, false) + ": \"" + e.company + "\" names several companies; a bid's manufacturer is compared with the whole name",
                 where(r.number, true) + "：\"" + e.company + "\" 含多家单位；投标产品的制造商按整个名称比对");
        if (ok) entries.push_back(std::move(e));
    }
    if (!errors.empty()) throw ImportFailed(std::move(errors), file, more_errors);
    if (entries.empty())
        throw StatusError(Status::parse, "LIST_EMPTY",
                          "the list's table (" + (table->name.empty() ? std::string("CSV") : table->name) + ", header at row " + std::to_string(result.header_row) + ") has no entries",
                          "名单表格（表头在第 " + std::to_string(result.header_row) + " 行）下没有条目", Location{"", file, static_cast<int>(result.header_row), 0});

    // Repeated entries: the same company, product and model again.
    {
        std::unordered_map<std::string, std::uint32_t> seen;
        std::vector<Entry> kept;
        kept.reserve(entries.size());
        for (Entry& e : entries) {
            const std::string key = normalise_name(e.company) + '\n' + normalise_name(e.product) + '\n' + normalise_model(e.model);
            auto [it, fresh] = seen.emplace(key, e.source_row);
            if (!fresh) {
                warn("LIST_DUPLICATE_ROW", e.source_row,
                     where(e.source_row, false) + " repeats " + where(it->second, false) + " (same company, product and model): left out",
                     where(e.source_row, true) + "与" + where(it->second, true) + "重复（企业、产品与型号相同）：已略去");
                continue;
            }
            kept.push_back(std::move(e));
        }
        entries = std::move(kept);
    }

    // Rows: the list's own 序号 when every entry has a distinct one, else positions.
    {
        bool use_seq = header.column[seq].has_value();
        std::unordered_map<std::uint32_t, std::uint32_t> seen;
        std::uint32_t bad_row = 0;
        for (const Entry& e : entries) {
            if (!use_seq) break;
            if (e.row == 0 || !seen.emplace(e.row, e.source_row).second) {
                use_seq = false;
                bad_row = e.source_row;
            }
        }
        if (header.column[seq] && !use_seq)
            warn("LIST_ROW_NUMBERS", bad_row,
                 "the 序号 column is not a distinct number on every entry (first at " + where(bad_row, false) +
                     "): entries are numbered by their position instead",
                 "序号列并非每个条目都是不重复的数字（首见于" + where(bad_row, true) + "）：改按条目位置编号");
        std::uint32_t position = 0;
        for (Entry& e : entries) {
            ++position;
            if (!use_seq) e.row = position;
        }
    }

    // Ids.
    {
        std::unordered_map<std::string, std::string> prefixes;  // batch -> prefix
        std::unordered_map<std::string, std::uint32_t> ids;
        for (Entry& e : entries) {
            const std::string& batch = e.batch.empty() ? o.batch : e.batch;
            if (!e.certificate.empty() && valid_id(e.certificate)) {
                e.id = e.certificate;
            } else {
                if (!e.certificate.empty())
                    warn("LIST_CERTIFICATE_NUMBER", e.source_row,
                         where(e.source_row, false) + ": the certificate number \"" + e.certificate +
                             "\" is not an id (ASCII letters, digits and . _ / -, up to 64): the entry gets a made id and keeps the number as list.certificate",
                         where(e.source_row, true) + "：证书编号 \"" + e.certificate + "\" 不能作为编号（限 64 个 ASCII 字母、数字与 . _ / -），改用生成的编号，原编号记入 list.certificate");
                auto p = prefixes.find(batch);
                if (p == prefixes.end())
                    p = prefixes.emplace(batch, o.id_prefix.empty() ? default_id_prefix(o.document, batch) : o.id_prefix + (batch == o.batch ? "" : "-" + default_id_prefix("", batch).substr(2))).first;
                std::string number = std::to_string(e.row);
                if (number.size() < 3) number.insert(0, 3 - number.size(), '0');
                e.id = p->second + "-" + number;
            }
            auto [it, fresh] = ids.emplace(e.id, e.source_row);
            if (!fresh)
                error("LIST_DUPLICATE_ID", e.source_row,
                      where(e.source_row, false) + " has the id " + e.id + " of " + where(it->second, false),
                      where(e.source_row, true) + "的编号 " + e.id + " 与" + where(it->second, true) + "相同");
        }
        if (!errors.empty()) throw ImportFailed(std::move(errors), file, more_errors);
    }

    if (more_warnings)
        result.warnings.push_back({"LIST_MORE_WARNINGS", table->name, 0,
                                   std::to_string(more_warnings) + " more warnings are not listed",
                                   "另有 " + std::to_string(more_warnings) + " 条警告未列出"});

    // The document: registry header, then one certificate per line.
    const std::string prefix = o.id_prefix.empty() ? default_id_prefix(o.document, o.batch) : o.id_prefix;
    TextBuffer out(entries.size() * 320 + 1024);
    {
        JsonOut w(out);
        w.begin_object();
        w.begin_object("registry");
        w.field("id", o.registry_id.empty() ? o.issuer + "-" + prefix : o.registry_id);
        w.field("version", o.recognized);
        if (!o.published.empty()) w.field("published", o.published);
        w.field("publisher", o.issuer);
        // Nothing of the file itself: the same list as .csv, .xlsx or .docx gives the same document.
        w.field("note", "imported by firstset-registry from the list " + o.document + (o.batch.empty() ? "" : ", " + o.batch));
        w.end_object();
        w.begin_array("certificates");
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        out.append(i == 0 ? "\n" : ",\n");
        JsonOut w(out);
        w.begin_object();
        w.field("id", e.id).field("issuer", o.issuer);
        if (o.kind != "equipment") w.field("kind", o.kind);
        w.field("product", e.product);
        const std::string model_text = e.model.empty() ? model_in_name(e.product) : e.model;
        if (!model_text.empty()) w.field("model", model_text);
        w.begin_object("holder");
        w.field("name", e.company);
        if (!e.uscc.empty()) w.field("uscc", e.uscc);
        w.end_object();
        w.field("recognized_on", o.recognized);
        w.begin_object("list");
        w.field("document", o.document);
        const std::string& batch = e.batch.empty() ? o.batch : e.batch;
        if (!batch.empty()) w.field("batch", batch);
        w.field("row", static_cast<std::uint64_t>(e.row));
        if (!e.certificate.empty() && e.certificate != e.id) w.field("certificate", e.certificate);
        w.end_object();
        w.end_object();
    }
    out.append("\n]}\n");
    result.json.assign(out.view());
    result.entries = entries.size();

    // What it wrote must load as the plugin loads it: schema, ids, dates (a fault here is
    // firstset's, not the list's; the whole-document reader then says where).
    if (!Registry::from_json_entries(result.json, file + " (imported)")) {
        SourceDocument doc = SourceDocument::parse(result.json, file + " (imported)", SourceDocument::Format::json);
        (void)Registry::from_document(doc);
    }
    return result;
}

}  // namespace firstset::lists
