// The usage report's core: reading, verifying, joining and counting (report.hpp).
#include "report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "util/rapidjson_stack.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ledger/format.hpp"
#include "util/civil_date.hpp"

namespace tool::report {

namespace fs = std::filesystem;
// A record's document, its parse stack on firstset's fixed stack (util/rapidjson_stack.hpp).
using RecordDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, firstset::json::ParseStackAllocator>;

void Counters::add_amount(std::int64_t fen) {
    if (__builtin_add_overflow(amount_fen, fen, &amount_fen)) overflow = true;
}

std::optional<std::int32_t> parse_date(const std::string& text) {
    const auto d = firstset::Date::parse(text);
    if (!d) return std::nullopt;
    return d->days();
}

std::string money(std::int64_t fen) {
    const bool negative = fen < 0;
    const std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
    std::string cents = std::to_string(v % 100);
    if (cents.size() < 2) cents.insert(0, "0");
    return (negative ? "-" : "") + std::to_string(v / 100) + "." + cents;
}

__extension__ typedef unsigned __int128 u128;  // GCC and clang: exact products of 64-bit amounts

std::string share(std::int64_t part, std::int64_t whole) {
    if (whole <= 0 || part < 0) return "";
    // basis points of a percent: part × 10000 / whole, rounded half up, in 128 bits.
    const u128 num = static_cast<u128>(part) * 10000u * 2u + static_cast<u128>(whole);
    const u128 den = static_cast<u128>(whole) * 2u;
    const auto bp = static_cast<std::uint64_t>(num / den);
    std::string hundredths = std::to_string(bp % 100);
    if (hundredths.size() < 2) hundredths.insert(0, "0");
    return std::to_string(bp / 100) + "." + hundredths;
}

std::string by_label_zh(By by) { return by == By::purchaser ? "采购人" : by == By::project ? "项目" : "产品（证书）"; }
std::string by_label_en(By by) { return by == By::purchaser ? "Purchaser" : by == By::project ? "Project" : "Product (certificate)"; }
std::string unknown_group_zh(By by) {
    return by == By::purchaser ? "未知采购人" : by == By::project ? "未列明项目" : "未采信证书";
}
std::string unknown_group_en(By by) {
    return by == By::purchaser ? "Unknown purchaser" : by == By::project ? "No project given" : "No certificate accepted";
}

std::vector<std::string> expand_input(const std::string& argument) {
    std::error_code ec;
    const fs::path p(argument);
    if (fs::is_directory(p, ec)) {
        std::vector<std::string> files;
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.is_regular_file(ec) && e.path().extension() == ".jsonl") files.push_back(e.path().string());
        if (ec)
            throw InputError({"REPORT_UNREADABLE", "无法读取目录 " + argument + "：" + ec.message(),
                              "cannot read the directory " + argument + ": " + ec.message()});
        if (files.empty())
            throw InputError({"REPORT_NO_LEDGER_IN_DIRECTORY", "目录 " + argument + " 中没有账本文件（*.jsonl）",
                              "the directory " + argument + " holds no ledger file (*.jsonl)"});
        std::sort(files.begin(), files.end());
        return files;
    }
    const int fd = ::open(argument.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || !fs::is_regular_file(p, ec)) {
        const std::string why = fd < 0 ? std::strerror(errno) : "not a regular file";
        if (fd >= 0) ::close(fd);
        throw InputError({"REPORT_UNREADABLE", "无法读取账本 " + argument + "（" + why + "）",
                          "cannot read the ledger " + argument + " (" + why + ")"});
    }
    ::close(fd);
    return {argument};
}

