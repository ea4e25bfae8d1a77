// Writes the seed corpora of the harnesses from the project's examples (so the seeds follow the
// examples as they change): seeds OUT_DIR makes OUT_DIR/<harness>/<seed> files.
#include <fstream>
#include <iostream>

#include "fuzz_support.hpp"
#include "util/file_io.hpp"
#include "util/source_document.hpp"

namespace {

using fuzz::fs::path;

std::string read(const std::string& relative) { return *firstset::read_whole_file(fuzz::source(relative), 1 << 24); }

std::string json_of(const std::string& relative) { return firstset::SourceDocument::read(fuzz::source(relative)).root().to_json(); }

// A document's members but `drop`, then `extra` ("\"name\":value,..."), as one JSON object.
std::string object_without(const firstset::json::Value& v, std::initializer_list<std::string_view> drop, const std::string& extra) {
    std::string out = "{";
    for (const auto& m : v.members()) {
        bool skip = false;
        for (auto d : drop) skip = skip || m.name() == d;
        if (skip) continue;
        out += "\"" + std::string(m.name()) + "\":" + m.value.to_json() + ",";
    }
    return out + extra + "}";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: seeds OUT_DIR\n";
        return 2;
    }
    const path out = fuzz::fs::absolute(argv[1]);
    auto seed = [&](const std::string& harness, const std::string& name, const std::string& bytes) {
        fuzz::fs::create_directories(out / harness);
        std::ofstream(out / harness / name, std::ios::binary) << bytes;
    };
    const std::string request = read("tests/data/request-b1.json");
    const auto req = firstset::json::Document::parse(request, firstset::json::Limits{1 << 24, 64}, "request");
    const std::string tender = req.root()["tender"].to_json(), bid = req.root()["bid"].to_json();
    const std::string id(64, 'a');

