#include "ledger/checkpoint.hpp"


#include "ledger/ledger.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"

namespace firstset::ledger {
namespace {

constexpr std::string_view em_dash = "\xE2\x80\x94";  // U+2014, which starts a signature line

std::string body_of(const Checkpoint& c) {
    return c.origin + "\n" + std::to_string(c.size) + "\n" + base64_encode(hex_decode(c.head_id).value()) + "\n";
}

}  // namespace

std::string sign_checkpoint(const Checkpoint& checkpoint, const SignerKey& key) {
    const std::string body = body_of(checkpoint);
    const std::string sig = sign_message(key, body);
    std::string blob;
    for (int shift = 24; shift >= 0; shift -= 8) blob += static_cast<char>((key.id >> shift) & 0xff);
    blob += sig;
    return body + "\n" + std::string(em_dash) + " " + key.name + " " + base64_encode(blob) + "\n";
}

std::optional<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& key, std::string_view origin,
                                          CheckpointProblem& problem) {
    auto malformed = [&](const std::string& why) {
        problem = {"CHECKPOINT_MALFORMED", "the checkpoint is not a signed checkpoint: " + why, "检查点格式不正确：" + why};
        return std::nullopt;
    };
    // As transparency-dev's note package does: find the signature by the expected key and verify
    // it over the body's exact bytes first; only a body that verifies is parsed at all.
    const auto split = note.find("\n\n");
    if (split == std::string_view::npos) return malformed("no blank line before the signatures");
    const std::string_view body = note.substr(0, split + 1);
    std::string_view sigs = note.substr(split + 2);
    bool found_key = false, verified = false;
    while (!sigs.empty() && !verified) {
        const auto end = sigs.find('\n');
        if (end == std::string_view::npos) return malformed("a signature line does not end with a newline");
        std::string_view line = sigs.substr(0, end);
        sigs.remove_prefix(end + 1);
        if (line.substr(0, em_dash.size() + 1) != std::string(em_dash) + " ") return malformed("a signature line does not start with '— '");
        line.remove_prefix(em_dash.size() + 1);
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return malformed("a signature line has no key name");
        const auto blob = base64_decode(line.substr(space + 1));
        if (!blob || blob->size() < 4) return malformed("a signature is not base64");
        const std::uint32_t id = (std::uint32_t{static_cast<unsigned char>((*blob)[0])} << 24) |
                                 (std::uint32_t{static_cast<unsigned char>((*blob)[1])} << 16) |
                                 (std::uint32_t{static_cast<unsigned char>((*blob)[2])} << 8) |
                                 static_cast<unsigned char>((*blob)[3]);
        if (line.substr(0, space) != key.name || id != key.id) continue;
        found_key = true;
        verified = verify_message(key, body, std::string_view(*blob).substr(4));
    }
    if (!verified) {
        problem = {"CHECKPOINT_BAD_SIGNATURE",
                   found_key ? "the checkpoint's signature by " + key.name + " does not verify: the checkpoint was changed"
                             : "the checkpoint carries no signature by the key " + key.name,
                   found_key ? "检查点上 " + key.name + " 的签名验证失败：检查点已被改动" : "检查点上没有密钥 " + key.name + " 的签名"};
        return std::nullopt;
    }
    // Body: origin, size, hash (and possibly extension lines, which firstset does not write).
    std::vector<std::string_view> lines;
    for (std::size_t start = 0, end; (end = body.find('\n', start)) != std::string_view::npos; start = end + 1)
        lines.push_back(body.substr(start, end - start));
    if (lines.size() < 3 || lines[0].empty()) return malformed("fewer than three lines before the signatures");
    Checkpoint c;
    c.origin = std::string(lines[0]);
    if (lines[1].empty() || lines[1].size() > 19 || lines[1].find_first_not_of("0123456789") != std::string_view::npos ||
        (lines[1].size() > 1 && lines[1][0] == '0'))
        return malformed("the size is not a decimal number");
    c.size = std::stoull(std::string(lines[1]));
    const auto hash = base64_decode(lines[2]);
    if (!hash || hash->size() != 32) return malformed("the hash is not base64 of 32 bytes");
    c.head_id = hex_encode(*hash);
    if (c.origin != origin) {
        const std::string o(origin);
        problem = {"CHECKPOINT_OTHER_ORIGIN",
                   "the checkpoint is signed by " + key.name + " but for the log \"" + c.origin + "\", not \"" + o +
                       "\": it says nothing about this ledger",
                   "检查点虽有 " + key.name + " 的有效签名，但针对的是日志 \"" + c.origin + "\" 而不是 \"" + o +
                       "\"，不能证明本账本"};
        return std::nullopt;
    }
    return c;
}

CheckpointWriter::CheckpointWriter(CheckpointConfig config, const Ledger& ledger, std::shared_ptr<const Log> log)
    : config_(std::move(config)),
      ledger_(ledger),
      log_(std::move(log)),
      // Open verified the ledger up to its head: read on from there, not from the start again.
      reader_(ledger.path(), Position{ledger.head_at_open().seq, ledger.bytes_at_open(), ledger.head_at_open().id},
              ledger.hash()) {
    write_now();
    if (config_.interval.count() > 0) thread_ = std::thread([this] { run(); });
}

CheckpointWriter::~CheckpointWriter() {
    {
        std::lock_guard<std::mutex> lock(wake_mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    try {
        write_now();
    } catch (const std::exception& e) {
        log_->error("CHECKPOINT_AT_CLOSE_FAILED", "checkpoint at close: {}", e.what());
    }
}

void CheckpointWriter::run() {
    std::unique_lock<std::mutex> lock(wake_mutex_);
    while (!wake_.wait_for(lock, config_.interval, [this] { return stop_; })) {
        lock.unlock();
        try {
            write_now();
        } catch (const std::exception& e) {
            log_->error("CHECKPOINT_ERROR", "checkpoint: {}", e.what());
        }
        lock.lock();
    }
}

Checkpoint CheckpointWriter::write_now() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string lines;
    const std::uint64_t durable = ledger_.durable_seq();
    while (reader_.position().seq < durable) {
        lines.clear();
        if (reader_.read(durable, 8 << 20, lines) == 0) break;
    }
    const Position& p = reader_.position();
    if (last_ && last_->size == p.seq) return *last_;
    Checkpoint c{config_.origin, p.seq, p.id};
    if (p.seq == 0) return c;  // nothing to sign yet
    write_file_durably(config_.file, sign_checkpoint(c, config_.key), "CHECKPOINT_WRITE_FAILED");
    log_->info("CHECKPOINT_WRITTEN", "checkpoint {}: {} records, head {}", config_.file.string(), c.size, c.head_id);
    last_ = c;
    return c;
}

std::optional<Checkpoint> CheckpointWriter::last() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_;
}

}  // namespace firstset::ledger
