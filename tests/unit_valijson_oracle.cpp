// firstset's validator against valijson, the reference: on the product's own schemas, both must
// give the same verdict on the sample documents and on every systematic mutation of them (each
// value replaced by values of every type and shape, each member removed, a member added).
#include <catch2/catch.hpp>

// valijson reports what it cannot handle by exception rather than by abort().
#define VALIJSON_USE_EXCEPTIONS 1
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <map>
#include <optional>

#include "schema/embedded.hpp"
#include "json_support.hpp"
#include "support.hpp"
#include "util/json.hpp"
#include "util/source_document.hpp"

using namespace firstset;

namespace {

// valijson's view of the same schema files, with $ref between files resolved by name.
class Oracle {
public:
    explicit Oracle(const std::string& root) {
        for (const auto& [name, text] : schema::embedded_documents()) documents_[name] = nlohmann::json::parse(text);
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter adapter(documents_.at(root));
        parser.populateSchema(
            adapter, schema_,
            [this](const std::string& uri) -> const nlohmann::json* {
                auto slash = uri.find_last_of('/');
                auto name = slash == std::string::npos ? uri : uri.substr(slash + 1);
                auto it = documents_.find(name);
                return it == documents_.end() ? nullptr : &it->second;
            },
            [](const nlohmann::json*) {});
    }
    // nullopt when valijson cannot judge: valijson 1.0 applies "format" before "type" and
    // throws on a non-string value under a format (it casts the value to a string).
    std::optional<bool> valid(const nlohmann::json& doc) {
        valijson::adapters::NlohmannJsonAdapter target(doc);
        try {
            return validator_.validate(schema_, target, nullptr);
        } catch (const std::runtime_error& e) {
            if (std::string(e.what()) != "JSON value cannot be cast to a string.") throw;
            return std::nullopt;
        }
    }

private:
    std::map<std::string, nlohmann::json> documents_;
    valijson::Schema schema_;
    valijson::Validator validator_;
};

// As the plugin validates: its one JSON reader, then the compiled schema.
std::optional<schema::Violation> firstset_violation(const std::string& schema_name, const nlohmann::json& doc) {
    return test::validate_text(schema::builtin(), schema_name, doc.dump());
}

void collect_pointers(const nlohmann::json& j, const nlohmann::json::json_pointer& at,
                      std::vector<nlohmann::json::json_pointer>& out) {
    out.push_back(at);
    if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it) collect_pointers(it.value(), at / it.key(), out);
    else if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i) collect_pointers(j[i], at / i, out);
}

const nlohmann::json replacements = nlohmann::json::parse(R"([
    null, true, false, 0, -1, 1.5, 1000000, "", "x", "91500107EXAMPLE01K", "91500107example01k",
    "2026-03-16", "2026-02-30", "2026-03-16T09:30:00+08:00", "2026-03-16T09:30:00", "CN-CQ", "scored",
    [], [1], ["x"], {}, {"x": 1}
])");

// Returns how many documents were compared.
int differential(const std::string& schema_name, const nlohmann::json& base) {
    Oracle oracle(schema_name);
    int compared = 0, unjudged = 0;
    auto compare = [&](const nlohmann::json& doc, const std::string& what) {
        const auto violation = firstset_violation(schema_name, doc);
        const bool ours = !violation;
        const auto reference = oracle.valid(doc);
        INFO(schema_name << ": " << what << ": firstset says "
                         << (ours ? "valid" : "invalid (" + violation->path + ": " + violation->message_en + ")")
                         << ", valijson says " << (!reference ? "nothing (it threw)" : *reference ? "valid" : "invalid"));
        if (!reference) {
            // Where valijson cannot judge, the value is not a string where a dated string must be.
            CHECK_FALSE(ours);
            if (violation) CHECK(violation->keyword == "type");
            ++unjudged;
            return;
        }
        CHECK(ours == *reference);
        ++compared;
    };
    compare(base, "the sample itself");
    std::vector<nlohmann::json::json_pointer> pointers;
    collect_pointers(base, nlohmann::json::json_pointer(), pointers);
    for (const auto& p : pointers) {
        if (p.empty()) continue;
        for (const auto& r : replacements) {
            nlohmann::json doc = base;
            doc[p] = r;
            compare(doc, p.to_string() + " = " + r.dump());
        }
        nlohmann::json removed = base;
        const auto parent = p.parent_pointer();
        if (removed[parent].is_object()) removed[parent].erase(p.back());
        else removed[parent].erase(static_cast<std::size_t>(std::stoul(p.back())));
        compare(removed, p.to_string() + " removed");
        if (base[p].is_object()) {
            nlohmann::json added = base;
            added[p]["zz_unknown"] = 1;
            compare(added, p.to_string() + " with an unknown member");
        }
    }
    WARN(schema_name << ": " << compared << " documents judged alike by firstset and valijson; " << unjudged
                     << " that valijson could not judge were refused by firstset for their type");
    return compared;
}

nlohmann::json as_json(const SourceDocument& d) { return nlohmann::json::parse(d.root().to_json()); }

}  // namespace

TEST_CASE("Schemas: firstset's validator agrees with valijson on evaluate requests and their mutations", "[validator][oracle]") {
    int n = differential("evaluate-request.schema.json", test::sample_request());
    CHECK(n > 1000);
}

TEST_CASE("Schemas: firstset's validator agrees with valijson on registries and their mutations", "[validator][oracle]") {
    auto registry = as_json(SourceDocument::read(test::source("examples/registry.yaml")));
    registry["certificates"] = nlohmann::json::array({registry["certificates"][0], registry["certificates"][4]});
    CHECK(differential("registry.schema.json", registry) > 300);
}

TEST_CASE("Schemas: firstset's validator agrees with valijson on policy packs and configurations", "[validator][oracle]") {
    auto pack = as_json(SourceDocument::read(test::source("criteria/policies/cn-cq-2024-9.yaml")));
    CHECK(differential("policy.schema.json", pack) > 500);
    auto config = as_json(SourceDocument::read(test::source("examples/config.yaml")));
    config["ledger"] = {{"path", "var/ledger.jsonl"}, {"log_evaluations", true}};
    CHECK(differential("config.schema.json", config) > 100);
}
