// Ledger shipping (issue 5): the ledger file is the spool. A background thread reads the records
// the archive does not have yet, in batches, and PUTs each batch, gzip-compressed, as an object
// named by node and sequence range (<url>/<node>/<first>-<last>.jsonl.gz, numbers 20 digits), so
// that a retry rewrites the same object with the same records. A durable cursor beside the
// ledger names the batch in flight before it is sent and the records shipped after the archive
// said yes: a restart resends exactly the batch in flight, never a different split of it, so the
// archive never holds a record twice, and nothing is dropped because nothing is kept anywhere
// but in the ledger. Failures back off exponentially with jitter. After each batch the latest
// signed checkpoint, if any, is shipped as <node>/checkpoint.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "util/log.hpp"
#include "ledger/reader.hpp"
#include "net/http.hpp"

namespace firstset::ledger {

class Ledger;

struct ShipConfig {
    std::string url;                    // the archive's base URL; objects go under <url>/<node>/
    std::string node;                   // this server's name in object names
    std::chrono::milliseconds interval{5000};       // how often to look for new records
    std::chrono::milliseconds backoff_min{1000};    // first wait after a failure
    std::chrono::milliseconds backoff_max{300000};  // longest wait
    std::size_t batch_bytes = 1 << 20;  // uncompressed records per object, at most (at least one record)
    std::filesystem::path cursor;       // <ledger>.ship-cursor
    std::filesystem::path checkpoint;   // the checkpoint file to ship after each batch; may be empty
    net::HttpOptions http;
};

struct ShipCounters {
    std::uint64_t shipped_records = 0;  // records the archive has (counters(): from the cursor)
    std::uint64_t shipped_batches = 0;  // objects written by this engine
    std::uint64_t pending_records = 0;  // durable records not yet shipped (counters(): computed)
    std::uint64_t failures = 0;         // failed attempts by this engine
    std::uint64_t consecutive_failures = 0;
    std::string last_error;
    std::int64_t last_success = 0;      // Unix seconds; 0: none yet
};

class Shipper {
public:
    // Reads the cursor (CONFIG SHIP_CURSOR_INVALID when it is not this ledger's) and starts.
    Shipper(ShipConfig config, const Ledger& ledger, std::shared_ptr<const Log> log);
    ~Shipper();  // stops; one last attempt when the previous one succeeded
    Shipper(const Shipper&) = delete;
    Shipper& operator=(const Shipper&) = delete;

    // Ships what is pending, batch by batch, until done or a batch fails. Returns true when the
    // archive has every durable record. [thread-safe; one pass at a time]
    bool ship_now();
    ShipCounters counters() const;
    const ShipConfig& config() const { return config_; }

private:
    struct Cursor {
        Position shipped;
        std::optional<Position> pending_end;  // the batch in flight: shipped.seq+1 .. pending_end.seq
    };
    void run();
    bool ship_batch(std::uint64_t durable);
    bool ship_checkpoint();
    void save_cursor() const;
    std::string object_url(std::uint64_t first, std::uint64_t last) const;

    ShipConfig config_;
    const Ledger& ledger_;
    std::shared_ptr<const Log> log_;
    std::mutex pass_mutex_;
    mutable std::mutex mutex_;  // cursor_, counters_
    Cursor cursor_;
    std::string shipped_checkpoint_;  // the checkpoint text last shipped (by ship_now only)
    ShipCounters counters_;
    std::mt19937_64 random_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

// gzip (RFC 1952) of bytes, with zlib. Throws StatusError INTERNAL when zlib fails.
std::string gzip(std::string_view bytes);
// The bytes of a gzip member; nullopt when it is not one.
std::optional<std::string> gunzip(std::string_view bytes);

}  // namespace firstset::ledger
