// The decision log: an append-only file of hash-chained records (ledger/format.hpp), written
// durably. A record is on disk (fdatasync) before append() returns; appends from many threads
// at once share one write and one sync (group commit), so throughput grows with writers.
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

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
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
    virtual void append(std::string_view bytes) = 0;  // all of it, or throws Error(IO)
    virtual void sync() = 0;                          // fdatasync, or throws Error(IO)
};

struct Appended {
    std::uint64_t seq;
    std::string id;
};

// A record that later records refer to (award, failure_report, tolerance_decision).
struct Indexed {
    std::uint64_t seq;
    std::string kind;
    std::string line;  // the whole line, without newline
};

class Ledger {
public:
    using StorageFactory = std::function<std::unique_ptr<Storage>(int fd, const std::filesystem::path&)>;

    // Opens the ledger at path, creating it (with its genesis record) when absent. Throws Error:
    // IO (LEDGER_LOCKED naming the holder, FILE_UNREADABLE, LEDGER_WRITE_FAILED), INTEGRITY
    // (LEDGER_DAMAGED with the first bad record). `storage` replaces the file writer (tests).
    static std::unique_ptr<Ledger> open(const std::filesystem::path& path, StorageFactory storage = nullptr);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    // Appends one record durably. REQUIRES: kind is [a-z_]+; body is a JSON object's text on one
    // line. Throws Error(IO, LEDGER_FAILED) when this or an earlier write or sync failed.
    Appended append(std::string_view kind, std::string_view body);

    // A record referred to by id; nullopt when there is none. Only the kinds above are indexed.
    std::optional<Indexed> find(std::string_view id) const;

    Head head() const;
    const std::filesystem::path& path() const { return path_; }
    // What opening found and did: records, and bytes cut off into the .broken file.
    std::uint64_t records_at_open() const { return records_at_open_; }
    std::size_t bytes_cut_at_open() const { return bytes_cut_at_open_; }

private:
    Ledger() = default;
    void index(std::uint64_t seq, std::string_view kind, const std::string& id, std::string_view line);

    std::filesystem::path path_;
    int lock_fd_ = -1;
    int fd_ = -1;
    std::unique_ptr<Storage> storage_;
    std::uint64_t records_at_open_ = 0;
    std::size_t bytes_cut_at_open_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable flushed_;
    Sha256 sha_;                         // guarded by mutex_
    Head head_;                          // the last record appended (maybe not yet durable)
    std::string pending_;                // lines appended but not yet written
    std::uint64_t durable_seq_ = 0;      // records known to be on disk
    bool flushing_ = false;              // a thread is writing and syncing a batch
    std::optional<Error> failed_;        // set by a failed write or sync; final until reopened
    std::unordered_map<std::string, Indexed> index_;
};

}  // namespace firstset::ledger
