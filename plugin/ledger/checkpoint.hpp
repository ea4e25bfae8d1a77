// Signed checkpoints of a ledger in the C2SP tlog-checkpoint form (https://c2sp.org/tlog-checkpoint)
// inside a C2SP signed note (https://c2sp.org/signed-note):
//
//   <origin>\n                 e.g. firstset.example/node-1
//   <size>\n                   the number of records the checkpoint covers (the head's seq)
//   <base64 of the head id>\n  the 32 bytes of the id of record <size>
//   \n
//   — <key name> <base64(key id (4 bytes) || signature)>\n
//
// The signature (Ed25519, 64 bytes, or SM2 with SM3, DER: util/signing.hpp) covers the three body
// lines with their newlines. The head id is the ledger's chain hash (SHA-256 or SM3, 32 bytes). A firstset ledger is a hash
// chain, so the "root hash" of the checkpoint is the id of its last record, not a Merkle tree
// root: the checkpoint proves the ledger's first <size> records, exactly, to anyone with the
// verifier key. A CheckpointWriter signs the durable head on an interval and when it stops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "util/log.hpp"
#include "ledger/reader.hpp"
#include "util/signing.hpp"

namespace firstset::ledger {

class Ledger;

struct Checkpoint {
    std::string origin;
    std::uint64_t size = 0;
    std::string head_id;  // 64 lower-case hex digits
};

std::string sign_checkpoint(const Checkpoint& checkpoint, const SignerKey& key);

// Opens a signed checkpoint as transparency-dev's note package does: the signature by `key` is
// found and verified over the body's exact bytes first; only then is the body parsed, and its
// origin compared with `origin` (the origin the verifier expects: a good signature over another
// log's checkpoint proves nothing about this one). nullopt with a code (CHECKPOINT_BAD_SIGNATURE,
// CHECKPOINT_MALFORMED, CHECKPOINT_OTHER_ORIGIN) and messages otherwise.
struct CheckpointProblem {
    std::string code, message_en, message_zh;
};
std::optional<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& key, std::string_view origin,
                                          CheckpointProblem& problem);

struct CheckpointConfig {
    SignerKey key;
    std::string origin;  // default: the key's name, as the C2SP specifications recommend
    std::chrono::seconds interval{300};
    std::filesystem::path file;  // where the latest checkpoint is kept: <ledger>.checkpoint
};

class CheckpointWriter {
public:
    CheckpointWriter(CheckpointConfig config, const Ledger& ledger, std::shared_ptr<const Log> log);
    ~CheckpointWriter();  // stops the thread and signs the durable head one last time
    CheckpointWriter(const CheckpointWriter&) = delete;
    CheckpointWriter& operator=(const CheckpointWriter&) = delete;

    // Signs the durable head if it moved since the last checkpoint; returns the checkpoint in force.
    // Throws StatusError (IO) when the ledger cannot be read or the file written.
    Checkpoint write_now();
    std::optional<Checkpoint> last() const;
    const CheckpointConfig& config() const { return config_; }

private:
    void run();

    CheckpointConfig config_;
    const Ledger& ledger_;
    std::shared_ptr<const Log> log_;
    mutable std::mutex mutex_;
    LedgerReader reader_;
    std::optional<Checkpoint> last_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace firstset::ledger
