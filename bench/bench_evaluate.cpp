// firstset_evaluate on a tender of 20 criteria and a bid of 5 offers, against a generated JSON
// registry of 100,000 certificates; the registry's load time and memory; and, side by side in
// the same run, the stages of the call and the libraries they were chosen over.
//
//   cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DFIRSTSET_BUILD_BENCH=ON
//   cmake --build build/bench -j2 --target firstset_bench
//   build/bench/bench/firstset_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
//
// docs/performance.md records the figures.
#include "util/json.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <simdjson.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "load_figures.hpp"
#include "evaluate/request.hpp"
#include "evaluate/response.hpp"
#include "evaluate/rules.hpp"
#include "firstset/firstset.h"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "schema/embedded.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "bench_fixture.hpp"

namespace fs = std::filesystem;
using namespace firstset;
using bench::fixture;

namespace {

constexpr int certificate_count = bench::full_registry;

firstset_engine* engine() { return fixture().engine(); }
const Policy& policy() { return fixture().policy(); }
const Registry& registry() { return fixture().registry(); }


// ---- the whole call, through the C ABI -------------------------------------------------

void BM_Evaluate(benchmark::State& state) {
    const std::string& request = fixture().request;
    firstset_engine* e = engine();
    std::size_t bytes = 0;
    for (auto _ : state) {
        char* response = nullptr;
        if (firstset_evaluate(e, request.c_str(), &response) != FIRSTSET_OK) state.SkipWithError(response);
        bytes = std::strlen(response);
        firstset_free(response);
    }
    state.counters["request_bytes"] = static_cast<double>(request.size());
    state.counters["response_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMicrosecond);

// ---- its stages ------------------------------------------------------------------------

void BM_Stage_Parse(benchmark::State& state) {
    for (auto _ : state) {
        json::Document d = json::Document::parse(fixture().request, json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH},
                                                 "request");
        benchmark::DoNotOptimize(d.root());
    }
}
BENCHMARK(BM_Stage_Parse)->Unit(benchmark::kMicrosecond);

// The same text through simdjson's DOM alone: what the reader's own checks and tree cost
// (repeated names, numbers kept as written, positions).
void BM_Peer_SimdjsonDomParse(benchmark::State& state) {
    simdjson::dom::parser parser;
    for (auto _ : state) {
        auto element = parser.parse(fixture().request);
        if (element.error()) state.SkipWithError("simdjson refused the request");
        benchmark::DoNotOptimize(element.value_unsafe());
    }
}
BENCHMARK(BM_Peer_SimdjsonDomParse)->Unit(benchmark::kMicrosecond);

// A parsed request, for the stages after parsing.
struct Parsed {
    json::Document doc = json::Document::parse(fixture().request, json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH},
                                               "request");
};

void BM_Stage_Validate(benchmark::State& state) {
    Parsed p;
    for (auto _ : state) benchmark::DoNotOptimize(schema::builtin().validate("evaluate-request.schema.json", p.doc.root()));
}
BENCHMARK(BM_Stage_Validate)->Unit(benchmark::kMicrosecond);

// Rule work alone: reading the validated document into plain values, and rules C, D and E.
void BM_Stage_Rules(benchmark::State& state) {
    Parsed p;
    const Registry& r = registry();
    for (auto _ : state) {
        EvaluateRequest request = read_evaluate_request(p.doc.root());
        check_against(policy(), request.tender, "/tender");
        Evaluation ev = evaluate_rules(policy(), r, request);
        benchmark::DoNotOptimize(ev.criteria.data());
    }
}
BENCHMARK(BM_Stage_Rules)->Unit(benchmark::kMicrosecond);

void BM_Stage_Respond(benchmark::State& state) {
    Parsed p;
    EvaluateRequest request = read_evaluate_request(p.doc.root());
    check_against(policy(), request.tender, "/tender");
    const Evaluation ev = evaluate_rules(policy(), registry(), request);
    for (auto _ : state) {
        TextBuffer buffer(16384);
        JsonOut w(buffer);
        write_evaluate_response(w, policy(), registry(), request, ev);
        benchmark::DoNotOptimize(buffer.size());
    }
}
BENCHMARK(BM_Stage_Respond)->Unit(benchmark::kMicrosecond);

// ---- peers: the libraries the hot path does not use, on the same request ----------------

void BM_Peer_NlohmannParse(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(fixture().request));
}
BENCHMARK(BM_Peer_NlohmannParse)->Unit(benchmark::kMicrosecond);