namespace {

using Id = std::array<unsigned char, 32>;

struct IdHash {
    std::size_t operator()(const Id& id) const noexcept {
        std::size_t h;
        std::memcpy(&h, id.data(), sizeof h);
        return h;
    }
};

bool decode_id(std::string_view hex, Id& id) {
    if (hex.size() != 64) return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < 32; ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        id[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    return true;
}

std::string encode_id(const Id& id) {
    static const char digits[] = "0123456789abcdef";
    std::string s(64, '0');
    for (std::size_t i = 0; i < 32; ++i) {
        s[2 * i] = digits[id[i] >> 4];
        s[2 * i + 1] = digits[id[i] & 15];
    }
    return s;
}

enum class Kind : std::uint8_t { genesis, evaluation, award, failure, decision, case_stage, other };

constexpr std::uint32_t none = UINT32_MAX;
constexpr std::int32_t no_day = INT32_MIN;

// One record as read: what the counting needs, in about 64 bytes for an evaluation.
struct Rec {
    std::uint64_t seq = 0;
    Id prev{};
    std::int32_t day = no_day;         // China date of its time
    Kind kind = Kind::other;
    bool duplicate = false;
    std::uint32_t deemed = 0;          // evaluation: criteria deemed met
    std::uint32_t tender = none;       // evaluation: its tender (an index into the tender names)
    std::uint32_t detail = none;       // the others: an index into the details
};

struct Certificate {
    std::string id, product, holder;
};

// What the few records other than evaluations say.
struct Detail {
    // award
    std::string tender, tender_title, award_date, purchaser, uscc, project_id, project_name, amount;
    std::optional<bool> key_project;
    std::int64_t fen = -1;  // -1: no amount (or not a valid one)
    std::vector<Certificate> accepted;
    // failure_report, tolerance_decision, case_stage
    std::string award, failure, case_id;
    int severity = 3;   // index into severities
    int proposed = -1;  // index into proposals
    int final = -1;     // index into finals (pending when null)
    int stage = -1;     // index into stage_names
};

struct Chunk {
    std::size_t input = 0;
    std::uint64_t begin = 0, end = 0;
    std::vector<Rec> recs;
    std::vector<Detail> details;
    std::vector<std::string> tenders;
    std::unordered_map<std::string, std::uint32_t> tender_index;
    std::vector<Problem> problems;
    std::string genesis_ledger;
    std::uint64_t bad_lines = 0, other_kinds = 0;
    std::string error;
};

std::string_view sv(const rapidjson::Value& v) {
    return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}
const rapidjson::Value* member(const rapidjson::Value& o, const char* name) {
    if (!o.IsObject()) return nullptr;
    const auto it = o.FindMember(name);
    return it == o.MemberEnd() ? nullptr : &it->value;
}
std::string str(const rapidjson::Value& o, const char* name) {
    const auto* v = member(o, name);
    return v ? std::string(sv(*v)) : std::string();
}
template <std::size_t N>
int index_of(std::string_view s, const std::array<const char*, N>& names) {
    for (std::size_t i = 0; i < N; ++i)
        if (s == names[i]) return static_cast<int>(i);
    return -1;
}

// "2200000.00" (the schema's money pattern) in fen; nullopt when it is not one.
std::optional<std::int64_t> parse_money(std::string_view s) {
    const auto dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 13 || s.size() != dot + 3) return std::nullopt;
    if (dot > 1 && s[0] == '0') return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == dot) continue;
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

void problem(Chunk& c, const std::string& input, std::uint64_t seq, Message m) {
    for (auto& p : c.problems)
        if (p.message.code == m.code) {
            ++p.count;
            return;
        }
    c.problems.push_back({std::move(m), input, seq, 1});
}

void read_line(Chunk& c, const std::string& path, std::string_view line, rapidjson::MemoryPoolAllocator<>& pool) {
    const auto f = firstset::ledger::read_fields(line);
    if (!f) {
        ++c.bad_lines;
        problem(c, path, 0,
                {"REPORT_BAD_LINE", "有一行不是账本记录行，已跳过（firstset-ledger verify 可指出位置）",
                 "a line is not a ledger record line and was skipped (firstset-ledger verify finds it)"});
        return;
    }
    Rec r;
    r.seq = f->seq;
    decode_id(f->prev, r.prev);
    if (const auto d = firstset::china_date_of(f->time)) r.day = d->days();
    const std::string_view k = f->kind;
    r.kind = k == "evaluation" ? Kind::evaluation
             : k == "award" ? Kind::award
             : k == "failure_report" ? Kind::failure
             : k == "tolerance_decision" ? Kind::decision
             : k == "case_stage" ? Kind::case_stage
             : k == "genesis" ? Kind::genesis
                              : Kind::other;
    if (r.kind == Kind::other) {
        ++c.other_kinds;
        c.recs.push_back(r);
        return;
    }
    // Evaluations are nearly every record of a ledger and the report needs two things of each:
    // the tender and how many criteria were deemed met. firstset writes their bodies compactly,
    // starting {"tender":"<id>", so both are found by scanning the text, without building a
    // document: "outcome":"deemed_met" can only be a member and its value (inside a string its
    // quotes would be escaped). An evaluation written otherwise (an escape in its tender id, say)
    // goes through the parser below.
    if (r.kind == Kind::evaluation && r.day != no_day) {
        static constexpr std::string_view head = "{\"tender\":\"", deemed = "\"outcome\":\"deemed_met\"";
        const std::string_view body = f->body;
        const std::size_t close = body.rfind('}');
        if (body.substr(0, head.size()) == head && close == body.size() - 1) {
            const std::size_t end = body.find('"', head.size());
            const std::string_view tender = body.substr(head.size(), end - head.size());
            if (end != std::string_view::npos && tender.find('\\') == std::string_view::npos) {
                auto it = c.tender_index.find(std::string(tender));
                if (it == c.tender_index.end()) {
                    it = c.tender_index.emplace(std::string(tender), static_cast<std::uint32_t>(c.tenders.size())).first;
                    c.tenders.emplace_back(tender);
                }
                r.tender = it->second;
                for (std::size_t at = body.find(deemed, end); at != std::string_view::npos; at = body.find(deemed, at + deemed.size()))
                    ++r.deemed;
                c.recs.push_back(r);
                return;
            }
        }
    }
    RecordDocument doc(&pool);
    doc.Parse(f->body.data(), f->body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        ++c.bad_lines;
        problem(c, path, r.seq,
                {"REPORT_BAD_LINE", "第 " + std::to_string(r.seq) + " 条记录的内容无法读取，已跳过",
                 "the body of record " + std::to_string(r.seq) + " cannot be read and was skipped"});
        return;
    }
    if (r.day == no_day)
        problem(c, path, r.seq,
                {"REPORT_BAD_TIME", "第 " + std::to_string(r.seq) + " 条记录的时间无法读取，不计入任何期间",
                 "the time of record " + std::to_string(r.seq) + " cannot be read; it counts in no period"});
    switch (r.kind) {
        case Kind::evaluation: {
            const std::string tender = str(doc, "tender");
            auto [it, added] = c.tender_index.try_emplace(tender, static_cast<std::uint32_t>(c.tenders.size()));
            if (added) c.tenders.push_back(tender);
            r.tender = it->second;
            if (const auto* criteria = member(doc, "criteria"); criteria && criteria->IsArray())
                for (const auto& cr : criteria->GetArray())
                    if (const auto* o = member(cr, "outcome"); o && sv(*o) == "deemed_met") ++r.deemed;
            break;
        }
        case Kind::genesis:
            if (r.seq == 1) c.genesis_ledger = str(doc, "ledger");
            break;
        default: {
            Detail d;
            if (r.kind == Kind::award) {
                if (const auto* t = member(doc, "tender")) {
                    d.tender = str(*t, "id");
                    d.tender_title = str(*t, "title");
                }
                d.award_date = str(doc, "award_date");
                if (const auto* p = member(doc, "purchaser")) {
                    d.purchaser = str(*p, "name");
                    d.uscc = str(*p, "uscc");
                }
                if (const auto* p = member(doc, "project"); p && p->IsObject()) {
                    d.project_id = str(*p, "id");
                    d.project_name = str(*p, "name");
                    if (const auto* key = member(*p, "key"); key && key->IsBool()) d.key_project = key->GetBool();
                }
                if (const auto* a = member(doc, "amount")) {
                    const auto fen = a->IsString() ? parse_money(sv(*a)) : std::nullopt;
                    if (fen) {
                        d.fen = *fen;
                        d.amount = std::string(sv(*a));
                    } else {
                        problem(c, path, r.seq,
                                {"REPORT_BAD_AMOUNT",
                                 "第 " + std::to_string(r.seq) + " 条授标记录的金额不是两位小数的字符串，按未填金额计",
                                 "the amount of award record " + std::to_string(r.seq) +
                                     " is not a string with two decimal places; counted as not given"});
                    }
                }
                if (const auto* as = member(doc, "assessment"))
                    if (const auto* certs = member(*as, "certificates"); certs && certs->IsArray())
                        for (const auto& cert : certs->GetArray()) {
                            const auto* acc = member(cert, "accepted");
                            if (!acc || !acc->IsBool() || !acc->GetBool()) continue;
                            std::string product = str(cert, "product");
                            const std::string model = str(cert, "model");
                            if (!model.empty()) product += (product.empty() ? "" : " ") + model;
                            std::string holder;
                            if (const auto* h = member(cert, "holder")) holder = str(*h, "name");
                            d.accepted.push_back({str(cert, "id"), product, holder});
                        }
            } else {
                d.award = str(doc, "award");
                d.failure = str(doc, "failure");
                if (r.kind == Kind::failure) {
                    const auto* sev = member(doc, "severity");
                    const int s = sev ? index_of(sv(*sev), severities) : -1;
                    d.severity = s < 0 || s > 2 ? 3 : s;
                } else {
                    if (const auto* p = member(doc, "proposed")) d.proposed = index_of(sv(*p), proposals);
                    if (const auto* fin = member(doc, "final"))
                        d.final = fin->IsNull() ? 2 : fin->IsString() ? index_of(sv(*fin), finals) : -1;
                    else if (r.kind == Kind::decision)
                        d.final = 2;  // a proposal awaiting its final decision
                    if (r.kind == Kind::case_stage) {
                        d.case_id = str(doc, "case");
                        if (const auto* s = member(doc, "stage")) d.stage = index_of(sv(*s), stage_names);
                    }
                }
            }
            r.detail = static_cast<std::uint32_t>(c.details.size());
            c.details.push_back(std::move(d));
        }
    }
    c.recs.push_back(r);
}

// Reads the lines that start in [begin, end) of a ledger file, in blocks of 8 MiB.
void read_chunk(Chunk& c, const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        c.error = std::strerror(errno);
        return;
    }
    constexpr std::size_t block = std::size_t{8} << 20;
    std::string buf;
    std::uint64_t off = c.begin ? c.begin - 1 : 0;  // the byte before: is a line starting at begin?
    std::uint64_t buf_start = off;
    bool skipping = c.begin > 0, done = false, eof = false;
    rapidjson::MemoryPoolAllocator<> pool(64 << 10);
    while (!done && !eof) {
        const std::size_t have = buf.size();
        buf.resize(have + block);
        const ssize_t n = ::pread(fd, buf.data() + have, block, static_cast<off_t>(off));
        if (n < 0) {
            if (errno == EINTR) {
                buf.resize(have);
                continue;
            }
            c.error = std::strerror(errno);
            break;
        }
        buf.resize(have + static_cast<std::size_t>(n));
        off += static_cast<std::uint64_t>(n);
        eof = n == 0;
        std::size_t consumed = 0;
        for (;;) {
            const std::size_t nl = buf.find('\n', consumed);
            if (nl == std::string::npos) break;
            if (skipping) {
                skipping = false;
                consumed = nl + 1;
                continue;
            }
            if (buf_start + consumed >= c.end) {
                done = true;
                break;
            }
            read_line(c, path, std::string_view(buf).substr(consumed, nl - consumed), pool);
            pool.Clear();
            consumed = nl + 1;
        }
        buf.erase(0, consumed);
        buf_start += consumed;
    }
    ::close(fd);
}

