// The decision log: an append-only file of hash-chained records (ledger/format.hpp), written
// durably. A record is on disk (fdatasync) before append() returns; appends from many threads
// at once share one write and one sync (group commit), so throughput grows with writers. Up to
// sync_slots syncs run side by side, each on a descriptor of its own, so the disk can take the
// next batch while it flushes the last.
//
// One process writes a ledger: open() takes an exclusive lock (flock on <path>.lock, which names
// the holder) and a second writer is refused with the holder's pid and host. Opening checks the
// whole chain: a torn last line (a write cut short by a crash, never acknowledged) is cut off and
// kept in <path>.broken; any other damage refuses the open with INTEGRITY and appends nothing.
// After a failed write or sync the ledger takes no more records until it is reopened, because
// after an fsync error Linux may have dropped the unwritten pages silently.
//
// Thread safety: append(), find() and head() may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ledger/format.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

namespace firstset::ledger {

// Where records go: the ledger file, behind an interface so tests can inject failures.
class Storage {
public:
    virtual ~Storage() = default;
    // Writes all of bytes at the end, or throws StatusError(IO). Called by one thread at a time, in
    // chain order.
    virtual void append(std::string_view bytes) = 0;
    // fdatasync, or throws StatusError(IO). Calls with different slots (0 .. sync_slots-1) may run at
    // once; each must report a writeback error that happened before it returned, so the file
    // writer gives every slot a descriptor of its own (Linux reports such an error once per
    // open file description).
    virtual void sync(unsigned slot) = 0;
};

// How many syncs may run at once (see Ledger::flush).
inline constexpr unsigned sync_slots = 4;

struct Appended {
    std::uint64_t seq;
    std::string id;
};

// A record that later records refer to (award, failure_report, tolerance_decision, case_stage).
struct Indexed {
    std::uint64_t seq;
    std::string kind;
    std::string line;  // the whole line, without newline
};

class Ledger {
public:
    using StorageFactory = std::function<std::unique_ptr<Storage>(int fd, const std::filesystem::path&)>;

    // Opens the ledger at path, creating it (with its genesis record) when absent. Throws StatusError:
    // IO (LEDGER_LOCKED naming the holder, FILE_UNREADABLE, LEDGER_WRITE_FAILED), INTEGRITY
    // (LEDGER_DAMAGED with the first bad record). `storage` replaces the file writer (tests).
    // `hash` is the chain hash the configuration asks for (ledger.hash): a new ledger is created
    // with it (SHA-256 when none is asked for) and names it in its genesis record; an existing
    // ledger keeps the one its genesis names, and one that names another than asked is refused
    // (CONFIG, LEDGER_HASH_MISMATCH) rather than chained on with a second hash.
    static std::unique_ptr<Ledger> open(const std::filesystem::path& path, StorageFactory storage = nullptr,
                                        std::optional<HashAlgorithm> hash = std::nullopt);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    // Appends one record durably. REQUIRES: kind is [a-z_]+; body is a JSON object's text on one
    // line. Throws StatusError(IO, LEDGER_FAILED) when this or an earlier write or sync failed.
    Appended append(std::string_view kind, std::string_view body);

    // append() in two steps, for a caller that has other work to do while the disk syncs
    // (firstset-server answers other requests): enqueue() chains the record and returns its seq
    // and id at once, not yet durable; wait_durable(seq) returns once records up to seq are on
    // disk, writing and syncing what is pending itself when no sync covers it (one call for the
    // highest seq makes one batch of everything enqueued). Throws as append() does.
    Appended enqueue(std::string_view kind, std::string_view body);
    void wait_durable(std::uint64_t seq);

    // A record referred to by id; nullopt when there is none. Only the kinds above are indexed.
    std::optional<Indexed> find(std::string_view id) const;
    // Rule T': the stages recorded in a case (its application first), in ledger order, from an
    // index kept as records are read at open and appended; empty for an unknown case.
    struct CaseStage {
        std::uint64_t seq = 0;
        std::string id, stage, date, final;  // final: a decision's exempt | not_exempt, else empty
    };
    std::vector<CaseStage> case_stages(std::string_view case_id) const;
    // The cases opened on a failure report (application ids, in order).
    std::vector<std::string> cases_of_failure(std::string_view failure_id) const;
    // Held while a case stage is checked and appended, so that two stages of one ledger's cases
    // are judged one after the other, each seeing the other.
    std::mutex& case_mutex() { return case_mutex_; }

    Head head() const;
    // The chain hash of record ids (the genesis record names it).
    HashAlgorithm hash() const { return hash_; }
    // Records known to be on disk (acknowledged); the checkpoint writer and shipper go no further.
    std::uint64_t durable_seq() const { return durable_seq_.load(std::memory_order_acquire); }
    const std::filesystem::path& path() const { return path_; }
    // What opening found and did: records, and bytes cut off into the .broken file.
    std::uint64_t records_at_open() const { return records_at_open_; }
    std::size_t bytes_cut_at_open() const { return bytes_cut_at_open_; }
    // The verified head at open and the file's length up to its end: where a reader of what is
    // appended later starts, without reading the ledger again.
    Head head_at_open() const { return head_at_open_; }
    std::uint64_t bytes_at_open() const { return bytes_at_open_; }
    // Syncs done since open (records per sync shows the group commit at work).
    std::uint64_t syncs() const;

private:
    Ledger() = default;
    // Writes and syncs what is pending; the caller holds mutex_ (released during the I/O).
    void flush(std::unique_lock<std::mutex>& lock);
    // Before a flush: waits briefly for more records when a sync is already running.
    void gather(std::unique_lock<std::mutex>& lock);
    void index(std::uint64_t seq, std::string_view kind, const std::string& id, std::string_view line);

    std::filesystem::path path_;
    int lock_fd_ = -1;
    int fd_ = -1;
    std::unique_ptr<Storage> storage_;
    std::uint64_t records_at_open_ = 0;
    std::size_t bytes_cut_at_open_ = 0;
    Head head_at_open_;
    std::uint64_t bytes_at_open_ = 0;

    mutable std::mutex mutex_;
    HashAlgorithm hash_ = HashAlgorithm::sha256;
    Hasher sha_;                         // guarded by mutex_
    Head head_;                          // the last record appended (maybe not yet durable)
    std::string pending_;                // lines appended but not yet written
    std::uint64_t written_seq_ = 0;      // records handed to the storage (maybe not yet synced)
    std::atomic<std::uint64_t> durable_seq_{0};  // records known to be on disk
    std::atomic<std::uint32_t> sync_epoch_{0};   // bumped as each sync ends; waiters sleep on it
    static constexpr std::uint32_t all_slots = (1u << sync_slots) - 1;
    std::uint32_t free_slots_ = all_slots;  // bit i: sync slot i is free
    std::size_t pending_records_ = 0;    // records in pending_
    bool gathering_ = false;             // a writer waits on gathered_ for more records to sync
    std::size_t gather_target_ = 0;      // ... until pending_ holds this many
    std::condition_variable gathered_;
    std::size_t last_batch_ = 0;         // records in the last batch synced
    std::chrono::steady_clock::duration last_sync_{};  // how long its write and sync took
    std::uint64_t syncs_ = 0;            // syncs done
    std::optional<StatusError> failed_;        // set by a failed write or sync; final until reopened
    std::unordered_map<std::string, Indexed> index_;
    std::unordered_map<std::string, std::vector<CaseStage>> cases_;          // case id → its stages
    std::unordered_map<std::string, std::vector<std::string>> failure_cases_;  // failure id → case ids
    std::mutex case_mutex_;
};

}  // namespace firstset::ledger
