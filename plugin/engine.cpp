// Opening an engine: the configuration read, the packs and registry loaded, the ledger opened
// and its threads (registry refresh, checkpoints, shipping) started. The calls are in
// engine_pipeline.cpp, the status in engine_status.cpp.
#include "engine.hpp"

#include "ledger/ledger.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace firstset {

namespace {

LogLevel configured_level(const EngineConfig& c) {
    LogLevel level = LogLevel::warn;
    log_level_from_name(c.log_level, level);  // the schema allows only names it knows
    return level;
}

}  // namespace

std::unique_ptr<EngineCore> EngineCore::open(const std::filesystem::path& config_file) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<EngineCore> e(new EngineCore);
    e->config_ = EngineConfig::load(config_file);
    e->log_ = Log::open(configured_level(e->config_), e->config_.log_file, e->config_.file.string());
    {
        std::vector<std::shared_ptr<const Policy>> scoped;
        for (const auto& file : e->config_.policies) scoped.push_back(std::make_shared<const Policy>(Policy::load(file)));
        std::shared_ptr<const Policy> fallback;
        if (!e->config_.policy.empty()) {
            for (const auto& p : scoped)
                if (std::filesystem::equivalent(p->file, e->config_.policy)) fallback = p;
            if (!fallback) fallback = std::make_shared<const Policy>(Policy::load(e->config_.policy));
        }
        e->policies_ = std::make_shared<const PolicySet>(std::move(scoped), std::move(fallback), config_file.string());
    }
    if (e->config_.registry_feed) {
        e->feed_ = std::make_unique<RegistryFeed>(*e->config_.registry_feed, e->log_);
        e->feed_->start();
    } else {
        e->registry_ = std::make_shared<const Registry>(
            e->config_.registry_key ? Registry::load_signed(e->config_.registry, *e->config_.registry_key, e->config_.registry_signature)
                                    : Registry::load(e->config_.registry));
    }
    const auto registry = e->registry();
    if (!e->config_.ledger.empty()) {
        e->ledger_ = ledger::Ledger::open(e->config_.ledger, nullptr, e->config_.ledger_hash);
        e->ledger_base_ = e->ledger_->durable_seq();  // after a new ledger's genesis record
        if (e->ledger_->bytes_cut_at_open() > 0)
            e->log_->warn("LEDGER_TAIL_CUT", "ledger {}: cut {} bytes of an unfinished last record into {}.broken", e->config_.ledger.string(),
                          e->ledger_->bytes_cut_at_open(), e->config_.ledger.string());
        e->log_->info("LEDGER_OPENED", "ledger {}: {} records, head {}", e->config_.ledger.string(), e->ledger_->head().seq,
                      e->ledger_->head().id);
        if (e->config_.checkpoint)
            e->checkpoints_ = std::make_unique<ledger::CheckpointWriter>(*e->config_.checkpoint, *e->ledger_, e->log_);
        if (e->config_.ship) e->shipper_ = std::make_unique<ledger::Shipper>(*e->config_.ship, *e->ledger_, e->log_);
    }
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::string packs;
    for (const auto& p : e->policies_->all())
        packs += (packs.empty() ? "" : ", ") + p->id + " (" + p->document + "; for " + p->scope.describe() + ")";
    e->log_->info("ENGINE_OPENED", "opened: policies {}, registry {} version {} with {} certificates, in {:.1f} ms", packs,
                  registry->id(), registry->version(), registry->size(), ms);
    if (registry->holder_checksum_warnings() > 0)
        e->log_->warn("REGISTRY_USCC_CHECK_CHARACTER", "registry {}: {} holder USCCs have a wrong check character; they are compared as written",
                      registry->id(), registry->holder_checksum_warnings());
    return e;
}

EngineCore::~EngineCore() = default;

}  // namespace firstset