struct Verdict {
    bool ok = false, readable = false;
    std::uint64_t records = 0, head_seq = 0;
    std::string head_id;
    std::optional<Message> problem;
};

Verdict verify_one(const Verifier& verify, const std::string& path) {
    Verdict v;
    try {
        const auto doc = nlohmann::json::parse(verify(nlohmann::json{{"ledger", path}}.dump()));
        v.readable = true;
        v.ok = doc.value("ok", false);
        v.records = doc.value("records", std::uint64_t{0});
        if (doc.contains("head") && doc["head"].is_object()) {
            v.head_seq = doc["head"].value("seq", std::uint64_t{0});
            v.head_id = doc["head"].value("id", "");
        }
        if (!v.ok) {
            Message m{"LEDGER_DAMAGED", "账本未通过校验", "the ledger does not verify"};
            if (doc.contains("problems") && doc["problems"].is_array() && !doc["problems"].empty()) {
                const auto& p = doc["problems"][0];
                m = {p.value("code", "LEDGER_DAMAGED"), p.value("message_zh", m.zh), p.value("message_en", m.en)};
            }
            v.problem = m;
        }
    } catch (const std::exception& e) {
        std::string what = e.what();
        // firstset::Error carries the error document: its message.
        auto doc = nlohmann::json::parse(what, nullptr, false);
        if (doc.is_object() && doc.contains("error")) doc = doc["error"];
        if (doc.is_object())
            v.problem = Message{doc.value("code", "REPORT_UNREADABLE"), doc.value("message_zh", what), doc.value("message", what)};
        else
            v.problem = Message{"REPORT_UNREADABLE", "无法读取账本：" + what, "cannot read the ledger: " + what};
    }
    return v;
}

