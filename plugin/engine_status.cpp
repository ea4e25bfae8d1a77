// firstset_status: what an operator monitors (docs/abi.md section 7a,
// schemas/status-response.schema.json). Reads counters and snapshots; never waits on the network.
#include "engine.hpp"

#include "evaluate/provenance.hpp"
#include "ledger/ledger.hpp"
#include "util/civil_date.hpp"
#include "util/json_out.hpp"

namespace firstset {

void EngineCore::status(TextBuffer& out) const {
    JsonOut w(out);
    auto count = [&](const char* key, std::uint64_t n) {
        w.field(key, n);
    };
    auto text_or_null = [&](const char* key, const std::string& text) {
        w.key(key);
        if (text.empty()) w.null();
        else w.string(text);
    };
    w.begin_object();
    const auto registry = this->registry();
    w.begin_object("registry");
    write_registry_members(w, *registry);
    count("certificates", registry->size());
    w.key("source");
    if (feed_) {
        const RegistryFreshness f = feed_->freshness();
        const RegistryFeed::Counters c = feed_->counters();
        w.begin_object();
        write_freshness_members(w, f);
        w.field("refused", f.age_seconds > feed_->config().refuse_after.count());
        count("fetches", c.fetches);
        count("not_modified", c.not_modified);
        count("updates", c.updates);
        count("failures", c.failures);
        text_or_null("last_error", c.last_error);
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.key("ledger");
    if (!ledger_) {
        w.null();
        w.end_object();
        return;
    }
    w.begin_object();
    w.field("path", config_.ledger.string());
    w.field("node", config_.node);
    const ledger::Head head = ledger_->head();
    count("records", ledger_->durable_seq());
    w.begin_object("head");
    count("seq", head.seq);
    w.field("id", head.id);
    w.end_object();
    w.key("checkpoint");
    const auto cp = checkpoints_ ? checkpoints_->last() : std::nullopt;
    if (cp) {
        w.begin_object();
        w.field("file", checkpoints_->config().file.string());
        w.field("origin", cp->origin);
        count("size", cp->size);
        w.field("head_id", cp->head_id);
        w.field("key", checkpoints_->config().key.verifier().text());
        w.end_object();
    } else {
        w.null();
    }
    w.key("shipping");
    if (shipper_) {
        const ledger::ShipCounters c = shipper_->counters();
        w.begin_object();
        w.field("url", shipper_->config().url);
        count("shipped_records", c.shipped_records);
        count("pending_records", c.pending_records);
        count("shipped_batches", c.shipped_batches);
        count("failures", c.failures);
        count("consecutive_failures", c.consecutive_failures);
        text_or_null("last_error", c.last_error);
        text_or_null("last_success", c.last_success == 0 ? std::string() : utc_timestamp(c.last_success));
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.end_object();
}

}  // namespace firstset

namespace firstset {

EngineCore::Counters EngineCore::counters() const {
    Counters c;
    c.registry_certificates = registry()->size();
    if (feed_) {
        const RegistryFreshness f = feed_->freshness();
        const RegistryFeed::Counters rc = feed_->counters();
        c.registry_followed = true;
        c.registry_age_seconds = f.age_seconds;
        c.registry_stale = f.stale;
        c.registry_refused = f.age_seconds > feed_->config().refuse_after.count();
        c.registry_fetches = rc.fetches;
        c.registry_updates = rc.updates;
        c.registry_failures = rc.failures;
    }
    if (ledger_) {
        c.ledger = true;
        c.ledger_records = ledger_->durable_seq();
        c.ledger_appends = c.ledger_records - ledger_base_;
        c.ledger_syncs = ledger_->syncs();
    }
    if (shipper_) {
        const ledger::ShipCounters s = shipper_->counters();
        c.shipping = true;
        c.shipped_records = s.shipped_records;
        c.shipped_batches = s.shipped_batches;
        c.ship_pending = s.pending_records;
        c.ship_failures = s.failures;
        c.ship_consecutive_failures = s.consecutive_failures;
    }
    return c;
}

}  // namespace firstset
