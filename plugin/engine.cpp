// Opening an engine: the configuration read, the packs and registry loaded, the ledger opened
// and its threads (registry refresh, checkpoints, shipping) started. The calls are in
// engine_pipeline.cpp, the status in engine_status.cpp.
#include "engine.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ledger/ledger.hpp"
#include "util/error.hpp"

namespace firstset {

namespace {

// A logger of the engine's own, never registered in spdlog's global registry: a host that
// uses spdlog itself must not see or collide with it. Logging failures are swallowed: a
// full disk must not turn an evaluation into an error.
std::shared_ptr<spdlog::logger> make_logger(const EngineConfig& c) {
    spdlog::sink_ptr sink;
    if (c.log_file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        try {
            sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(c.log_file.string(), false);
        } catch (const spdlog::spdlog_ex& e) {
            throw StatusError(Status::io, "LOG_UNWRITABLE", "cannot open the log file " + c.log_file.string() + ": " + e.what(),
                        "无法打开日志文件 " + c.log_file.string() + "：" + e.what(), Location{"/log/file", c.file.string(), 0, 0});
        }
    }
    auto logger = std::make_shared<spdlog::logger>("firstset", std::move(sink));
    logger->set_level(spdlog::level::from_str(c.log_level));
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [firstset] [%l] %v");
    logger->set_error_handler([](const std::string&) {});
    return logger;
}

}  // namespace

std::unique_ptr<EngineCore> EngineCore::open(const std::filesystem::path& config_file) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<EngineCore> e(new EngineCore);
    e->config_ = EngineConfig::load(config_file);
    e->log_ = make_logger(e->config_);
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
        e->ledger_ = ledger::Ledger::open(e->config_.ledger);
        if (e->ledger_->bytes_cut_at_open() > 0)
            e->log_->warn("ledger {}: cut {} bytes of an unfinished last record into {}.broken", e->config_.ledger.string(),
                          e->ledger_->bytes_cut_at_open(), e->config_.ledger.string());
        e->log_->info("ledger {}: {} records, head {}", e->config_.ledger.string(), e->ledger_->head().seq,
                      e->ledger_->head().id);
        if (e->config_.checkpoint)
            e->checkpoints_ = std::make_unique<ledger::CheckpointWriter>(*e->config_.checkpoint, *e->ledger_, e->log_);
        if (e->config_.ship) e->shipper_ = std::make_unique<ledger::Shipper>(*e->config_.ship, *e->ledger_, e->log_);
    }
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::string packs;
    for (const auto& p : e->policies_->all())
        packs += (packs.empty() ? "" : ", ") + p->id + " (" + p->document + "; for " + p->scope.describe() + ")";
    e->log_->info("opened: policies {}, registry {} version {} with {} certificates, in {:.1f} ms", packs,
                  registry->id(), registry->version(), registry->size(), ms);
    if (registry->holder_checksum_warnings() > 0)
        e->log_->warn("registry {}: {} holder USCCs have a wrong check character; they are compared as written",
                      registry->id(), registry->holder_checksum_warnings());
    return e;
}

EngineCore::~EngineCore() = default;

}  // namespace firstset