// ---- periods ---------------------------------------------------------------------------------

struct Periods {
    Period kind;
    std::int32_t from, to;
    int base = 0;
    static int key(Period kind, std::int32_t day) {
        const auto ymd = firstset::Date::from_days(day).ymd();
        switch (kind) {
            case Period::month: return ymd.year * 12 + static_cast<int>(ymd.month) - 1;
            case Period::quarter: return ymd.year * 4 + static_cast<int>(ymd.month - 1) / 3;
            case Period::year: return ymd.year;
        }
        return 0;
    }
    Periods(Period k, std::int32_t f, std::int32_t t) : kind(k), from(f), to(t), base(key(k, f)) {}
    std::size_t index(std::int32_t day) const { return static_cast<std::size_t>(key(kind, day) - base); }
    std::size_t count() const { return index(to) + 1; }
    std::string label(int key) const {
        char buf[16];
        switch (kind) {
            case Period::month: std::snprintf(buf, sizeof buf, "%04d-%02d", key / 12, key % 12 + 1); break;
            case Period::quarter: std::snprintf(buf, sizeof buf, "%04d-Q%d", key / 4, key % 4 + 1); break;
            case Period::year: std::snprintf(buf, sizeof buf, "%04d", key); break;
        }
        return buf;
    }
};

// ---- counting ----------------------------------------------------------------------------------

struct Counting {
    const Options& o;
    Report& r;
    const Periods& periods;
    std::map<std::string, std::size_t> index;  // group key → groups[]

    std::size_t group(const std::string& key, const std::string& name, const std::string& detail, std::optional<bool> key_project) {
        auto [it, added] = index.try_emplace(key, r.groups.size());
        if (added) {
            Group g;
            g.key = key;
            g.name = key.empty() ? unknown_group_zh(o.by) + " " + unknown_group_en(o.by) : name;
            g.detail = detail;
            g.key_project = key_project;
            g.periods.resize(periods.count());
            r.groups.push_back(std::move(g));
        } else if (r.groups[it->second].name.empty() && !name.empty()) {
            r.groups[it->second].name = name;
        }
        return it->second;
    }
    std::size_t unknown() { return group("", "", "", std::nullopt); }

    // The groups an award counts in.
    std::vector<std::size_t> groups_of(const Detail& d) {
        switch (o.by) {
            case By::purchaser: return {d.uscc.empty() ? unknown() : group(d.uscc, d.purchaser, "", std::nullopt)};
            case By::project:
                return {d.project_id.empty() ? unknown()
                                             : group(d.project_id, d.project_name,
                                                     d.key_project.value_or(false) ? "重点项目 key project" : "", d.key_project)};
            case By::product: {
                std::vector<std::size_t> out;
                for (const auto& c : d.accepted) {
                    const std::size_t g = group(c.id, c.product, c.holder, std::nullopt);
                    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
                }
                if (out.empty()) out.push_back(unknown());
                return out;
            }
        }
        return {unknown()};
    }
};

template <typename F>
void each(Counters& a, Counters& b, F&& f) {
    f(a);
    f(b);
}

}  // namespace

