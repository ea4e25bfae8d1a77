// The core of an engine (behind the C ABI's firstset_engine; named apart from the public C++
// wrapper's firstset::Engine): the loaded policy packs and certificate registry, the ledger and
// its threads, a private logger. Opening is engine.cpp, the configuration engine_config.cpp,
// the calls (parse -> schema -> values -> pack -> rules -> response) engine_pipeline.cpp, the
// status engine_status.cpp.
//
// Thread safety: evaluate, lint, record and status may run concurrently from many threads
// without external synchronisation; only destruction must not race with them. What open() sets
// (the configuration, the packs, the pointers below) never changes after. What does change is
// synchronised where it lives: the registry followed from a URL is swapped atomically by its
// refresh thread (a call takes one snapshot and keeps it), the ledger serialises appends and
// group-commits them, and the checkpoint writer and the shipper run on threads of their own
// with their own locks. Every call works on its own request document and output buffer.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include "util/log.hpp"
#include "engine_config.hpp"
#include "evaluate/caller.hpp"
#include "policy/policy.hpp"
#include "policy/policy_set.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/ship.hpp"
#include "registry/feed.hpp"
#include "registry/registry.hpp"

namespace firstset {

class TextBuffer;
namespace ledger {
class Ledger;
}

class EngineCore {
public:
    // REQUIRES: nothing; throws StatusError (CONFIG, IO, PARSE, LIMIT) when anything is unusable.
    static std::unique_ptr<EngineCore> open(const std::filesystem::path& config_file);
    ~EngineCore();

    // Writes the evaluate response for a NUL-terminated request document into out; throws
    // StatusError (PARSE, SCHEMA, LIMIT).
    // caller: who called from where (firstset-server), written into the evaluation record.
    void evaluate(std::string_view request_json, TextBuffer& out, const Caller* caller) const;
    void evaluate(std::string_view request_json, TextBuffer& out) const { evaluate(request_json, out, nullptr); }
    // The same, but a logged evaluation's record is only enqueued: *pending is set to its seq
    // (0 when nothing was logged), and the answer may be given once wait_durable(*pending)
    // returned. firstset-server answers other requests meanwhile, and one sync covers them all.
    void evaluate(std::string_view request_json, TextBuffer& out, const Caller* caller, std::uint64_t* pending) const;
    // Returns once the ledger's records up to seq are on disk; throws StatusError (IO) when a
    // write or sync failed. Nothing to wait for without a ledger.
    void wait_durable(std::uint64_t seq) const;
    std::string evaluate(std::string_view request_json) const;

    // firstset_lint: audits a tender's evaluation method (Rule L) under the pack chosen for it.
    // Throws StatusError (PARSE, SCHEMA, LIMIT, CONFIG when no pack is for the tender).
    void lint(std::string_view tender_json, TextBuffer& out) const;

    // firstset_incentive: Rule R (first-purchase reward, clause （一）) or Rule S (premium subsidy,
    // clause （二）) for one certificate, under the request's `policy` or else the one configured
    // pack with an incentives section. Throws StatusError: PARSE, SCHEMA (MONEY_*, YEARS_ORDER),
    // LIMIT, NOT_FOUND (POLICY_UNKNOWN), CONFIG (POLICY_NO_INCENTIVES, INCENTIVE_POLICY_AMBIGUOUS).
    void incentive(std::string_view request_json, TextBuffer& out) const;

    // firstset_record: appends an award, failure report or tolerance decision to the ledger
    // (durable on return) and writes the response. Throws StatusError: CONFIG (no ledger configured),
    // PARSE, SCHEMA, LIMIT, NOT_FOUND, IO.
    void record(std::string_view record_json, TextBuffer& out, const Caller* caller) const;
    void record(std::string_view record_json, TextBuffer& out) const { record(record_json, out, nullptr); }

    // A stored award, failure report or tolerance decision by id: its whole ledger line (a JSON
    // object, without newline); nullopt when there is none or no ledger is configured.
    std::optional<std::string> find_record(std::string_view id) const;

    // What an operator graphs (firstset-server's /metrics): read from counters, never waiting.
    struct Counters {
        bool ledger = false;
        std::uint64_t ledger_records = 0;        // durable records in the file
        std::uint64_t ledger_appends = 0;        // records appended by calls since open
        std::uint64_t ledger_syncs = 0;          // syncs since open (appends / syncs: group commit)
        bool registry_followed = false;          // registry from a URL
        std::int64_t registry_age_seconds = 0;   // since the registry was last confirmed current
        bool registry_stale = false;             // past registry.stale_after
        bool registry_refused = false;           // past refuse_after: evaluations are refused
        std::uint64_t registry_fetches = 0, registry_updates = 0, registry_failures = 0;
        std::size_t registry_certificates = 0;
        bool shipping = false;
        std::uint64_t shipped_records = 0, shipped_batches = 0, ship_pending = 0, ship_failures = 0,
                      ship_consecutive_failures = 0;
    };
    Counters counters() const;

    // Whether evaluate appends to the ledger (and so waits for the disk).
    bool evaluations_logged() const { return ledger_ && config_.log_evaluations; }
    const EngineConfig& config() const { return config_; }

    // firstset_status: the registry's freshness, the ledger's head, checkpoints and shipping.
    void status(TextBuffer& out) const;

    // The registry in force now: a snapshot that stays valid while held, whatever a refresh does.
    std::shared_ptr<const Registry> registry() const { return feed_ ? feed_->current() : registry_; }
    RegistryFeed* registry_feed() const { return feed_.get(); }  // null for a registry file; tests refresh it

private:
    EngineCore() = default;

    EngineConfig config_;
    std::shared_ptr<const Log> log_;
    std::shared_ptr<const PolicySet> policies_;
    std::shared_ptr<const Registry> registry_;  // a registry file
    std::unique_ptr<RegistryFeed> feed_;         // or a registry followed from a URL
    std::unique_ptr<ledger::Ledger> ledger_;  // none when the configuration names no ledger
    std::uint64_t ledger_base_ = 0;           // its records once open: appends are counted from here
    // Declared after the ledger, so destroyed before it: first the checkpoint writer (a last
    // checkpoint of the durable head), then the shipper (a last pass, which ships it).
    std::unique_ptr<ledger::Shipper> shipper_;
    std::unique_ptr<ledger::CheckpointWriter> checkpoints_;
};

// firstset_verify: needs no engine.
void verify_ledger(std::string_view request_json, TextBuffer& out);

}  // namespace firstset
