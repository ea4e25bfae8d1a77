#include "ledger/ledger.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include "util/digest.hpp"

#include "util/file_io.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset::ledger {

namespace {

// Sleeps while word still holds expected (or until a wake; callers re-check what they wait for).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
    static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free);
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void io_error(const std::string& code, const std::filesystem::path& file, const std::string& en,
                           const std::string& zh) {
    throw StatusError(Status::io, code, en, zh, Location{"", file.string(), 0, 0});
}

class FileStorage : public Storage {
public:
    // Writes go through fd; slot 0 syncs through fd too, the other slots through descriptors of
    // their own, opened here on the same file (see Storage::sync).
    FileStorage(int fd, std::filesystem::path path) : path_(std::move(path)) {
        sync_fds_.fill(-1);
        sync_fds_[0] = fd;
        for (unsigned slot = 1; slot < sync_slots; ++slot) {
            try {
                sync_fds_[slot] = open_owned_file(path_, O_WRONLY, 0600, "FILE_UNREADABLE");
            } catch (...) {
                close_own();
                throw;
            }
        }
    }
    ~FileStorage() override { close_own(); }
    FileStorage(const FileStorage&) = delete;
    FileStorage& operator=(const FileStorage&) = delete;

    void append(std::string_view bytes) override {
        const char* p = bytes.data();
        std::size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(sync_fds_[0], p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int e = n < 0 ? errno : EIO;
                io_error("LEDGER_WRITE_FAILED", path_, "writing the ledger " + path_.string() + " failed: " + errno_text(e),
                         "写入账本 " + path_.string() + " 失败：" + errno_text(e));
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }

    void sync(unsigned slot) override {
        if (::fdatasync(sync_fds_[slot]) != 0) {
            const int e = errno;
            io_error("LEDGER_SYNC_FAILED", path_, "syncing the ledger " + path_.string() + " to disk failed: " + errno_text(e),
                     "将账本 " + path_.string() + " 同步到磁盘失败：" + errno_text(e));
        }
    }

private:
    void close_own() {
        for (unsigned slot = 1; slot < sync_slots; ++slot)
            if (sync_fds_[slot] >= 0) ::close(sync_fds_[slot]);
    }

    std::filesystem::path path_;
    std::array<int, sync_slots> sync_fds_;
};

// The bytes from offset to the end of the file.
std::string read_from(int fd, off_t offset, const std::filesystem::path& path) {
    std::string bytes;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            io_error("FILE_UNREADABLE", path, "cannot read the ledger " + path.string() + ": " + errno_text(e),
                     "无法读取账本 " + path.string() + "：" + errno_text(e));
        }
        if (n == 0) break;
        bytes.append(buf, static_cast<std::size_t>(n));
        offset += n;
    }
    return bytes;
}

bool exists_at(const std::filesystem::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool indexed_kind(std::string_view kind) {
    return kind == "award" || kind == "failure_report" || kind == "tolerance_decision" || kind == "case_stage";
}

// Takes <path>.lock exclusively, writing who holds it; a holder elsewhere is named in the error.
// The lock file is opened without following a link and only when it is a regular file: truncating
// it to write the holder must never truncate anything else.
int take_lock(const std::filesystem::path& path) {
    const std::filesystem::path lock_path = path.string() + ".lock";
    const bool existed = exists_at(lock_path);
    const int fd = open_owned_file(lock_path, O_RDWR | O_CREAT, 0600, "FILE_UNREADABLE");
    if (!existed) sync_directory(lock_path.parent_path());
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[256] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "another process";
        while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
        io_error("LEDGER_LOCKED", path,
                 "the ledger " + path.string() + " is already open for writing by " + who +
                     "; one process writes a ledger at a time",
                 "账本 " + path.string() + " 已被其他进程打开写入（" + who + "）；同一时间只能有一个进程写入账本");
    }
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string holder = "pid " + std::to_string(::getpid()) + " on host " + host + " since " + utc_now() + "\n";
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, holder.data(), holder.size(), 0);
    return fd;
}

}  // namespace

