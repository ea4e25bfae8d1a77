// The calls of an engine, each the same way: the request parsed within the ABI's limits and
// checked against its schema, read into plain values, the pack chosen from those values and
// the values checked against it, the pure rules, the response written; the ledger the only
// side effect.
#include "engine.hpp"


#include "evaluate/evaluation_record.hpp"
#include "evaluate/request.hpp"
#include "evaluate/response.hpp"
#include "evaluate/rules.hpp"
#include "firstset/firstset.h"
#include "incentive/incentive.hpp"
#include "ledger/ledger.hpp"
#include "ledger/verify_file.hpp"
#include "lint/lint.hpp"
#include "schema/embedded.hpp"
#include "tolerance/records.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

namespace firstset {

namespace {

// Parses a request within the ABI's limits and checks it against its schema; the root.
// Throws StatusError: LIMIT, PARSE, SCHEMA (with the JSON Pointer).
const json::Value& parse_valid_request(std::string_view text, json::Document& parsed, const char* what,
                                       const char* schema_name) {
    parsed = json::Document::parse(text, json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH}, what);
    const json::Value& root = parsed.root();
    if (auto v = schema::builtin().validate(schema_name, root))
        throw StatusError(Status::schema, v->code, (v->path.empty() ? std::string("the document") : v->path) + ": " + v->message_en,
                          (v->path.empty() ? std::string("文档") : v->path) + "：" + v->message_zh,
                    Location{v->path, "", 0, 0});
    return root;
}

}  // namespace

std::string EngineCore::evaluate(std::string_view request_json) const {
    TextBuffer out;
    evaluate(request_json, out);
    return out.str();
}

void EngineCore::evaluate(std::string_view request_json, TextBuffer& response, const Caller* caller) const {
    evaluate(request_json, response, caller, nullptr);
}

void EngineCore::wait_durable(std::uint64_t seq) const {
    if (ledger_ && seq > 0) ledger_->wait_durable(seq);
}

void EngineCore::evaluate(std::string_view request_json, TextBuffer& response, const Caller* caller,
                          std::uint64_t* pending) const {
    if (pending) *pending = 0;
    json::Document parsed;
    const json::Value& doc = parse_valid_request(request_json, parsed, "request", "evaluate-request.schema.json");
    // Values first; they choose the pack; then the request is checked against it.
    EvaluateRequest request = read_evaluate_request(doc);
    const Policy& policy = policies_->select_for(request.tender, "/tender");
    check_against(policy, request.tender, "/tender");
    // One registry for the whole call, with the freshness of that very registry; IO
    // REGISTRY_TOO_OLD past refuse_after.
    RegistrySnapshot snapshot = feed_ ? feed_->snapshot() : RegistrySnapshot{registry_, {}};
    const Registry& registry = *snapshot.registry;
    const Evaluation evaluation = evaluate_rules(policy, registry, request);

    std::optional<ledger::Appended> recorded;
    if (ledger_ && config_.log_evaluations) {
        const std::string body = evaluation_record_body(policy, registry, request_json, request, evaluation, caller);
        if (pending) {
            recorded = ledger_->enqueue("evaluation", body);
            *pending = recorded->seq;
        } else {
            recorded = ledger_->append("evaluation", body);
        }
    }
    response.reserve(1024 + 700 * (request.tender.criteria.size() + evaluation.certificates.size()));
    JsonOut writer(response);
    write_evaluate_response(writer, policy, registry, request, evaluation, recorded ? &*recorded : nullptr,
                            feed_ ? &snapshot.freshness : nullptr);
    log_->debug("EVALUATED", "evaluated tender {} bid {}: {} criteria, {} certificates claimed", request.tender.id,
                request.bid.id, evaluation.criteria.size(), evaluation.certificates.size());
}

void EngineCore::lint(std::string_view tender_json, TextBuffer& out) const {
    json::Document parsed;
    const json::Value& tender = parse_valid_request(tender_json, parsed, "tender", "lint-request.schema.json");
    lint::Input input = lint::read_input(tender, "");
    const Policy& policy = policies_->select_for(input.tender, "");
    if (!policy.lint)
        throw StatusError(Status::config, "POLICY_NO_LINT",
                    "policy " + policy.id + " has no lint section, so evaluation methods cannot be audited under it",
                    "政策 " + policy.id + " 没有评标办法审查（lint）设置，无法据此审查评标办法", Location{"", policy.file, 0, 0});
    check_against(policy, input.tender, "");
    const lint::Result result = lint::run(policy, input);
    JsonOut writer(out);
    lint::write_response(writer, policy, input, result);
    log_->debug("LINTED", "linted tender {} under {}: {} errors, {} warnings", input.tender.id, policy.id, result.errors,
                result.warnings);
}