Report build(const Options& o, const Verifier& verify) {
    Report r;
    r.options = o;
    const auto from = parse_date(o.from), to = parse_date(o.to);
    if (!from || !to || *from > *to)
        throw InputError({"REPORT_BAD_DATE", "期间无效", "the period is not valid"});
    const Periods periods(o.period, *from, *to);
    for (std::size_t i = 0; i < periods.count(); ++i) {
        r.periods.push_back(periods.label(periods.base + static_cast<int>(i)));
        r.period_from.push_back("");
        r.period_to.push_back("");
    }
    for (std::int32_t d = *from; d <= *to; ++d) {
        const std::size_t i = periods.index(d);
        if (r.period_from[i].empty()) r.period_from[i] = firstset::Date::from_days(d).to_string();
        if (d == *to || periods.index(d + 1) != i) r.period_to[i] = firstset::Date::from_days(d).to_string();
    }
    r.period_totals.resize(periods.count());

    std::vector<std::string> files;
    for (const auto& a : o.inputs)
        for (auto& f : expand_input(a)) files.push_back(std::move(f));

    // Tasks: verify each ledger, and read it in chunks of 32 MiB; on every core.
    constexpr std::uint64_t chunk_bytes = std::uint64_t{32} << 20;
    std::vector<Verdict> verdicts(files.size());
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::error_code ec;
        const std::uint64_t size = fs::file_size(files[i], ec);
        for (std::uint64_t b = 0;; b += chunk_bytes) {
            Chunk c;
            c.input = i;
            c.begin = b;
            const bool last = ec || b + chunk_bytes >= size;
            c.end = last ? UINT64_MAX : b + chunk_bytes;  // the last chunk reads what is there
            chunks.push_back(std::move(c));
            if (last) break;
        }
    }
    const std::size_t tasks = files.size() + chunks.size();
    std::atomic<std::size_t> next{0};
    std::mutex error_mutex;
    std::exception_ptr error;
    auto work = [&] {
        for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
            try {
                if (t < files.size())
                    verdicts[t] = verify_one(verify, files[t]);
                else
                    read_chunk(chunks[t - files.size()], files[chunks[t - files.size()].input]);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    const unsigned cores = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < std::min<std::size_t>(cores, tasks); ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);

    // Each input's records in order, with global tender numbers and detail indices.
    struct Ledger {
        std::vector<Rec> recs;
        std::vector<Detail> details;
    };
    std::vector<Ledger> ledgers(files.size());
    std::vector<std::string> tenders;
    std::unordered_map<std::string, std::uint32_t> tender_index;
    for (std::size_t i = 0; i < files.size(); ++i) {
        Input in;
        in.path = files[i];
        const Verdict& v = verdicts[i];
        in.records = v.records;
        in.head_seq = v.head_seq;
        in.head_id = v.head_id;
        in.verified = v.ok;
        in.problem = v.problem;
        in.included = v.readable && (v.ok || o.include_unverified);
        if (!v.readable) r.unreadable = true;
        else if (!v.ok) r.unverified = true;
        r.inputs.push_back(in);
    }
    for (auto& c : chunks) {
        Input& in = r.inputs[c.input];
        if (!c.error.empty() && !in.problem) {
            in.problem = Message{"REPORT_UNREADABLE", "无法读取账本：" + c.error, "cannot read the ledger: " + c.error};
            in.included = false;
            r.unreadable = true;
        }
        if (!c.genesis_ledger.empty()) in.ledger = c.genesis_ledger;
        in.bad_lines += c.bad_lines;
        in.other_kinds += c.other_kinds;
        if (in.included)
            for (auto& p : c.problems) {
                auto it = std::find_if(r.problems.begin(), r.problems.end(),
                                       [&](const Problem& q) { return q.message.code == p.message.code && q.input == p.input; });
                if (it == r.problems.end()) r.problems.push_back(p);
                else it->count += p.count;
            }
        std::vector<std::uint32_t> remap(c.tenders.size());
        for (std::size_t t = 0; t < c.tenders.size(); ++t) {
            auto [it, added] = tender_index.try_emplace(c.tenders[t], static_cast<std::uint32_t>(tenders.size()));
            if (added) tenders.push_back(c.tenders[t]);
            remap[t] = it->second;
        }
        Ledger& l = ledgers[c.input];
        const auto offset = static_cast<std::uint32_t>(l.details.size());
        for (auto& rec : c.recs) {
            if (rec.tender != none) rec.tender = remap[rec.tender];
            if (rec.detail != none) rec.detail += offset;
        }
        if (l.recs.empty()) l.recs = std::move(c.recs);
        else l.recs.insert(l.recs.end(), c.recs.begin(), c.recs.end());
        for (auto& d : c.details) l.details.push_back(std::move(d));
        c = Chunk{};
    }

    // A record's id is what the next record names as its prev; the last one's is the head's. So the
    // ids come from the chain, whatever digest the ledger uses.
    auto id_of = [&](std::size_t input, std::size_t k, Id& id) {
        const auto& recs = ledgers[input].recs;
        if (k + 1 < recs.size() && recs[k + 1].seq == recs[k].seq + 1) {
            id = recs[k + 1].prev;
            return true;
        }
        return recs[k].seq == r.inputs[input].head_seq && decode_id(r.inputs[input].head_id, id);
    };

    // Inputs that share a genesis record are copies of one ledger (a server's file and its archive
    // copy): their records are matched by id and counted once.
    std::map<std::string, std::vector<std::size_t>> by_genesis;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!r.inputs[i].included || ledgers[i].recs.empty() || ledgers[i].recs[0].seq != 1) continue;
        Id g;
        if (id_of(i, 0, g)) by_genesis[encode_id(g)].push_back(i);
    }
    // Copies that hold different records at the same seq have forked (one was changed and its chain
    // made whole again, or two writers shared a genesis): which is true cannot be told here, so the
    // first input's records count, the diverging ones of the others do not, and the report says so
    // (exit 1, as for a ledger that does not verify).
    std::unordered_set<Id, IdHash> seen;
    std::unordered_map<std::uint64_t, Id> at_seq;
    for (const auto& [genesis, inputs] : by_genesis) {
        if (inputs.size() < 2) continue;
        seen.clear();
        at_seq.clear();
        for (const std::size_t i : inputs) {
            auto& recs = ledgers[i].recs;
            std::uint64_t forked_at = 0, forked = 0;
            for (std::size_t k = 0; k < recs.size(); ++k) {
                Id id;
                if (!id_of(i, k, id)) continue;
                const auto [known, first] = at_seq.try_emplace(recs[k].seq, id);
                if (!first && !(known->second == id)) {
                    recs[k].duplicate = true;  // left out: another copy has another record here
                    if (!forked_at) forked_at = recs[k].seq;
                    ++forked;
                    continue;
                }
                if (!seen.insert(id).second) {
                    recs[k].duplicate = true;
                    ++r.inputs[i].duplicates;
                }
            }
            if (forked) {
                r.unverified = true;
                const std::string n = std::to_string(forked), at = std::to_string(forked_at);
                r.problems.push_back(Problem{{"REPORT_COPIES_DIFFER",
                                              "该账本与同一账本（同一创世记录）的另一副本从第 " + at + " 条记录起不一致，" + n +
                                                  " 条不一致的记录未计入；请用 firstset-ledger verify 对照保存的账本头核查哪份被改动",
                                              "this ledger and another copy of the same ledger (same genesis record) hold different "
                                              "records from record " + at + " on; its " + n + " differing records are not counted: "
                                              "check which copy was changed with firstset-ledger verify against a kept head"},
                                             r.inputs[i].path, forked_at, forked});
            }
        }
    }

    // Pass 1: awards, applications and tenders, whatever their dates (an evaluation in the range
    // may concern an award after it).
    Counting counting{o, r, periods, {}};
    struct AwardRef {
        std::vector<std::size_t> groups;
    };
    std::unordered_map<Id, AwardRef, IdHash> awards;
    std::unordered_map<Id, Id, IdHash> applications;  // case_stage application → its award
    std::vector<std::vector<std::size_t>> tender_groups(tenders.size());
    std::vector<bool> tender_ambiguous(tenders.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!r.inputs[i].included) continue;
        auto& l = ledgers[i];
        for (std::size_t k = 0; k < l.recs.size(); ++k) {
            const Rec& rec = l.recs[k];
            if (rec.duplicate || (rec.kind != Kind::award && rec.kind != Kind::case_stage)) continue;
            Id id;
            if (!id_of(i, k, id)) continue;
            const Detail& d = l.details[rec.detail];
            if (rec.kind == Kind::award) {
                AwardRef a{counting.groups_of(d)};
                auto [it, added] = tender_index.try_emplace(d.tender, static_cast<std::uint32_t>(tenders.size()));
                if (added) {
                    tenders.push_back(d.tender);
                    tender_groups.emplace_back();
                    tender_ambiguous.push_back(false);
                }
                auto& tg = tender_groups[it->second];
                if (tg.empty()) tg = a.groups;
                else if (tg != a.groups) tender_ambiguous[it->second] = true;
                awards.emplace(id, std::move(a));
            } else if (d.stage == 0) {
                Id award;
                if (decode_id(d.award, award)) applications.emplace(id, award);
            }
        }
    }

    // Pass 2: count what falls in the range.
    std::vector<std::size_t> unknown_only;
    auto groups_of_award = [&](const std::string& hex) -> const std::vector<std::size_t>& {
        Id a;
        if (decode_id(hex, a))
            if (auto it = awards.find(a); it != awards.end()) return it->second.groups;
        if (unknown_only.empty()) unknown_only.push_back(counting.unknown());
        return unknown_only;
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        Input& in = r.inputs[i];
        if (!in.included) continue;
        auto& l = ledgers[i];
        for (std::size_t k = 0; k < l.recs.size(); ++k) {
            const Rec& rec = l.recs[k];
            if (rec.duplicate) continue;
            ++in.counted;
            if (rec.day == no_day || rec.day < *from || rec.day > *to) continue;
            const std::size_t p = periods.index(rec.day);
            Counters& all = r.total;
            Counters& all_p = r.period_totals[p];
            auto each_group = [&](const std::vector<std::size_t>& gs, auto&& f) {
                for (const std::size_t g : gs) each(r.groups[g].total, r.groups[g].periods[p], f);
            };
            switch (rec.kind) {
                case Kind::evaluation: {
                    auto f = [&](Counters& c) {
                        ++c.evaluations;
                        c.criteria_deemed += rec.deemed;
                    };
                    each(all, all_p, f);
                    if (rec.tender != none && rec.tender < tender_groups.size() && !tender_groups[rec.tender].empty() &&
                        !tender_ambiguous[rec.tender]) {
                        each_group(tender_groups[rec.tender], f);
                    } else {
                        if (unknown_only.empty()) unknown_only.push_back(counting.unknown());
                        each_group(unknown_only, f);
                    }
                    break;
                }
                case Kind::award: {
                    const Detail& d = l.details[rec.detail];
                    Id id;
                    Award a;
                    if (id_of(i, k, id)) a.id = encode_id(id);
                    a.date = firstset::Date::from_days(rec.day).to_string();
                    a.period = r.periods[p];
                    a.award_date = d.award_date;
                    a.tender = d.tender;
                    a.tender_title = d.tender_title;
                    a.purchaser = d.purchaser;
                    a.purchaser_uscc = d.uscc;
                    a.project_id = d.project_id;
                    a.project_name = d.project_name;
                    a.key_project = d.key_project;
                    a.amount = d.amount;
                    a.first_set = !d.accepted.empty();
                    for (const auto& c : d.accepted) a.certificates.push_back(c.id + (c.product.empty() ? "" : " " + c.product));
                    r.awards.push_back(std::move(a));
                    auto f = [&](Counters& c, const Certificate* only) {
                        ++c.awards;
                        if (d.accepted.empty()) return;
                        ++c.first_set_awards;
                        if (d.fen >= 0) c.add_amount(d.fen);
                        else ++c.without_amount;
                        for (const auto& cert : d.accepted) {
                            if (only && cert.id != only->id) continue;
                            c.certificates.insert(cert.id);
                            if (!cert.product.empty()) c.products.insert(cert.product);
                        }
                    };
                    f(all, nullptr);
                    f(all_p, nullptr);
                    const auto gs = counting.groups_of(d);
                    for (const std::size_t g : gs) {
                        const Certificate* only = nullptr;
                        if (o.by == By::product)
                            for (const auto& cert : d.accepted)
                                if (cert.id == r.groups[g].key) only = &cert;
                        f(r.groups[g].total, only);
                        f(r.groups[g].periods[p], only);
                    }
                    break;
                }
                case Kind::failure: {
                    const Detail& d = l.details[rec.detail];
                    auto f = [&](Counters& c) { ++c.failures[static_cast<std::size_t>(d.severity)]; };
                    each(all, all_p, f);
                    each_group(groups_of_award(d.award), f);
                    break;
                }
                case Kind::decision: {
                    const Detail& d = l.details[rec.detail];
                    auto f = [&](Counters& c) {
                        if (d.proposed >= 0) ++c.proposed[static_cast<std::size_t>(d.proposed)];
                        if (d.final >= 0) ++c.final[static_cast<std::size_t>(d.final)];
                    };
                    each(all, all_p, f);
                    each_group(groups_of_award(d.award), f);
                    break;
                }
                case Kind::case_stage: {
                    const Detail& d = l.details[rec.detail];
                    if (d.stage < 0) {
                        ++in.other_kinds;
                        break;
                    }
                    auto f = [&](Counters& c) {
                        ++c.stages[static_cast<std::size_t>(d.stage)];
                        if (d.stage == 2 && d.final >= 0) ++c.case_final[static_cast<std::size_t>(d.final)];
                    };
                    each(all, all_p, f);
                    std::string award = d.award;
                    if (d.stage != 0) {
                        Id c;
                        if (decode_id(d.case_id, c))
                            if (auto it = applications.find(c); it != applications.end()) award = encode_id(it->second);
                    }
                    each_group(groups_of_award(award), f);
                    break;
                }
                case Kind::genesis:
                case Kind::other: break;
            }
        }
    }
    bool overflow = r.total.overflow;
    for (const auto& g : r.groups) overflow = overflow || g.total.overflow;
    if (overflow)
        r.problems.push_back({{"REPORT_AMOUNT_OVERFLOW", "金额合计超出可表示的范围，合计不可信",
                               "an amount total does not fit in 64 bits of fen; totals are not reliable"},
                              "", 0, 1});
    // Groups with something in the range, by name (then key), the unknown group last.
    r.groups.erase(std::remove_if(r.groups.begin(), r.groups.end(),
                                  [](const Group& g) {
                                      const Counters& c = g.total;
                                      auto zero = [](const auto& a) {
                                          return std::all_of(a.begin(), a.end(), [](std::uint64_t n) { return n == 0; });
                                      };
                                      return c.awards == 0 && c.evaluations == 0 && zero(c.failures) && zero(c.proposed) &&
                                             zero(c.final) && zero(c.stages);
                                  }),
                   r.groups.end());
    std::stable_sort(r.groups.begin(), r.groups.end(), [](const Group& a, const Group& b) {
        if (a.key.empty() != b.key.empty()) return b.key.empty();
        return a.name != b.name ? a.name < b.name : a.key < b.key;
    });
    return r;
}

