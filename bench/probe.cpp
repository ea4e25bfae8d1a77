// Instruction counts per stage of firstset_evaluate, for comparing changes on a noisy machine:
// valgrind counts instructions, which do not depend on what else the machine is doing.
//
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bench/bench/firstset_probe STAGE N
//
// runs STAGE (evaluate | parse | validate | rules | respond | none) N times on the benchmark
// request; the difference between N=1000 and N=0, divided by 1000, is the cost of one call.
// bench/probe.sh does that for every stage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_fixture.hpp"
#include "evaluate/request.hpp"
#include "evaluate/response.hpp"
#include "evaluate/rules.hpp"
#include "firstset/firstset.h"
#include "schema/embedded.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

using namespace firstset;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s evaluate|parse|validate|rules|respond|none N\n", argv[0]);
        return 2;
    }
    const std::string stage = argv[1];
    const long n = std::atol(argv[2]);
    bench::Fixture& f = bench::fixture(bench::small_registry);
    const std::string& request = f.request;

    const json::Document parsed_doc =
        json::Document::parse(request, json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH}, "request");
    const json::Value& doc = parsed_doc.root();
    const Policy& policy = f.policy();
    const Registry& registry = f.registry();
    EvaluateRequest parsed = read_evaluate_request(doc);
    check_against(policy, parsed.tender, "/tender");
    const Evaluation evaluation = evaluate_rules(policy, registry, parsed);
    firstset_engine* engine = f.engine();

    std::size_t sink = 0;
    for (long i = 0; i < n; ++i) {
        if (stage == "evaluate") {
            char* out = nullptr;
            if (firstset_evaluate(engine, request.c_str(), &out) != FIRSTSET_OK) return 1;
            sink += std::strlen(out);
            firstset_free(out);
        } else if (stage == "parse") {
            const json::Document d =
                json::Document::parse(request, json::Limits{FIRSTSET_MAX_REQUEST_BYTES, FIRSTSET_MAX_DEPTH}, "request");
            sink += d.root().size();
        } else if (stage == "validate") {
            sink += schema::builtin().validate("evaluate-request.schema.json", doc) ? 1 : 0;
        } else if (stage == "rules") {
            EvaluateRequest r = read_evaluate_request(doc);
            check_against(policy, r.tender, "/tender");
            sink += evaluate_rules(policy, registry, r).criteria.size();
        } else if (stage == "respond") {
            TextBuffer out(16384);
            JsonOut w(out);
            write_evaluate_response(w, policy, registry, parsed, evaluation);
            sink += out.size();
        } else if (stage != "none") {
            std::fprintf(stderr, "unknown stage %s\n", stage.c_str());
            return 2;
        }
    }
    std::printf("%zu\n", sink);
    return 0;
}