void EngineCore::incentive(std::string_view request_json, TextBuffer& out) const {
    json::Document parsed;
    const json::Value& doc = parse_valid_request(request_json, parsed, "request", "incentive-request.schema.json");
    const incentive::Request request = incentive::read_request(doc);
    const bool reward = request.clause == incentive::Request::Clause::first_purchase_reward;
    const char* clause = reward ? "first_purchase_reward" : "premium_subsidy";
    auto has_clause = [&](const Policy& p) {
        return p.incentives && (reward ? p.incentives->first_purchase_reward.has_value() : p.incentives->premium_subsidy.has_value());
    };
    const Policy* policy = nullptr;
    if (request.policy) {
        policy = policies_->by_id(*request.policy);
        if (!policy)
            throw StatusError(Status::not_found, "POLICY_UNKNOWN",
                              "no configured policy pack has the id " + std::string(*request.policy),
                              "没有编号为 " + std::string(*request.policy) + " 的已配置政策包", Location{"/policy", "", 0, 0});
    } else {
        for (const auto& p : policies_->all()) {
            if (!has_clause(*p)) continue;
            if (policy)
                throw StatusError(Status::config, "INCENTIVE_POLICY_AMBIGUOUS",
                                  "more than one configured policy pack sets " + std::string(clause) + " (" + policy->id + ", " + p->id +
                                      "); name one in the request's \"policy\"",
                                  "多个已配置的政策包设置了 " + std::string(clause) + "（" + policy->id + "、" + p->id +
                                      "）；请在请求的 \"policy\" 中指明",
                                  Location{"/policy", "", 0, 0});
            policy = p.get();
        }
    }
    if (!policy || !has_clause(*policy)) {
        const std::string which = policy ? "policy pack " + policy->id + " sets" : "no configured policy pack sets";
        const std::string which_zh = policy ? "政策包 " + policy->id + " 未设置" : "已配置的政策包均未设置";
        throw StatusError(Status::config, "POLICY_NO_INCENTIVES",
                          which + (policy ? " no " : " ") + "incentives." + clause + ", so clause " +
                              (reward ? "（一）" : "（二）") + " cannot be applied under it",
                          which_zh + " incentives." + clause + "，无法据此适用第" + (reward ? "（一）" : "（二）") + "项",
                          Location{request.policy ? "/policy" : "", policy ? policy->file : "", 0, 0});
    }
    const std::shared_ptr<const Registry> registry = feed_ ? feed_->snapshot().registry : registry_;
    JsonOut writer(out);
    incentive::respond(writer, *policy, *registry, request);
    log_->debug("INCENTIVE", "{} for certificate {} under {}", clause, request.certificate, policy->id);
}

void EngineCore::record(std::string_view record_json, TextBuffer& out, const Caller* caller) const {
    if (!ledger_)
        throw StatusError(Status::config, "NO_LEDGER",
                    "the configuration names no ledger (ledger: {path: ...}), so records cannot be kept",
                    "配置文件未指定账本（ledger: {path: ...}），无法保存记录", Location{"/ledger", config_.file.string(), 0, 0});
    json::Document parsed;
    const json::Value& request = parse_valid_request(record_json, parsed, "record", "record-request.schema.json");
    const std::shared_ptr<const Registry> snapshot = feed_ ? feed_->snapshot().registry : registry_;
    tolerance::record(tolerance::RecordContext{*policies_, *snapshot, *ledger_, caller}, request, out);
    log_->info("RECORDED", "recorded {} in ledger {}", request["kind"].str(), config_.ledger.string());
}

std::optional<std::string> EngineCore::find_record(std::string_view id) const {
    if (!ledger_) return std::nullopt;
    auto found = ledger_->find(id);
    if (!found) return std::nullopt;
    return std::move(found->line);
}

void verify_ledger(std::string_view request_json, TextBuffer& out) {
    json::Document parsed;
    ledger::verify_file(parse_valid_request(request_json, parsed, "verify request", "verify-request.schema.json"), out);
}

}  // namespace firstset