// ---- JSON ------------------------------------------------------------------------------------

namespace {

using ojson = nlohmann::ordered_json;

ojson message_json(const Message& m) { return {{"code", m.code}, {"message_zh", m.zh}, {"message_en", m.en}}; }

ojson nullable(const std::string& s) { return s.empty() ? ojson(nullptr) : ojson(s); }

ojson counters_json(const Counters& c, const Counters& whole) {
    ojson j;
    j["awards"] = c.awards;
    j["first_set_awards"] = c.first_set_awards;
    j["amount"] = money(c.amount_fen);
    j["amount_share"] = nullable(share(c.amount_fen, whole.amount_fen));
    j["award_share"] = nullable(share(static_cast<std::int64_t>(c.first_set_awards), static_cast<std::int64_t>(whole.first_set_awards)));
    j["awards_without_amount"] = c.without_amount;
    j["products"] = c.products.size();
    j["certificates"] = c.certificates.size();
    j["evaluations"] = c.evaluations;
    j["criteria_deemed"] = c.criteria_deemed;
    ojson f;
    for (std::size_t i = 0; i < severities.size(); ++i) f[severities[i]] = c.failures[i];
    j["failures"] = f;
    ojson proposed, final;
    for (std::size_t i = 0; i < proposals.size(); ++i) proposed[proposals[i]] = c.proposed[i];
    for (std::size_t i = 0; i < finals.size(); ++i) final[finals[i]] = c.final[i];
    j["decisions"] = {{"proposed", proposed}, {"final", final}};
    ojson stages, case_final;
    for (std::size_t i = 0; i < stage_names.size(); ++i) stages[stage_names[i]] = c.stages[i];
    for (std::size_t i = 0; i < finals.size(); ++i) case_final[finals[i]] = c.case_final[i];
    j["cases"] = {{"stages", stages}, {"final", case_final}};
    return j;
}

}  // namespace

