#include "ledger/verify_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
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

// The file's bytes, mapped read-only: verification reads them once, in order.
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd_ < 0 || ::fstat(fd_, &st) != 0) fail(path);
        size_ = static_cast<std::size_t>(st.st_size);
        if (size_ > 0) {
            data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
            if (data_ == MAP_FAILED) {
                data_ = nullptr;
                fail(path);
            }
            ::madvise(data_, size_, MADV_SEQUENTIAL);
        }
    }
    ~MappedFile() {
        if (data_) ::munmap(data_, size_);
        if (fd_ >= 0) ::close(fd_);
    }
    std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

private:
    [[noreturn]] void fail(const std::string& path) {
        const int e = errno;
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        throw Error(Status::io, "FILE_UNREADABLE", "cannot read the ledger " + path + ": " + std::strerror(e),
                    "无法读取账本 " + path + "：" + std::strerror(e), Location{"/ledger", path, 0, 0});
    }
    int fd_ = -1;
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace

void verify_file(Json request, TextBuffer& response) {
    const auto [ledger_v, expected_v, checkpoint_v, key_v] =
        members<4>(request, {"ledger", "expected_head", "checkpoint", "public_key"});
    const std::string path(str(*ledger_v));
    std::optional<Head> expected;
    if (expected_v) {
        const auto [seq, id] = members<2>(*expected_v, {"seq", "id"});
        expected = Head{seq->get_uint64().value_unsafe(), std::string(str(*id))};
    }
    if (bool(checkpoint_v) != bool(key_v)) {
        const char* missing = checkpoint_v ? "public_key" : "checkpoint";
        throw Error(Status::schema, "SCHEMA_REQUIRED",
                    std::string("checkpoint and public_key go together: ") + missing + " is missing",
                    std::string("checkpoint 与 public_key 须同时给出：缺少 ") + missing, Location{"", "", 0, 0});
    }
    std::optional<VerifierKey> key;
    std::string checkpoint_text;
    if (key_v) {
        std::string why;
        key = parse_verifier_key(str(*key_v), why);
        if (!key)
            throw Error(Status::schema, "KEY_FORMAT", "/public_key: not a signed-note verifier key: " + why,
                        "/public_key：不是 signed-note 验证公钥：" + why, Location{"/public_key", "", 0, 0});
        const std::string cp_path(str(*checkpoint_v));
        const auto text = read_whole_file(cp_path);
        if (!text)
            throw Error(Status::io, "FILE_UNREADABLE", "cannot read the checkpoint " + cp_path,
                        "无法读取检查点 " + cp_path, Location{"/checkpoint", cp_path, 0, 0});
        checkpoint_text = *text;
    }
    CheckpointProblem cp_problem;
    const std::optional<Checkpoint> checkpoint =
        key ? open_checkpoint(checkpoint_text, *key, cp_problem) : std::optional<Checkpoint>();
    std::string id_at_checkpoint;
    const MappedFile file(path);
    Verdict v = verify(file.bytes(), expected, checkpoint ? std::function<void(const Located&)>([&](const Located& r) {
        if (r.seq == checkpoint->size) id_at_checkpoint = r.id;
    }) : std::function<void(const Located&)>());
    if (key && !checkpoint) {
        v.problems.push_back(Problem{std::nullopt, cp_problem.code, cp_problem.message_en, cp_problem.message_zh});
    } else if (checkpoint) {
        if (v.records < checkpoint->size) {
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
    w.key("ok");
    w.boolean(v.ok());
    w.key("ledger");
    w.string(path);
    w.key("records");
    w.number(static_cast<std::int64_t>(v.records));
    w.key("head");
    if (v.records == 0) {
        w.null();
    } else {
        w.begin_object();
        w.key("seq");
        w.number(static_cast<std::int64_t>(v.head.seq));
        w.key("id");
        w.string(v.head.id);
        w.end_object();
    }
    w.key("checkpoint");
    if (checkpoint) {
        w.begin_object();
        w.key("origin");
        w.string(checkpoint->origin);
        w.key("size");
        w.number(static_cast<std::int64_t>(checkpoint->size));
        w.key("head_id");
        w.string(checkpoint->head_id);
        w.key("key");
        w.string(key->name);
        w.end_object();
    } else {
        w.null();
    }
    w.key("first_bad_seq");
    if (v.first_bad_seq) w.number(static_cast<std::int64_t>(*v.first_bad_seq));
    else w.null();
    w.key("problems");
    w.begin_array();
    for (const Problem& p : v.problems) {
        w.begin_object();
        w.key("seq");
        if (p.seq) w.number(static_cast<std::int64_t>(*p.seq));
        else w.null();
        w.key("code");
        w.string(p.code);
        w.key("message_zh");
        w.string(p.message_zh);
        w.key("message_en");
        w.string(p.message_en);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

}  // namespace firstset::ledger
