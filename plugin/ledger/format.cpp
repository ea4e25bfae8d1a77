#include "ledger/format.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <simdjson.h>

#include "util/digest.hpp"

namespace firstset::ledger {

namespace {

bool is_hex64(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool starts(std::string_view s, std::size_t& pos, std::string_view literal) {
    if (s.compare(pos, literal.size(), literal) != 0) return false;
    pos += literal.size();
    return true;
}

Problem problem(std::optional<std::uint64_t> seq, std::string code, std::string en, std::string zh) {
    return Problem{seq, std::move(code), std::move(en), std::move(zh)};
}

}  // namespace

std::optional<LineFields> read_fields(std::string_view line) {
    LineFields f;
    std::size_t pos = 0;
    if (!starts(line, pos, "{\"seq\":")) return std::nullopt;
    const std::size_t digits = pos;
    while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9' && pos - digits < 19) {
        f.seq = f.seq * 10 + static_cast<std::uint64_t>(line[pos] - '0');
        ++pos;
    }
    if (pos == digits || line[digits] == '0') return std::nullopt;
    if (!starts(line, pos, ",\"prev\":\"")) return std::nullopt;
    f.prev = line.substr(pos, 64);
    if (!is_hex64(f.prev)) return std::nullopt;
    pos += 64;
    if (!starts(line, pos, "\",\"time\":\"")) return std::nullopt;
    const std::size_t time_start = pos;
    while (pos < line.size() && ((line[pos] >= '0' && line[pos] <= '9') || line[pos] == '-' || line[pos] == ':' ||
                                 line[pos] == '.' || line[pos] == 'T' || line[pos] == 'Z'))
        ++pos;
    f.time = line.substr(time_start, pos - time_start);
    if (f.time.empty() || f.time.back() != 'Z') return std::nullopt;
    if (!starts(line, pos, "\",\"kind\":\"")) return std::nullopt;
    const std::size_t kind_start = pos;
    while (pos < line.size() && ((line[pos] >= 'a' && line[pos] <= 'z') || line[pos] == '_')) ++pos;
    f.kind = line.substr(kind_start, pos - kind_start);
    if (f.kind.empty()) return std::nullopt;
    if (!starts(line, pos, "\",\"body\":{")) return std::nullopt;
    if (line.size() < pos + 1 || line.substr(line.size() - 2) != "}}") return std::nullopt;
    f.body = line.substr(pos - 1, line.size() - 1 - (pos - 1));
    return f;
}

std::string make_line(std::uint64_t seq, std::string_view prev, std::string_view time, std::string_view kind,
                      std::string_view body) {
    std::string line;
    line.reserve(body.size() + 160);
    line += "{\"seq\":";
    line += std::to_string(seq);
    line += ",\"prev\":\"";
    line += prev;
    line += "\",\"time\":\"";
    line += time;
    line += "\",\"kind\":\"";
    line += kind;
    line += "\",\"body\":";
    line += body;
    line += '}';
    return line;
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[64];  // room for any int the format could meet; the text is 24 characters
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

Verdict verify(std::string_view bytes, const std::optional<Head>& expected,
               const std::function<void(const Located&)>& on_record) {
    Verdict v;
    Sha256 sha;
    // Each line must also be one JSON document: the fixed prefix alone would let two records
    // joined by a changed newline read as one.
    simdjson::dom::parser json;
    std::string padded;
    std::string id;
    std::string prev(genesis_prev);
    std::string kept_id;  // the id of the record at the expected head's seq
    std::size_t pos = 0;
    auto fail = [&](std::optional<std::uint64_t> seq, std::string code, std::string en, std::string zh) {
        if (!v.first_bad_seq && seq) v.first_bad_seq = seq;
        v.problems.push_back(problem(seq, std::move(code), std::move(en), std::move(zh)));
    };
    while (pos < bytes.size()) {
        const std::uint64_t seq = v.records + 1;
        const std::size_t end = bytes.find('\n', pos);
        if (end == std::string_view::npos) {
            // Bytes after the last newline: a line whose write never finished.
            v.torn_tail = true;
            fail(seq, "TORN_TAIL",
                 "the ledger ends with " + std::to_string(bytes.size() - pos) +
                     " bytes of an incomplete record (a write that did not finish)",
                 "账本末尾有 " + std::to_string(bytes.size() - pos) + " 字节未写完的记录（写入未完成）");
            break;
        }
        const std::string_view line = bytes.substr(pos, end - pos);
        const auto f = read_fields(line);
        if (!f) {
            fail(seq, "BAD_LINE", "record " + std::to_string(seq) + " is not a ledger record line",
                 "第 " + std::to_string(seq) + " 条记录的格式不是账本记录行");
            break;
        }
        padded.assign(line);
        padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
        if (json.parse(padded.data(), line.size(), false).error()) {
            fail(seq, "BAD_LINE", "record " + std::to_string(seq) + " is not one well-formed JSON document",
                 "第 " + std::to_string(seq) + " 条记录不是一个格式正确的 JSON 文档");
            break;
        }
        if (f->seq != seq) {
            fail(seq, "SEQ_BROKEN",
                 "record " + std::to_string(seq) + " says it is number " + std::to_string(f->seq) +
                     " (a record was inserted, removed or moved)",
                 "第 " + std::to_string(seq) + " 条记录的序号为 " + std::to_string(f->seq) + "（有记录被插入、删除或移动）");
            break;
        }
        if (f->prev != prev) {
            fail(seq, "CHAIN_BROKEN",
                 "record " + std::to_string(seq) + " does not follow record " + std::to_string(seq - 1) +
                     ": the digest it names is not that record's (one of them was changed)",
                 "第 " + std::to_string(seq) + " 条记录与第 " + std::to_string(seq - 1) + " 条记录的摘要不衔接（其中一条已被改动）");
            break;
        }
        if (seq == 1 && f->kind != "genesis") {
            fail(seq, "NO_GENESIS", "the first record is not the ledger's genesis record",
                 "第一条记录不是账本的创世记录");
            break;
        }
        sha.hex(line, id);
        if (expected && seq == expected->seq) kept_id = id;
        if (on_record) on_record(Located{seq, id, f->kind, line});
        prev = id;
        v.records = seq;
        v.head = Head{seq, id};
        pos = end + 1;
        v.good_bytes = pos;
    }
    if (v.problems.size() > 1 || (v.problems.size() == 1 && !v.torn_tail)) v.torn_tail = false;
    if (expected && expected->seq > 0) {
        if (v.records < expected->seq) {
            fail(v.records + 1, "TRUNCATED",
                 "the ledger has " + std::to_string(v.records) + " complete records; the head kept is record " +
                     std::to_string(expected->seq) + " (records were cut off)",
                 "账本只有 " + std::to_string(v.records) + " 条完整记录，而保存的账本头为第 " +
                     std::to_string(expected->seq) + " 条（记录被截断）");
        } else {
            if (kept_id != expected->id)
                fail(expected->seq, "HEAD_MISMATCH",
                     "record " + std::to_string(expected->seq) + " is not the one whose id was kept (" + expected->id +
                         "): it was changed",
                     "第 " + std::to_string(expected->seq) + " 条记录不是所保存账本头（" + expected->id + "）所指的记录：已被改动");
        }
    }
    return v;
}

}  // namespace firstset::ledger