std::string to_json(const Report& r) {
    ojson j;
    j["report"] = "firstset-usage/1";
    j["generated_at"] = r.options.generated_at;
    j["from"] = r.options.from;
    j["to"] = r.options.to;
    j["period"] = r.options.period == Period::month ? "month" : r.options.period == Period::quarter ? "quarter" : "year";
    j["by"] = r.options.by == By::purchaser ? "purchaser" : r.options.by == By::project ? "project" : "product";
    j["include_unverified"] = r.options.include_unverified;
    ojson inputs = ojson::array();
    for (const auto& in : r.inputs) {
        ojson i;
        i["path"] = in.path;
        i["ledger"] = nullable(in.ledger);
        i["records"] = in.records;
        i["head"] = in.head_seq ? ojson{{"seq", in.head_seq}, {"id", in.head_id}} : ojson(nullptr);
        i["verified"] = in.verified;
        i["included"] = in.included;
        i["problem"] = in.problem ? message_json(*in.problem) : ojson(nullptr);
        i["counted"] = in.counted;
        i["duplicates"] = in.duplicates;
        i["unreadable_lines"] = in.bad_lines;
        i["other_records"] = in.other_kinds;
        inputs.push_back(i);
    }
    j["inputs"] = inputs;
    ojson periods = ojson::array();
    for (std::size_t p = 0; p < r.periods.size(); ++p)
        periods.push_back({{"period", r.periods[p]}, {"from", r.period_from[p]}, {"to", r.period_to[p]}});
    j["periods"] = periods;
    // Counters per period, each with its share of that period's totals and the period's label.
    auto periods_json = [&](const std::vector<Counters>& per_period) {
        ojson ps = ojson::array();
        for (std::size_t p = 0; p < r.periods.size(); ++p) {
            ojson c = counters_json(per_period[p], r.period_totals[p]);
            c["period"] = r.periods[p];
            ps.push_back(c);
        }
        return ps;
    };
    ojson groups = ojson::array();
    for (const auto& g : r.groups) {
        ojson o;
        o["key"] = nullable(g.key);
        o["name"] = g.name;
        if (g.key_project) o["key_project"] = *g.key_project;
        if (!g.detail.empty() && r.options.by == By::product) o["holder"] = g.detail;
        o["total"] = counters_json(g.total, r.total);
        o["periods"] = periods_json(g.periods);
        groups.push_back(o);
    }
    j["groups"] = groups;
    ojson totals = counters_json(r.total, r.total);
    totals["periods"] = periods_json(r.period_totals);
    j["totals"] = totals;
    ojson awards = ojson::array();
    for (const auto& a : r.awards) {
        ojson o;
        o["id"] = a.id;
        o["date"] = a.date;
        o["period"] = a.period;
        o["award_date"] = a.award_date;
        o["tender"] = a.tender;
        o["purchaser"] = {{"name", a.purchaser}, {"uscc", a.purchaser_uscc}};
        o["project"] = a.project_id.empty() ? ojson(nullptr)
                                            : ojson{{"id", a.project_id}, {"name", a.project_name}, {"key", a.key_project.value_or(false)}};
        o["amount"] = nullable(a.amount);
        o["first_set"] = a.first_set;
        o["certificates"] = a.certificates;
        awards.push_back(o);
    }
    j["awards"] = awards;
    ojson problems = ojson::array();
    for (const auto& p : r.problems) {
        ojson o = message_json(p.message);
        o["ledger"] = nullable(p.input);
        o["seq"] = p.seq ? ojson(p.seq) : ojson(nullptr);
        o["count"] = p.count;
        problems.push_back(o);
    }
    j["problems"] = problems;
    return j.dump(2) + "\n";
}

}  // namespace tool::report
