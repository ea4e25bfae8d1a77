#include "ledger/verify_file.hpp"

#include <algorithm>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/checkpoint.hpp"
#include "ledger/format.hpp"
#include "util/file_io.hpp"
#include "util/signing.hpp"
#include "util/error.hpp"

namespace firstset::ledger {

namespace {

// A path from the request: text without NUL bytes, which a file name cannot hold (the name would
// be cut short at the NUL and another file read).
std::string path_at(const json::Value& v, const char* pointer) {
    const std::string_view p = v.str();
    if (p.find('\0') != std::string_view::npos)
        throw StatusError(Status::schema, "PATH_INVALID", std::string(pointer) + ": a file path cannot hold a NUL character",
                    std::string(pointer) + "：文件路径不能包含 NUL 字符", Location{pointer, "", 0, 0});
    return std::string(p);
}

// The ledger, opened for reading only if it is a regular file: a FIFO or a device would make
// verification wait or read for ever.
int open_ledger(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
        const int e = errno;
        if (fd >= 0) ::close(fd);
        throw StatusError(Status::io, "FILE_UNREADABLE", "cannot read the ledger " + path + ": " + std::strerror(e),
                    "无法读取账本 " + path + "：" + std::strerror(e), Location{"/ledger", path, 0, 0});
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw StatusError(Status::io, "NOT_A_FILE", "the ledger " + path + " is not a regular file (a folder, FIFO or device): it is not read",
                    "账本 " + path + " 不是普通文件（而是文件夹、命名管道或设备），不予读取", Location{"/ledger", path, 0, 0});
    }
    return fd;
}

// Largest checkpoint read: a signed note is a few hundred bytes.
constexpr std::size_t max_checkpoint_bytes = 64 * 1024;

}  // namespace

void verify_file(const json::Value& request, TextBuffer& response) {
    const auto [ledger_v, expected_v, checkpoint_v, key_v, origin_v] =
        json::members<5>(request, {"ledger", "expected_head", "checkpoint", "public_key", "origin"});
    const std::string path = path_at(*ledger_v, "/ledger");
    std::optional<Head> expected;
    if (expected_v) {
        // An integer as written (the reader and the schema refuse 10.0 and 1e1 here).
        const auto [seq, id] = json::members<2>(*expected_v, {"seq", "id"});
        expected = Head{seq->uint64(), std::string(id->str())};
    }
    if (origin_v && !checkpoint_v)
        throw StatusError(Status::schema, "SCHEMA_REQUIRED", "origin is the expected origin of a checkpoint: checkpoint is missing",
                    "origin 是对检查点来源的要求：缺少 checkpoint", Location{"/origin", "", 0, 0});
    if (bool(checkpoint_v) != bool(key_v)) {
        const char* missing = checkpoint_v ? "public_key" : "checkpoint";
        throw StatusError(Status::schema, "SCHEMA_REQUIRED",
                    std::string("checkpoint and public_key go together: ") + missing + " is missing",
                    std::string("checkpoint 与 public_key 须同时给出：缺少 ") + missing, Location{"", "", 0, 0});
    }
    std::optional<VerifierKey> key;
    std::string checkpoint_text;
    if (key_v) {
        std::string why;
        key = parse_verifier_key(key_v->str(), why);
        if (!key)
            throw StatusError(Status::schema, "KEY_FORMAT", "/public_key: not a signed-note verifier key: " + why,
                        "/public_key：不是 signed-note 验证公钥：" + why, Location{"/public_key", "", 0, 0});
        checkpoint_text = read_file_or_throw(path_at(*checkpoint_v, "/checkpoint"), max_checkpoint_bytes, "the checkpoint",
                                             "检查点", "/checkpoint");
    }
    CheckpointProblem cp_problem;
    const std::optional<Checkpoint> checkpoint =
        // The origin expected: as given, else the key's name (what firstset's writer signs by default).
        key ? open_checkpoint(checkpoint_text, *key, origin_v ? origin_v->str() : std::string_view(key->name), cp_problem)
            : std::optional<Checkpoint>();
    std::string id_at_checkpoint;
    const int fd = open_ledger(path);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    Verdict v = verify_descriptor(fd, path, expected, checkpoint ? std::function<void(const Located&)>([&](const Located& r) {
        if (r.seq == checkpoint->size) id_at_checkpoint = r.id;
    }) : std::function<void(const Located&)>());
    if (key && !checkpoint) {
        v.problems.push_back(Problem{std::nullopt, cp_problem.code, cp_problem.message_en, cp_problem.message_zh});
    } else if (checkpoint) {
        // Verification stops at the first broken record: records after it were not counted, so
        // fewer records than the checkpoint covers says nothing of a cut (only a torn tail lets
        // it read to the end).
        const bool stopped = std::any_of(v.problems.begin(), v.problems.end(),
                                         [](const Problem& p) { return p.code != "TORN_TAIL"; });
        if (stopped) {
            // the chain's own problem says what is wrong
        } else if (v.records < checkpoint->size) {
            if (!v.first_bad_seq) v.first_bad_seq = v.records + 1;
            v.problems.push_back(Problem{v.records + 1, "TRUNCATED",
                                         "the ledger has " + std::to_string(v.records) + " complete records; the signed checkpoint covers " +
                                             std::to_string(checkpoint->size) + " (records were cut off)",
                                         "账本只有 " + std::to_string(v.records) + " 条完整记录，而签名检查点覆盖 " +
                                             std::to_string(checkpoint->size) + " 条（记录被截断）"});
        } else if (id_at_checkpoint != checkpoint->head_id) {
            if (!v.first_bad_seq || *v.first_bad_seq > checkpoint->size) v.first_bad_seq = checkpoint->size;
            v.problems.push_back(Problem{checkpoint->size, "CHECKPOINT_MISMATCH",
                                         "record " + std::to_string(checkpoint->size) + " is not the one the signed checkpoint names (" +
                                             checkpoint->head_id + "): the ledger was changed",
                                         "第 " + std::to_string(checkpoint->size) + " 条记录不是签名检查点所指的记录（" +
                                             checkpoint->head_id + "）：账本已被改动"});
        }
    }

    JsonOut w(response);
    w.begin_object();
    w.field("ok", v.ok()).field("ledger", path).field("records", v.records);
    if (v.records > 0) w.field("hash", hash_name(v.hash));  // what the ids are: the genesis says
    if (v.records == 0) {
        w.field("head", nullptr);
    } else {
        w.begin_object("head");
        w.field("seq", v.head.seq).field("id", v.head.id);
        w.end_object();
    }
    if (checkpoint) {
        w.begin_object("checkpoint");
        w.field("origin", checkpoint->origin)
            .field("size", checkpoint->size)
            .field("head_id", checkpoint->head_id)
            .field("key", key->name);
        w.end_object();
    } else {
        w.field("checkpoint", nullptr);
    }
    w.field("first_bad_seq", v.first_bad_seq);
    w.begin_array("problems");
    for (const Problem& p : v.problems) {
        w.begin_object();
        w.field("seq", p.seq).field("code", p.code).field("message_zh", p.message_zh).field("message_en", p.message_en);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

}  // namespace firstset::ledger
