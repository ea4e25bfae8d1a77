#include "ledger/ship.hpp"

#include <zlib.h>

#include <cstdio>

#include "ledger/ledger.hpp"
#include "util/civil_date.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset::ledger {
namespace {

std::string seq20(std::uint64_t n) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(n));
    return buf;
}

void write_position(JsonOut& w, const Position& p) {
    w.begin_object();
    w.field("seq", p.seq);
    w.field("offset", p.offset);
    w.field("id", p.id);
    w.end_object();
}

bool is_count(const json::Value* v) { return v && v->is_integer() && v->literal()[0] != '-'; }

std::optional<Position> read_position(const json::Value* v) {
    if (!v) return std::nullopt;
    const auto [seq, offset, id] = json::members<3>(*v, {"seq", "offset", "id"});
    if (!is_count(seq.get()) || !is_count(offset.get()) || !id || !id->is_string()) return std::nullopt;
    return Position{seq->uint64(), offset->uint64(), std::string(id->str())};
}

// Largest cursor file read: a few hundred bytes are written.
constexpr std::size_t max_cursor_bytes = 64 * 1024;

}  // namespace

std::string gzip(std::string_view bytes) {
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw StatusError(Status::internal, "ZLIB_FAILED", "zlib: deflateInit2 failed", "zlib：deflateInit2 失败");
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw StatusError(Status::internal, "ZLIB_FAILED", "zlib: deflate failed", "zlib：deflate 失败");
    return out;
}

std::optional<std::string> gunzip(std::string_view bytes) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char buf[64 * 1024];
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

Shipper::Shipper(ShipConfig config, const Ledger& ledger, std::shared_ptr<const Log> log)
    : config_(std::move(config)), ledger_(ledger), log_(std::move(log)), random_(random_u64()) {
    if (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
    if (const auto text = read_whole_file(config_.cursor, max_cursor_bytes)) {
        std::optional<json::Document> d;
        try {
            d = json::Document::parse(*text, json::Limits{max_cursor_bytes, 8}, "shipping cursor");
        } catch (const StatusError&) {
        }
        const json::Value* root = d ? &d->root() : nullptr;
        const auto [url, node, shipped_v, pending_v] =
            root ? json::members<4>(*root, {"url", "node", "shipped", "pending"}) : std::array<json::Ref, 4>{};
        const bool shape = url && url->is_string() && node && node->is_string() && shipped_v && pending_v;
        std::optional<Position> shipped = shape ? read_position(shipped_v.get()) : std::nullopt;
        if (!shipped || (!pending_v->is_null() && !read_position(pending_v.get())))
            throw StatusError(Status::config, "SHIP_CURSOR_INVALID",
                        "the shipping cursor " + config_.cursor.string() + " is unreadable; move it away to ship the whole ledger again",
                        "发送游标 " + config_.cursor.string() + " 无法读取；将其移走即可重新发送整个账本",
                        Location{"", config_.cursor.string(), 0, 0});
        if (url->str() != config_.url || node->str() != config_.node)
            throw StatusError(Status::config, "SHIP_CURSOR_INVALID",
                        "the shipping cursor " + config_.cursor.string() + " is for " + std::string(url->str()) + " node " +
                            std::string(node->str()) + ", not " + config_.url + " node " + config_.node +
                            "; move it away to ship the whole ledger to the new archive",
                        "发送游标 " + config_.cursor.string() + " 属于 " + std::string(url->str()) + "（节点 " +
                            std::string(node->str()) + "），不是 " + config_.url + "（节点 " + config_.node +
                            "）；将其移走即可向新归档重新发送整个账本",
                        Location{"", config_.cursor.string(), 0, 0});
        cursor_.shipped = *shipped;
        if (!pending_v->is_null()) cursor_.pending_end = read_position(pending_v.get());
        if (cursor_.shipped.seq > ledger.durable_seq() || (cursor_.pending_end && cursor_.pending_end->seq > ledger.durable_seq()))
            throw StatusError(Status::config, "SHIP_CURSOR_INVALID",
                        "the shipping cursor " + config_.cursor.string() + " is ahead of the ledger (" +
                            std::to_string(ledger.durable_seq()) + " records): it belongs to another ledger",
                        "发送游标 " + config_.cursor.string() + " 超出账本（共 " + std::to_string(ledger.durable_seq()) +
                            " 条记录）：它属于另一个账本",
                        Location{"", config_.cursor.string(), 0, 0});
    }
    thread_ = std::thread([this] { run(); });
}

Shipper::~Shipper() {
    {
        std::lock_guard<std::mutex> lock(wake_mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    bool last_failed;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        last_failed = counters_.consecutive_failures > 0;
    }
    if (!last_failed) {
        try {
            ship_now();
        } catch (const std::exception& e) {
            log_->error("SHIP_AT_CLOSE_FAILED", "shipping at close: {}", e.what());
        }
    }
}

void Shipper::run() {
    std::chrono::milliseconds wait = std::chrono::milliseconds(0);  // ship at once what is pending
    std::unique_lock<std::mutex> lock(wake_mutex_);
    while (!stop_) {
        if (wait.count() > 0) wake_.wait_for(lock, wait, [this] { return stop_; });
        if (stop_) break;
        lock.unlock();
        bool ok = false;
        try {
            ok = ship_now();
        } catch (const std::exception& e) {
            log_->error("SHIP_ERROR", "shipping: {}", e.what());
        }
        std::uint64_t failures;
        {
            std::lock_guard<std::mutex> c(mutex_);
            failures = counters_.consecutive_failures;
        }
        if (ok || failures == 0) {
            wait = config_.interval;
        } else {
            // Exponential back-off with jitter: a random wait in [d/2, d], d = min * 2^(n-1), capped.
            const auto exp = std::min<std::uint64_t>(failures - 1, 20);
            const auto d = std::min<std::int64_t>(config_.backoff_max.count(), config_.backoff_min.count() << exp);
            wait = std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(d / 2, d)(random_));
        }
        lock.lock();
    }
}

std::string Shipper::object_url(std::uint64_t first, std::uint64_t last) const {
    return config_.url + "/" + config_.node + "/" + seq20(first) + "-" + seq20(last) + ".jsonl.gz";
}

void Shipper::save_cursor() const {
    TextBuffer buf;
    JsonOut w(buf);
    w.begin_object();
    w.field("url", config_.url);
    w.field("node", config_.node);
    w.key("shipped");
    write_position(w, cursor_.shipped);
    w.key("pending");
    if (cursor_.pending_end) write_position(w, *cursor_.pending_end);
    else w.null();
    w.end_object();
    write_file_durably(config_.cursor, buf.view(), "SHIP_CURSOR_WRITE_FAILED");
}

bool Shipper::ship_now() {
    std::lock_guard<std::mutex> one_pass(pass_mutex_);
    for (;;) {
        const std::uint64_t durable = ledger_.durable_seq();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (cursor_.shipped.seq >= durable && !cursor_.pending_end) break;
        }
        if (!ship_batch(durable)) return false;
    }
    return ship_checkpoint();  // the latest signed checkpoint, once the records it covers are there
}

