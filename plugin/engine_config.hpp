// The engine's configuration (docs/abi.md section 3, schemas/config.schema.json) as values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ledger/checkpoint.hpp"
#include "ledger/ship.hpp"
#include "registry/feed.hpp"

namespace firstset {

struct EngineConfig {
    std::filesystem::path file;  // the configuration file itself
    std::filesystem::path policy;                 // the fallback pack (`policy`); may be empty
    std::vector<std::filesystem::path> policies;  // the scoped packs (`policies`), in order
    std::filesystem::path registry;  // a local file; empty when the registry comes from a URL
    // registry.public_key with a local file: the file must carry the key's signature (Ed25519 or SM2) in
    // registry_signature (registry.signature_file, default the file's name + ".sig").
    std::optional<VerifierKey> registry_key;
    std::filesystem::path registry_signature;
    std::optional<RegistryFeedConfig> registry_feed;  // registry.url and its settings
    std::filesystem::path ledger;  // empty: none configured
    // ledger.hash: the chain hash a new ledger is created with (none given: SHA-256) and that an
    // existing one must have (none given: whichever its genesis record names).
    std::optional<HashAlgorithm> ledger_hash;
    bool log_evaluations = true;
    std::string node;  // ledger.node, default the host name
    std::optional<ledger::CheckpointConfig> checkpoint;
    std::optional<ledger::ShipConfig> ship;
    std::string log_level = "warn";
    std::filesystem::path log_file;  // empty: standard error

    // Reads and checks a configuration file; relative paths become relative to its folder.
    // Throws StatusError: IO, PARSE, CONFIG with file, line and pointer.
    static EngineConfig load(const std::filesystem::path& file);
};

}  // namespace firstset
