// Reads a ledger file forward from a known position, record by record, for the checkpoint
// writer and the shipper. It reads only whole lines, never past the records the writer has made
// durable (the caller says how far), and keeps the id of the last record read, in the ledger's
// chain hash: given by the caller that starts past the genesis record, else read from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "util/digest.hpp"

namespace firstset::ledger {

struct Position {
    std::uint64_t seq = 0;    // records read so far
    std::uint64_t offset = 0;  // bytes up to the end of record `seq`
    std::string id;           // id of record `seq`; empty for 0
};

class LedgerReader {
public:
    // `hash`: the ledger's chain hash (Ledger::hash()); a reader from the start (seq 0) may leave
    // it out and takes it from the genesis record.
    explicit LedgerReader(std::filesystem::path path, Position from = {}, std::optional<HashAlgorithm> hash = std::nullopt)
        : path_(std::move(path)), pos_(std::move(from)), sha_(hash.value_or(HashAlgorithm::sha256)) {}

    // Appends up to `max_records` whole records after the position, none beyond record `last_seq`
    // and no more than `max_bytes` of them (at least one when there is one), to `out` (lines with
    // their newlines); returns how many. Throws StatusError(IO, LEDGER_READ_FAILED).
    std::size_t read(std::uint64_t last_seq, std::size_t max_bytes, std::string& out);

    const Position& position() const { return pos_; }
    // The chain hash the ids are computed with.
    HashAlgorithm hash() const { return sha_.algorithm(); }

private:
    std::filesystem::path path_;
    Position pos_;
    Hasher sha_;
};

}  // namespace firstset::ledger