std::unique_ptr<Ledger> Ledger::open(const std::filesystem::path& path, StorageFactory storage,
                                     std::optional<HashAlgorithm> hash) {
    std::unique_ptr<Ledger> l(new Ledger);
    l->path_ = path;
    create_directories_durably(path.parent_path(), "LEDGER_WRITE_FAILED");
    l->lock_fd_ = take_lock(path);

    // The ledger holds decision-makers' names: created 0600, and never opened through a link.
    const bool existed = exists_at(path);
    l->fd_ = open_owned_file(path, O_RDWR | O_CREAT | O_APPEND, 0600, "FILE_UNREADABLE");
    l->storage_ = storage ? storage(l->fd_, path) : std::make_unique<FileStorage>(l->fd_, path);

    const Verdict verdict = verify_descriptor(l->fd_, path.string(), std::nullopt, [&](const Located& r) {
        if (indexed_kind(r.kind)) l->index(r.seq, r.kind, r.id, r.line);
    });
    if (!verdict.ok() && !verdict.torn_tail) {
        const Problem& p = verdict.problems.front();
        throw StatusError(Status::integrity, "LEDGER_DAMAGED",
                    "the ledger " + path.string() + " is damaged, so nothing is appended to it: " + p.message_en +
                        " [" + p.code + "]",
                    "账本 " + path.string() + " 已损坏，不再追加任何记录：" + p.message_zh + " [" + p.code + "]",
                    Location{"", path.string(), 0, 0});
    }
    if (verdict.records > 0 && hash && *hash != verdict.hash) {
        const std::string asked(hash_name(*hash)), has(hash_name(verdict.hash));
        throw StatusError(Status::config, "LEDGER_HASH_MISMATCH",
                          "the configuration asks for ledger.hash " + asked + ", but the ledger " + path.string() +
                              " was created with " + has + " (its genesis record names it): a ledger keeps the hash it "
                              "was created with; set ledger.hash: " + has + " or use a new ledger file",
                          "配置要求 ledger.hash 为 " + asked + "，但账本 " + path.string() + " 创建时使用 " + has +
                              "（见其创世记录）：账本始终使用创建时的哈希算法；请将 ledger.hash 设为 " + has + " 或使用新的账本文件",
                          Location{"/ledger/hash", path.string(), 0, 0});
    }
    l->hash_ = verdict.records > 0 ? verdict.hash : hash.value_or(HashAlgorithm::sha256);
    l->sha_.use(l->hash_);
    if (verdict.torn_tail) {
        // Keep the cut bytes, then cut them: a crash interrupted a write nobody was told succeeded.
        const std::filesystem::path broken = path.string() + ".broken";
        const std::string tail = read_from(l->fd_, static_cast<off_t>(verdict.good_bytes), path);
        const bool broken_existed = exists_at(broken);
        const int b = open_owned_file(broken, O_WRONLY | O_CREAT | O_APPEND, 0600, "LEDGER_WRITE_FAILED");
        const std::string header = "# " + utc_now() + ": cut from " + path.filename().string() + " at byte " +
                                   std::to_string(verdict.good_bytes) + ", " + std::to_string(tail.size()) + " bytes\n";
        bool kept = b >= 0 && ::write(b, header.data(), header.size()) == static_cast<ssize_t>(header.size()) &&
                    ::write(b, tail.data(), tail.size()) == static_cast<ssize_t>(tail.size()) &&
                    ::write(b, "\n", 1) == 1 && ::fsync(b) == 0;
        ::close(b);
        if (kept && !broken_existed) sync_directory(broken.parent_path());
        if (!kept || ::ftruncate(l->fd_, static_cast<off_t>(verdict.good_bytes)) != 0 || ::fdatasync(l->fd_) != 0) {
            const int e = errno;
            io_error("LEDGER_WRITE_FAILED", path,
                     "cannot cut the incomplete last record of " + path.string() + " into " + broken.string() + ": " +
                         errno_text(e),
                     "无法将 " + path.string() + " 末尾不完整的记录移入 " + broken.string() + "：" + errno_text(e));
        }
        l->bytes_cut_at_open_ = tail.size();
    }
    l->head_ = verdict.head;
    l->durable_seq_.store(verdict.head.seq);
    l->written_seq_ = verdict.head.seq;
    l->records_at_open_ = verdict.records;
    l->head_at_open_ = verdict.head;
    l->bytes_at_open_ = verdict.good_bytes;
    if (verdict.records == 0) {
        // A new ledger: its genesis record names it.
        TextBuffer body;
        JsonOut w(body);
        w.begin_object();
        w.field("format", format_name).field("ledger", random_hex(16));
        // The chain hash, named (a genesis without it, written before SM3 was offered, means SHA-256).
        w.field("hash", hash_name(l->hash_));
        w.end_object();
        l->append("genesis", body.view());
        if (!existed) sync_directory(path.parent_path());
    }
    return l;
}

