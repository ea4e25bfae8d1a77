#include "ledger/verify_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/format.hpp"
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
    const auto [ledger_v, expected_v] = members<2>(request, {"ledger", "expected_head"});
    const std::string path(str(*ledger_v));
    std::optional<Head> expected;
    if (expected_v) {
        const auto [seq, id] = members<2>(*expected_v, {"seq", "id"});
        expected = Head{seq->get_uint64().value_unsafe(), std::string(str(*id))};
    }
    const MappedFile file(path);
    const Verdict v = verify(file.bytes(), expected);

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