void BM_Peer_ValijsonValidate(benchmark::State& state) {
    std::map<std::string, nlohmann::json> docs;
    for (const auto& [name, text] : schema::embedded_documents()) docs[name] = nlohmann::json::parse(text);
    valijson::Schema schema;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter root(docs.at("evaluate-request.schema.json"));
    parser.populateSchema(root, schema, [&](const std::string& uri) -> const nlohmann::json* {
        auto it = docs.find(uri.substr(uri.find_last_of('/') + 1));
        return it == docs.end() ? nullptr : &it->second;
    }, [](const nlohmann::json*) {});
    valijson::Validator validator;
    const nlohmann::json request = nlohmann::json::parse(fixture().request);
    valijson::adapters::NlohmannJsonAdapter target(request);
    for (auto _ : state) benchmark::DoNotOptimize(validator.validate(schema, target, nullptr));
}
BENCHMARK(BM_Peer_ValijsonValidate)->Unit(benchmark::kMicrosecond);

// RapidJSON's own draft-04 validator, on a draft-04 rendering of the same request schema
// (the same constraints: types, required, additionalProperties, patterns, enums, ranges).
void BM_Peer_RapidJsonSchemaValidate(benchmark::State& state) {
    static const char* const draft4 = R"({
      "type": "object", "required": ["tender", "bid"], "additionalProperties": false,
      "definitions": {
        "uscc": {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
        "party": {"type": "object", "required": ["name", "uscc"], "additionalProperties": false,
                  "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "uscc": {"$ref": "#/definitions/uscc"}}},
        "id": {"type": "string", "minLength": 1, "maxLength": 128}},
      "properties": {
        "tender": {"type": "object", "required": ["id", "bid_deadline", "criteria"], "additionalProperties": false,
          "properties": {"id": {"$ref": "#/definitions/id"},
            "bid_deadline": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"},
            "first_set_equivalence": {"type": "boolean"},
            "items": {"type": "array", "maxItems": 1000, "items": {"type": "object", "required": ["id"], "additionalProperties": false,
              "properties": {"id": {"$ref": "#/definitions/id"}, "name": {"type": "string", "maxLength": 200}, "quantity": {"type": "integer", "minimum": 1}}}},
            "criteria": {"type": "array", "maxItems": 500, "items": {"type": "object", "required": ["id", "kind", "mode"], "additionalProperties": false,
              "properties": {"id": {"$ref": "#/definitions/id"}, "name": {"type": "string", "maxLength": 500},
                "kind": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}, "mode": {"enum": ["scored", "pass_fail"]},
                "max_points": {"type": "number", "minimum": 0, "maximum": 1000}, "requirement_points": {"type": "number", "minimum": 0, "maximum": 1000},
                "items": {"type": "array", "uniqueItems": true, "items": {"$ref": "#/definitions/id"}}}}}}},
        "bid": {"type": "object", "required": ["id", "bidder", "offers"], "additionalProperties": false,
          "properties": {"id": {"$ref": "#/definitions/id"}, "bidder": {"$ref": "#/definitions/party"},
            "offers": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"type": "object", "required": ["item", "model", "manufacturer"],
              "additionalProperties": false, "properties": {"item": {"$ref": "#/definitions/id"}, "product": {"type": "string", "maxLength": 200},
                "model": {"type": "string", "minLength": 1, "maxLength": 128}, "manufacturer": {"$ref": "#/definitions/party"},
                "first_set_certificate": {"type": "string", "minLength": 1, "maxLength": 64}}}}}}}})";
    rapidjson::Document sd;
    sd.Parse(draft4);
    if (state.range(0) == 0) {  // the same schema without its "pattern" keywords
        std::function<void(rapidjson::Value&)> strip = [&](rapidjson::Value& v) {
            if (v.IsObject()) {
                v.RemoveMember("pattern");
                for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) strip(m->value);
            } else if (v.IsArray()) {
                for (auto& e : v.GetArray()) strip(e);
            }
        };
        strip(sd);
    }
    rapidjson::SchemaDocument schema(sd);
    rapidjson::Document doc;
    doc.Parse(fixture().request.c_str());
    for (auto _ : state) {
        rapidjson::SchemaValidator validator(schema);
        benchmark::DoNotOptimize(doc.Accept(validator));
    }
}
// Argument 1: with the patterns; 0: without (its internal regex engine expands bounded
// repetitions such as {0,39}, which dominates its time).
BENCHMARK(BM_Peer_RapidJsonSchemaValidate)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