Ledger::~Ledger() {
    // Records enqueued and never waited for (an answer that failed after its record was chained)
    // are written now, as a later append would have written them.
    try {
        if (head_.seq > durable_seq_.load() && !failed_) wait_durable(head_.seq);
    } catch (...) {
    }
    if (fd_ >= 0) ::close(fd_);
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void Ledger::index(std::uint64_t seq, std::string_view kind, const std::string& id, std::string_view line) {
    index_[id] = Indexed{seq, std::string(kind), std::string(line)};
    if (kind != "case_stage") return;
    // The members a case's order and time limits need (the record's schema made them strings).
    try {
        const json::Document doc = json::Document::parse(line, json::Limits{max_line_bytes, 64}, "ledger record");
        const json::Value* body = doc.root().find("body");
        auto text = [&](std::string_view name) {
            const json::Value* v = body ? body->find(name) : nullptr;
            return v && v->is_string() ? std::string(v->str()) : std::string();
        };
        CaseStage s{seq, id, text("stage"), text("date"), text("final")};
        const bool application = s.stage == "application";
        const std::string case_id = application ? id : text("case");
        if (application) failure_cases_[text("failure")].push_back(id);
        cases_[case_id].push_back(std::move(s));
    } catch (const StatusError&) {
        // Not readable: verified at open and checked before append, so never in practice.
    }
}

Appended Ledger::append(std::string_view kind, std::string_view body) {
    const Appended appended = enqueue(kind, body);
    wait_durable(appended.seq);
    return appended;
}

Appended Ledger::enqueue(std::string_view kind, std::string_view body) {
    // Nothing enters the ledger that its own reader would refuse when the ledger is opened again
    // (a repeated name, text that is not UTF-8, ...): that would make the whole ledger unusable.
    try {
        json::check(body, json::Limits{max_line_bytes, 64}, "record");
    } catch (const StatusError& e) {
        throw StatusError(Status::internal, "RECORD_NOT_READABLE",
                    "a record was about to be written that could not be read back (" + e.code() + ": " + e.message_en() +
                        "); nothing was written: this is a bug in firstset, please report it",
                    "即将写入的记录无法被读回（" + e.code() + "：" + e.message_zh() + "），未写入任何内容：这是 firstset 的缺陷，请报告");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (failed_) {
        throw StatusError(Status::io, "LEDGER_FAILED",
                    std::string("the ledger takes no more records after a failed write or sync; reopen the engine (") +
                        failed_->message_en() + ")",
                    "账本写入或同步失败后不再接受记录，请重新打开引擎（" + failed_->message_zh() + "）",
                    Location{"", path_.string(), 0, 0});
    }
    const std::uint64_t seq = head_.seq + 1;
    const std::string line =
        make_line(seq, head_.seq == 0 ? std::string(genesis_prev) : head_.id, utc_now(), kind, body);
    std::string id;
    sha_.hex(line, id);
    head_ = Head{seq, id};
    pending_ += line;
    pending_ += '\n';
    ++pending_records_;
    if (gathering_ && pending_records_ >= gather_target_) gathered_.notify_one();
    if (indexed_kind(kind)) index(seq, kind, id, line);
    return Appended{seq, id};
}

void Ledger::wait_durable(std::uint64_t seq) {
    if (durable_seq_.load(std::memory_order_acquire) >= seq) return;
    std::unique_lock<std::mutex> lock(mutex_);
    // Group commit: a writer whose record is still pending and finds a sync slot free writes
    // everything pending and syncs it; the others sleep until a sync ends and return without
    // the mutex when it covered their record, so a sync releasing eight writers does not make
    // them queue for the mutex one by one. Up to sync_slots syncs run at once: the disk takes
    // the next batch while the last one is still being flushed.
    for (;;) {
        if (durable_seq_.load(std::memory_order_acquire) >= seq) return;
        if (failed_) break;
        if (written_seq_ < seq && free_slots_ != 0 && !gathering_) {
            gather(lock);
            flush(lock);
            continue;
        }
        const std::uint32_t epoch = sync_epoch_.load(std::memory_order_acquire);
        lock.unlock();
        futex_wait(sync_epoch_, epoch);
        if (durable_seq_.load(std::memory_order_acquire) >= seq) return;
        lock.lock();
    }
    throw StatusError(Status::io, failed_->code(),
                "the record was not written: " + std::string(failed_->message_en()) +
                    "; the ledger takes no more records until it is reopened",
                "记录未写入：" + failed_->message_zh() + "；在重新打开之前账本不再接受记录",
                Location{"", path_.string(), 0, 0});
}

void Ledger::gather(std::unique_lock<std::mutex>& lock) {
    // With the disk idle, sync at once: a lone writer never waits. With a sync running, the
    // disk is busy anyway, so wait a little (at most half a sync) for as many records as the
    // last batch held: writers that the last sync released are appending again right now, and
    // without the pause each would take a free slot for its record alone.
    if (free_slots_ == all_slots || last_batch_ <= 1 || pending_records_ >= last_batch_) return;
    gathering_ = true;
    gather_target_ = last_batch_;
    const auto pause = std::min<std::chrono::nanoseconds>(last_sync_ / 2, std::chrono::microseconds(500));
    gathered_.wait_for(lock, pause, [&] { return pending_records_ >= gather_target_ || free_slots_ == all_slots || failed_; });
    gathering_ = false;
}

void Ledger::flush(std::unique_lock<std::mutex>& lock) {
    // Batches are written in chain order, under the mutex; only the syncs run side by side.
    // A sync that returns covers every byte written before it began, on whichever descriptor,
    // so the durable mark moves to the end of its batch (never back). After any failure it
    // moves no more: a record is acknowledged only when no write or sync has failed.
    const unsigned slot = static_cast<unsigned>(__builtin_ctz(free_slots_));
    free_slots_ &= ~(1u << slot);
    std::string batch;
    batch.swap(pending_);
    const std::size_t batch_records = pending_records_;
    pending_records_ = 0;
    const std::uint64_t batch_last = head_.seq;
    std::optional<StatusError> error;
    const auto started = std::chrono::steady_clock::now();
    try {
        storage_->append(batch);
    } catch (const StatusError& e) {
        error = e;
    }
    if (!error) {
        written_seq_ = batch_last;
        lock.unlock();
        try {
            storage_->sync(slot);
        } catch (const StatusError& e) {
            error = e;
        }
        lock.lock();
    }
    free_slots_ |= 1u << slot;
    ++syncs_;
    last_batch_ = batch_records;
    last_sync_ = std::chrono::steady_clock::now() - started;
    if (gathering_ && free_slots_ == all_slots) gathered_.notify_one();  // the disk is idle now
    if (error) {
        if (!failed_) failed_ = error;
    } else if (!failed_ && durable_seq_.load(std::memory_order_relaxed) < batch_last) {
        durable_seq_.store(batch_last, std::memory_order_release);
    }
    sync_epoch_.fetch_add(1, std::memory_order_acq_rel);
    futex_wake_all(sync_epoch_);
}

std::optional<Indexed> Ledger::find(std::string_view id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(std::string(id));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::vector<Ledger::CaseStage> Ledger::case_stages(std::string_view case_id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cases_.find(std::string(case_id));
    return it == cases_.end() ? std::vector<CaseStage>{} : it->second;
}

std::vector<std::string> Ledger::cases_of_failure(std::string_view failure_id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = failure_cases_.find(std::string(failure_id));
    return it == failure_cases_.end() ? std::vector<std::string>{} : it->second;
}

std::uint64_t Ledger::syncs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return syncs_;
}

Head Ledger::head() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return head_;
}

}  // namespace firstset::ledger
