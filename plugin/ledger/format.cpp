#include "ledger/format.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

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

std::optional<HashAlgorithm> genesis_hash(std::string_view body) {
    try {
        const json::Document doc = json::Document::parse(body, json::Limits{max_line_bytes, 64}, "genesis record");
        if (!doc.root().is_object()) return std::nullopt;
        const json::Value* hash = doc.root().find("hash");
        if (!hash) return HashAlgorithm::sha256;
        if (!hash->is_string()) return std::nullopt;
        return hash_named(hash->str());
    } catch (const StatusError&) {
        return std::nullopt;
    }
}

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
    TextBuffer line(body.size() + 160);
    JsonOut w(line);
    w.begin_object();
    w.field("seq", seq).field("prev", prev).field("time", time).field("kind", kind).field("body", RawJson{body});
    w.end_object();
    return line.str();
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

ChainVerifier::ChainVerifier(std::optional<Head> expected, std::function<void(const Located&)> on_record)
    : expected_(std::move(expected)), on_record_(std::move(on_record)), prev_(genesis_prev) {}

void ChainVerifier::fail(std::optional<std::uint64_t> seq, std::string code, std::string en, std::string zh) {
    if (!v_.first_bad_seq && seq) v_.first_bad_seq = seq;
    v_.problems.push_back(problem(seq, std::move(code), std::move(en), std::move(zh)));
    stopped_ = true;
}

bool ChainVerifier::feed(std::string_view bytes) {
    while (!stopped_ && !bytes.empty()) {
        const std::size_t end = bytes.find('\n');
        if (end == std::string_view::npos) {
            if (partial_.size() + bytes.size() > max_line_bytes) {
                const std::uint64_t seq = v_.records + 1;
                fail(seq, "BAD_LINE",
                     "record " + std::to_string(seq) + " is longer than " + std::to_string(max_line_bytes) +
                         " bytes, more than any record firstset writes",
                     "第 " + std::to_string(seq) + " 条记录超过 " + std::to_string(max_line_bytes) + " 字节，超出 firstset 所写记录的长度");
                return false;
            }
            partial_.append(bytes);
            return true;
        }
        if (partial_.empty()) {
            line(bytes.substr(0, end));
        } else {
            partial_.append(bytes.substr(0, end));
            std::string whole;
            whole.swap(partial_);
            line(whole);
        }
        bytes.remove_prefix(end + 1);
    }
    return !stopped_;
}

bool ChainVerifier::line(std::string_view line) {
    if (line.size() > max_line_bytes) {
        const std::uint64_t seq = v_.records + 1;
        fail(seq, "BAD_LINE", "record " + std::to_string(seq) + " is longer than any record firstset writes",
             "第 " + std::to_string(seq) + " 条记录超出 firstset 所写记录的长度");
        return false;
    }
    const std::uint64_t seq = v_.records + 1;
    const auto f = read_fields(line);
    if (!f) {
        fail(seq, "BAD_LINE", "record " + std::to_string(seq) + " is not a ledger record line",
             "第 " + std::to_string(seq) + " 条记录的格式不是账本记录行");
        return false;
    }
    // Each line must also be one JSON document, by the reader that reads records back: the fixed
    // prefix alone would let two records joined by a changed newline read as one.
    try {
        json::check(line, json::Limits{max_line_bytes, 64}, "record");
    } catch (const StatusError& e) {
        fail(seq, "BAD_LINE",
             "record " + std::to_string(seq) + " is not one well-formed JSON document (" + e.code() + ")",
             "第 " + std::to_string(seq) + " 条记录不是一个格式正确的 JSON 文档（" + e.code() + "）");
        return false;
    }
    if (f->seq != seq) {
        fail(seq, "SEQ_BROKEN",
             "record " + std::to_string(seq) + " says it is number " + std::to_string(f->seq) +
                 " (a record was inserted, removed or moved)",
             "第 " + std::to_string(seq) + " 条记录的序号为 " + std::to_string(f->seq) + "（有记录被插入、删除或移动）");
        return false;
    }
    if (f->prev != prev_) {
        fail(seq, "CHAIN_BROKEN",
             "record " + std::to_string(seq) + " does not follow record " + std::to_string(seq - 1) +
                 ": the digest it names is not that record's (one of them was changed)",
             "第 " + std::to_string(seq) + " 条记录与第 " + std::to_string(seq - 1) + " 条记录的摘要不衔接（其中一条已被改动）");
        return false;
    }
    if (seq == 1 && f->kind != "genesis") {
        fail(seq, "NO_GENESIS", "the first record is not the ledger's genesis record", "第一条记录不是账本的创世记录");
        return false;
    }
    if (seq == 1) {
        // The genesis record names the chain hash; its own id is already that hash.
        const auto hash = genesis_hash(f->body);
        if (!hash) {
            fail(seq, "LEDGER_HASH_UNKNOWN",
                 "the genesis record names a chain hash firstset does not know (\"hash\" must be \"sha256\" or \"sm3\")",
                 "创世记录所指定的链哈希算法无法识别（\"hash\" 须为 \"sha256\" 或 \"sm3\"）");
            return false;
        }
        hasher_.use(*hash);
        v_.hash = *hash;
    }
    hasher_.hex(line, id_);
    if (expected_ && seq == expected_->seq) kept_id_ = id_;
    if (on_record_) on_record_(Located{seq, id_, f->kind, line});
    prev_ = id_;
    v_.records = seq;
    v_.head = Head{seq, id_};
    v_.good_bytes += line.size() + 1;
    return true;
}