// ---- the registry ------------------------------------------------------------------------

// Loading 100,000 certificates from JSON: read, SHA-256, parse, schema validation, index. Each
// load runs in a new process (bench/load_figures.hpp): retained_MB is the resident memory the
// loaded registry keeps, peak_MB the most resident during the load, both over the process's
// resident memory before it.
void BM_RegistryLoad(benchmark::State& state) { bench::load_loop(state, fixture().registry_file); }
BENCHMARK(BM_RegistryLoad)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

}  // namespace

int main(int argc, char** argv) { return bench::main(argc, argv); }

// ---- issue 5: evaluations never wait on the network ------------------------------------
//
// The same evaluation on an engine whose registry comes from a URL, while another thread keeps a
// refresh in flight against a server that accepts connections and never answers (each refresh
// waits out its 1 s timeout), side by side with the engine reading the registry file. Equal
// medians mean the refresh does not stand in an evaluation's way.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "engine.hpp"
#include "util/digest.hpp"
#include "util/file_io.hpp"

namespace {

struct Silent {  // listens on loopback, never accepts: requests hang until their timeout
    int fd = -1, port = 0;
    Silent() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd, 64);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
};

std::unique_ptr<EngineCore> url_engine(const Silent& server) {
    const fs::path dir = fixture().registry_file.parent_path() / "url";
    fs::create_directories(dir);
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port) + "/registry.json";
    const std::string body = *read_whole_file(fixture().registry_file, std::size_t{1} << 30);
    write_file_durably(dir / "registry-cache.json", body);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    write_file_durably(dir / "registry-cache.json.meta.json",
                       "{\"url\":\"" + url + "\",\"etag\":\"\",\"signature\":\"\",\"checked_at\":" + std::to_string(now) + "}");
    std::ofstream(dir / "config.yaml") << "policy: " << fs::path(FIRSTSET_SOURCE_DIR) / "criteria/policies/cn-cq-2024-9.yaml"
                                       << "\nregistry:\n  url: " << url << "\n  sha256: " << sha256_hex(body)
                                       << "\n  cache: registry-cache.json\n  refresh_seconds: 0\n  timeout_seconds: 1\n"
                                       << "  allow_http: true\n"
                                       << "log: {level: 'off'}\n";
    return EngineCore::open(dir / "config.yaml");  // waits out one timeout, then starts from the cache
}

void evaluate_loop(benchmark::State& state, const EngineCore& e) {
    const std::string& request = fixture().request;
    for (auto _ : state) {
        TextBuffer out;  // a fresh buffer per call, as through the C ABI
        e.evaluate(request.c_str(), out);
        benchmark::DoNotOptimize(out.size());
    }
}

void BM_Evaluate_RegistryFile(benchmark::State& state) {
    static const std::unique_ptr<EngineCore> e = EngineCore::open(fixture().config);
    evaluate_loop(state, *e);
}
BENCHMARK(BM_Evaluate_RegistryFile)->Unit(benchmark::kMicrosecond);

void BM_Evaluate_RegistryUrl_RefreshHanging(benchmark::State& state) {
    static Silent server;
    static const std::unique_ptr<EngineCore> e = url_engine(server);
    std::atomic<bool> stop{false};
    std::atomic<int> refreshes{0};
    std::thread refresher([&] {
        while (!stop) {
            e->registry_feed()->refresh();  // blocks ~1 s on the silent server, then fails
            ++refreshes;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a refresh is in flight
    evaluate_loop(state, *e);
    stop = true;
    refresher.join();
    state.counters["refreshes_failed"] = static_cast<double>(refreshes.load());
}
BENCHMARK(BM_Evaluate_RegistryUrl_RefreshHanging)->Unit(benchmark::kMicrosecond)->MinTime(1.5);

}  // namespace
