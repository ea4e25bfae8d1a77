// Building evaluate requests for the rule tests: a tender with criteria and a bid with offers,
// checked against the request schema exactly as the engine would.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "evaluate/request.hpp"
#include "firstset/firstset.h"
#include "evaluate/rules.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "schema/embedded.hpp"
#include "support.hpp"
#include "util/json.hpp"

namespace test {

inline const char* const holder_uscc = "91500107EXAMPLE01K";

inline nlohmann::json offer(const std::string& item, const std::string& model, const std::string& uscc,
                            const std::string& certificate = "") {
    nlohmann::json o = {{"item", item}, {"model", model}, {"manufacturer", {{"name", "制造商（样例）"}, {"uscc", uscc}}}};
    if (!certificate.empty()) o["first_set_certificate"] = certificate;
    return o;
}

inline nlohmann::json criterion(const std::string& id, const std::string& kind, const std::string& mode,
                                nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json c = {{"id", id}, {"name", id + " 名称"}, {"kind", kind}, {"mode", mode}};
    if (mode == "scored") c["max_points"] = 10;
    for (auto it = extra.begin(); it != extra.end(); ++it) c[it.key()] = it.value();
    return c;
}

inline nlohmann::json request(const nlohmann::json& criteria, const nlohmann::json& offers,
                              const std::string& deadline = "2026-03-16T09:30:00+08:00") {
    return {{"tender",
             {{"id", "T-1"},
              {"bid_deadline", deadline},
              {"first_set_equivalence", true},
              {"items", {{{"id", "I1"}}, {{"id", "I2"}}, {{"id", "I3"}}}},
              {"criteria", criteria}}},
            {"bid", {{"id", "B-1"}, {"bidder", {{"name", "投标人（样例）"}, {"uscc", "91500108EXAMPLE07L"}}}, {"offers", offers}}}};
}

// Parses, validates and evaluates a request; the document outlives the returned values.
struct Evaluated {
    firstset::json::Document doc;
    firstset::EvaluateRequest request;
    firstset::Evaluation result;
};

inline std::unique_ptr<Evaluated> evaluate(const firstset::Policy& policy, const firstset::Registry& registry,
                                           const nlohmann::json& req) {
    auto e = std::make_unique<Evaluated>();
    e->doc = firstset::json::Document::parse(req.dump(), firstset::json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH},
                                             "request");
    auto violation = firstset::schema::builtin().validate("evaluate-request.schema.json", e->doc.root());
    INFO((violation ? violation->path + ": " + violation->message_en : std::string()));
    REQUIRE_FALSE(violation);
    e->request = firstset::read_evaluate_request(e->doc.root());
    firstset::check_against(policy, e->request.tender, "/tender");
    e->result = firstset::evaluate_rules(policy, registry, e->request);
    return e;
}

}  // namespace test