bool Shipper::ship_batch(std::uint64_t durable) {
    // The batch: the one in flight when there is one (exactly those records), else a new one.
    LedgerReader reader(ledger_.path(), cursor_.shipped, ledger_.hash());
    std::string records;
    if (cursor_.pending_end) {
        while (reader.position().seq < cursor_.pending_end->seq)
            if (reader.read(cursor_.pending_end->seq, SIZE_MAX, records) == 0) break;
        if (reader.position().seq != cursor_.pending_end->seq || reader.position().id != cursor_.pending_end->id)
            throw StatusError(Status::integrity, "SHIP_CURSOR_MISMATCH",
                        "the ledger no longer has the batch the shipping cursor names (records " +
                            std::to_string(cursor_.shipped.seq + 1) + "-" + std::to_string(cursor_.pending_end->seq) + ")",
                        "账本中已没有发送游标所记的批次（第 " + std::to_string(cursor_.shipped.seq + 1) + "-" +
                            std::to_string(cursor_.pending_end->seq) + " 条记录）");
    } else {
        reader.read(durable, config_.batch_bytes, records);
        if (reader.position().seq == cursor_.shipped.seq) return true;
        std::lock_guard<std::mutex> lock(mutex_);
        cursor_.pending_end = reader.position();
        save_cursor();  // durable before anything is sent
    }
    const std::uint64_t first = cursor_.shipped.seq + 1, last = cursor_.pending_end->seq;
    const std::string body = gzip(records);
    const net::HttpResult r =
        net::put(object_url(first, last), config_.http, body, {"Content-Type: application/gzip"});
    if (!r.ok()) {
        std::string error = r.describe() + " for " + object_url(first, last);
        std::uint64_t in_a_row = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.failures;
            in_a_row = ++counters_.consecutive_failures;
            counters_.last_error = error;
        }
        log_->warn("SHIP_FAILED", "shipping records {}-{} failed ({} in a row): {}", first, last, in_a_row, error);  // no lock held
        return false;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cursor_.shipped = *cursor_.pending_end;
        cursor_.pending_end.reset();
        save_cursor();
        ++counters_.shipped_batches;
        counters_.consecutive_failures = 0;
        counters_.last_success = unix_now();
    }
    log_->info("SHIPPED", "shipped records {}-{} to {} ({} bytes gzip)", first, last, object_url(first, last), body.size());
    return true;
}

bool Shipper::ship_checkpoint() {
    if (config_.checkpoint.empty()) return true;
    const auto text = read_whole_file(config_.checkpoint, max_cursor_bytes);
    if (!text || *text == shipped_checkpoint_) return true;
    const net::HttpResult c = net::put(config_.url + "/" + config_.node + "/checkpoint", config_.http, *text,
                                       {"Content-Type: text/plain; charset=utf-8"});
    if (!c.ok()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++counters_.failures;
            ++counters_.consecutive_failures;
            counters_.last_error = c.describe() + " for the checkpoint";
        }
        log_->warn("SHIP_CHECKPOINT_FAILED", "shipping the checkpoint failed: {}", c.describe());
        return false;
    }
    shipped_checkpoint_ = *text;
    return true;
}

ShipCounters Shipper::counters() const {
    std::lock_guard<std::mutex> lock(mutex_);
    ShipCounters c = counters_;
    const std::uint64_t durable = ledger_.durable_seq();
    c.shipped_records = cursor_.shipped.seq;
    c.pending_records = durable > cursor_.shipped.seq ? durable - cursor_.shipped.seq : 0;
    return c;
}

}  // namespace firstset::ledger