    seed("evaluate", "request-b1.json", request);
    seed("json", "request-b1.json", request);
    seed("json", "numbers.json", R"([0E-99,-0,1e1,10.0,18446744073709551615,-9223372036854775808,1.5e-300,"\ud800\udc00","\u0000"])");
    for (const char* t : {"examples/tender-CQJT-2026-014.yaml", "examples/tender-SCNY-2026-031.yaml"}) {
        const auto doc = firstset::SourceDocument::read(fuzz::source(t));
        seed("lint", path(t).stem().string() + ".json", doc.root()["tender"].to_json());
    }
    seed("lint", "request-b1-tender.json", tender);
    const auto award = firstset::SourceDocument::read(fuzz::source("examples/records/award-CQJT-2026-014.yaml"));
    seed("record", "award.json", object_without(award.root(), {"tender_file", "bid"}, "\"tender\":" + tender + ",\"bid\":" + bid));
    for (const char* r : {"failure", "decision"}) {
        const auto doc = firstset::SourceDocument::read(fuzz::source(std::string("examples/records/") + r + "-CQJT-2026-014.yaml"));
        seed("record", std::string(r) + ".json",
             object_without(doc.root(), {"award", "failure"}, "\"award\":\"" + id + "\"" +
                                                                 (std::string(r) == "decision" ? ",\"failure\":\"" + id + "\"" : "")));
    }
    // Rule T': a case's stages, with the placeholders fuzz_record replaces by the ids of its ledger.
    for (const char* stage : {"1-application", "2-investigation", "3-decision", "4-feedback", "5-correction", "6-notice"}) {
        const auto doc = firstset::SourceDocument::read(
            fuzz::source(std::string("examples/records/case-") + stage + "-CQJT-2026-014.yaml"));
        seed("record", std::string("case-") + stage + ".json",
             object_without(doc.root(), {"award", "failure", "case"},
                            std::string(stage) == "1-application" ? R"("award":"@AWARD@","failure":"@FAILURE@")"
                                                                  : R"("case":"@CASE@")"));
    }
    seed("record", "decision-known.json",
         R"({"kind":"tolerance_decision","award":"@AWARD@","failure":"@FAILURE@","exclusions":{"collusion":null},)"
         R"("decided_by":{"role":"r","id":"i"},"final":"not_exempt"})");
    // Rules R and S: the sample request (one of each clause) and edge amounts.
    seed("incentive", "reward.json",
         R"({"clause":"first_purchase_reward","certificate":"CQ-STT-2024-0017","amount_paid":"2200000.00","paid_on":"2026-05-20"})");
    seed("incentive", "subsidy.json",
         R"({"clause":"premium_subsidy","certificate":"CQ-STT-2024-0017","years":[{"year":2025,"premium":"55000.00",)"
         R"("insured_amount":"2200000.00","claim":false},{"year":2026,"premium":"48000.00","insured_amount":"2200000.00",)"
         R"("claim":true},{"year":2027,"premium":"99999999999.99","insured_amount":"0.01","claim":false}]})");
    const auto& sample = fuzz::sample();
    const auto verdict = firstset::ledger::verify(sample.ledger);
    seed("verify", "plain.json", R"({"ledger":"sample.jsonl"})");
    seed("verify", "head.json", "{\"ledger\":\"sample.jsonl\",\"expected_head\":{\"seq\":" + std::to_string(verdict.head.seq) +
                                    ",\"id\":\"" + verdict.head.id + "\"}}");
    seed("verify", "checkpoint.json", std::string(R"({"ledger":"sample.jsonl","checkpoint":"sample.checkpoint","public_key":")") +
                                          fuzz::verifier_key + "\"}");
    for (const char* c : {"examples/config.yaml", "examples/config-ledger.yaml"}) {
        seed("config", path(c).stem().string() + ".yaml", "Y" + read(c));
        seed("config", path(c).stem().string() + ".json", "J" + json_of(c));
    }
    seed("config", "url.yaml", "Yregistry:\n  url: https://127.0.0.1:9/registry.json\n  public_key: " + std::string(fuzz::verifier_key) +
                                   "\nledger:\n  path: l.jsonl\n  node: n1\n  ship: {url: 'https://127.0.0.1:9/a'}\n");
    for (const char* p : {"criteria/policies/cn-cq-2024-9.yaml", "criteria/policies/cn-2023-127.yaml"}) {
        seed("pack", path(p).stem().string() + ".yaml", "Y" + read(p));
        seed("pack", path(p).stem().string() + ".json", "J" + json_of(p));
        seed("json", path(p).stem().string() + ".json", json_of(p));
    }
    seed("registry", "registry.yaml", "Y" + read("examples/registry.yaml"));
    seed("registry", "registry.json", "J" + json_of("examples/registry.yaml"));
    // Entries as published lists give them: no USCC, models inside names, kinds, provenance.
    seed("registry", "lists.yaml", "Y" + read("tests/data/registry-lists.yaml"));
    seed("registry", "lists.json", "J" + json_of("tests/data/registry-lists.yaml"));
    seed("json", "registry.json", json_of("examples/registry.yaml"));
    seed("list", "cq-2024-batch1.csv", "C" + read("examples/lists/cq-2024-batch1.csv"));
    seed("list", "cq-2024-batch1.xlsx", "X" + read("examples/lists/cq-2024-batch1.xlsx"));
    seed("list", "nea-2021.xlsx", "X" + read("examples/lists/nea-2021.xlsx"));
    seed("list", "js-2023-392.docx", "D" + read("examples/lists/js-2023-392.docx"));
    // Real criteria (tests/data/lint-real): each description a seed of the wording harness, and a
    // tender of the first 20 one of the lint harness.
    {
        const auto corpus = firstset::SourceDocument::read(fuzz::source("tests/data/lint-real/corpus.yaml"));
        std::string criteria;
        std::size_t n = 0;
        for (const firstset::json::Value& c : corpus.root()["cases"].items()) {
            const firstset::json::Value& criterion = c["criterion"];
            seed("wording", std::string(c["id"].str()) + ".txt", std::string(criterion["description"].str()));
            if (n < 20 && (criterion["mode"].str() != "scored" || criterion.find("max_points"))) {
                const std::string id = "\"id\":\"C" + std::to_string(++n) + "\"";
                criteria += (n > 1 ? "," : "") + object_without(criterion, {}, id);
            }
        }
        seed("lint", "real-criteria.json",
             "{\"id\":\"REAL\",\"jurisdiction\":\"CN-CQ\",\"bid_deadline\":\"2026-06-01T09:30:00+08:00\","
             "\"first_set_equivalence\":false,\"criteria\":[" + criteria + "]}");
    }
    seed("ledger", "sample.jsonl", sample.ledger);
    seed("ledger", "torn.jsonl", sample.ledger + "{\"seq\":5,\"prev\":\"");
    seed("checkpoint", "sample", sample.checkpoint + "==\n" + sample.ledger);
    seed("note", "sample", sample.checkpoint);
    // SM2 (GB/T 32918): a checkpoint it signed, and its key strings (each line is read as a key).
    seed("note", "sm2", sample.sm2_checkpoint);
    seed("note", "sm2-keys", std::string(fuzz::sm2_verifier_key) + "\n" + fuzz::sm2_signer_key + "\n" + fuzz::verifier_key +
                                 "\n" + fuzz::signer_key + "\n");
    seed("checkpoint", "sm3", sample.sm2_checkpoint + "==\n" + sample.sm3_ledger);
    seed("ledger", "sm3", sample.sm3_ledger);
    seed("verify", "sm3.json", R"({"ledger":"sample-sm3.jsonl"})");
    seed("verify", "sm2.json", std::string(R"({"ledger":"sample-sm3.jsonl","checkpoint":"sample-sm2.checkpoint","public_key":")") +
                                   fuzz::sm2_verifier_key + "\"}");
    // firstset-server: whole HTTP requests, and a token file
    const std::string award_request = read("examples/requests/record-award-CQJT-2026-014.json");
    auto http_request = [](const std::string& line, const std::string& headers, const std::string& body) {
        return line + "\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    seed("http", "evaluate", http_request("POST /v1/evaluate HTTP/1.1", "Content-Type: application/json\r\n", request));
    seed("http", "lint", http_request("POST /v1/lint HTTP/1.1", "", read("examples/requests/lint-CQJT-2026-014.json")));
    seed("http", "record", http_request("POST /v1/records HTTP/1.1",
                                        "Authorization: Bearer 0123456789abcdef0123456789abcdef\r\n", award_request));
    seed("http", "failure", http_request("POST /v1/records HTTP/1.1", "Authorization: bearer 0123456789abcdef0123456789abcdef\r\n",
                                         "{\"kind\":\"failure_report\",\"award\":\"" + id +
                                             "\",\"date\":\"2026-09-30\",\"severity\":\"major\",\"description\":\"x\"}"));
    seed("http", "get-record", "GET /v1/records/" + id + " HTTP/1.1\r\nHost: x\r\n\r\n");
    seed("http", "verify", http_request("POST /v1/verify HTTP/1.1", "", "{\"ledger\":\"server-ledger.jsonl\",\"checkpoint\":\"../x\"}"));
    seed("http", "status", "GET /v1/status?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    seed("http", "metrics", "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    seed("http", "chunked", "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");
    seed("http", "tokens", "TOKENS\n# who\nplatform-a 0123456789abcdef0123456789abcdef\n  fedcba9876543210fedcba9876543210\n");
    std::cout << "seeds written to " << out.string() << "\n";
    return 0;
}
