// An engine: the loaded policy packs and certificate registry, a private logger, and the
// evaluate pipeline (parse and limits -> schema -> plain values -> rules -> response).
//
// Thread safety: an Engine is safe for concurrent calls from many threads without external
// synchronisation. All it holds is immutable after open(); every call works on its own
// request document and output buffer.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include "policy/policy.hpp"
#include "policy/policy_set.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/ship.hpp"
#include "registry/feed.hpp"
#include "registry/registry.hpp"

namespace spdlog {
class logger;
}

namespace firstset {

class TextBuffer;
namespace ledger {
class Ledger;
}

struct EngineConfig {
    std::filesystem::path file;  // the configuration file itself
    std::filesystem::path policy;                 // the fallback pack (`policy`); may be empty
    std::vector<std::filesystem::path> policies;  // the scoped packs (`policies`), in order
    std::filesystem::path registry;  // a local file; empty when the registry comes from a URL
    std::optional<RegistryFeedConfig> registry_feed;  // registry.url and its settings
    std::filesystem::path ledger;  // empty: none configured
    bool log_evaluations = true;
    std::string node;  // ledger.node, default the host name
    std::optional<ledger::CheckpointConfig> checkpoint;
    std::optional<ledger::ShipConfig> ship;
    std::string log_level = "warn";
    std::filesystem::path log_file;  // empty: standard error

    // Reads and checks a configuration file; relative paths become relative to its folder.
    // Throws Error: IO, PARSE, CONFIG with file, line and pointer.
    static EngineConfig load(const std::filesystem::path& file);
};

class Engine {
public:
    // REQUIRES: nothing; throws Error (CONFIG, IO, PARSE, LIMIT) when anything is unusable.
    static std::unique_ptr<Engine> open(const std::filesystem::path& config_file);
    ~Engine();

    // Writes the evaluate response for a NUL-terminated request document into out; throws
    // Error (PARSE, SCHEMA, LIMIT).
    void evaluate(const char* request_json, TextBuffer& out) const;
    std::string evaluate(const char* request_json) const;

    // firstset_lint: audits a tender's evaluation method (Rule L) under the pack chosen for it.
    // Throws Error (PARSE, SCHEMA, LIMIT, CONFIG when no pack is for the tender).
    void lint(const char* tender_json, TextBuffer& out) const;

    // firstset_record: appends an award, failure report or tolerance decision to the ledger
    // (durable on return) and writes the response. Throws Error: CONFIG (no ledger configured),
    // PARSE, SCHEMA, LIMIT, NOT_FOUND, IO.
    void record(const char* record_json, TextBuffer& out) const;

    ledger::Ledger* ledger() const { return ledger_.get(); }
    ledger::Shipper* shipper() const { return shipper_.get(); }
    ledger::CheckpointWriter* checkpoints() const { return checkpoints_.get(); }

    // firstset_status: the registry's freshness, the ledger's head, checkpoints and shipping.
    void status(TextBuffer& out) const;

    const PolicySet& policies() const { return *policies_; }
    // The registry in force now: a snapshot that stays valid while held, whatever a refresh does.
    std::shared_ptr<const Registry> registry() const { return feed_ ? feed_->current() : registry_; }
    RegistryFeed* registry_feed() const { return feed_.get(); }
    spdlog::logger& log() const { return *log_; }

private:
    Engine() = default;

    EngineConfig config_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<const PolicySet> policies_;
    std::shared_ptr<const Registry> registry_;  // a registry file
    std::unique_ptr<RegistryFeed> feed_;         // or a registry followed from a URL
    std::unique_ptr<ledger::Ledger> ledger_;  // none when the configuration names no ledger
    // Declared after the ledger, so destroyed before it: first the checkpoint writer (a last
    // checkpoint of the durable head), then the shipper (a last pass, which ships it).
    std::unique_ptr<ledger::Shipper> shipper_;
    std::unique_ptr<ledger::CheckpointWriter> checkpoints_;
};

// firstset_verify: needs no engine.
void verify_ledger(const char* request_json, TextBuffer& out);

}  // namespace firstset