Verdict ChainVerifier::finish() {
    if (!stopped_ && !partial_.empty()) {
        // Bytes after the last newline: a line whose write never finished.
        v_.torn_tail = true;
        fail(v_.records + 1, "TORN_TAIL",
             "the ledger ends with " + std::to_string(partial_.size()) + " bytes of an incomplete record (a write that did not finish)",
             "账本末尾有 " + std::to_string(partial_.size()) + " 字节未写完的记录（写入未完成）");
    }
    if (v_.problems.size() > 1 || (v_.problems.size() == 1 && !v_.torn_tail)) v_.torn_tail = false;
    // The head the caller kept: checked whatever else was found, so a cut ledger never passes.
    if (expected_ && expected_->seq > 0) {
        if (v_.records < expected_->seq) {
            if (!v_.first_bad_seq) v_.first_bad_seq = v_.records + 1;
            v_.problems.push_back(problem(
                v_.records + 1, "TRUNCATED",
                "the ledger has " + std::to_string(v_.records) + " complete records; the head kept is record " +
                    std::to_string(expected_->seq) + " (records were cut off)",
                "账本只有 " + std::to_string(v_.records) + " 条完整记录，而保存的账本头为第 " + std::to_string(expected_->seq) +
                    " 条（记录被截断）"));
            v_.torn_tail = false;
        } else if (kept_id_ != expected_->id) {
            if (!v_.first_bad_seq || *v_.first_bad_seq > expected_->seq) v_.first_bad_seq = expected_->seq;
            v_.problems.push_back(problem(
                expected_->seq, "HEAD_MISMATCH",
                "record " + std::to_string(expected_->seq) + " is not the one whose id was kept (" + expected_->id +
                    "): it was changed",
                "第 " + std::to_string(expected_->seq) + " 条记录不是所保存账本头（" + expected_->id + "）所指的记录：已被改动"));
            v_.torn_tail = false;
        }
    }
    return std::move(v_);
}

Verdict verify(std::string_view bytes, const std::optional<Head>& expected,
               const std::function<void(const Located&)>& on_record) {
    ChainVerifier verifier(expected, on_record);
    verifier.feed(bytes);
    return verifier.finish();
}

Verdict verify_descriptor(int fd, const std::string& path, const std::optional<Head>& expected,
                          const std::function<void(const Located&)>& on_record) {
    ChainVerifier verifier(expected, on_record);
    std::string block(std::size_t{1} << 20, '\0');
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(fd, block.data(), block.size(), offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            throw StatusError(Status::io, "FILE_UNREADABLE", "cannot read the ledger " + path + ": " + std::strerror(e),
                        "无法读取账本 " + path + "：" + std::strerror(e), Location{"", path, 0, 0});
        }
        if (n == 0) break;
        offset += n;
        if (!verifier.feed(std::string_view(block.data(), static_cast<std::size_t>(n)))) break;
    }
    return verifier.finish();
}

}  // namespace firstset::ledger
