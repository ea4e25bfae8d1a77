// The benchmark's data: a generated JSON registry of N certificates (fictional, well-formed),
// a configuration using the Chongqing pack, and an evaluate request with 20 criteria of every
// kind and 5 offers that each claim a valid certificate. Shared by firstset_bench and
// firstset_probe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "firstset/firstset.h"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "util/uscc.hpp"

namespace bench {

namespace fs = std::filesystem;

inline constexpr int full_registry = 100'000;
inline constexpr int small_registry = 1'000;

inline const char* const products[] = {"数控滚齿机", "柔性换电站", "跨座式单轨道岔", "烟气超低排放改造装备",
                                       "转底炉处理冶金含锌污泥技术装备", "一体式自动变速箱"};

inline std::string uscc_for(int n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "91500000EX%07d", n);  // 17 characters, fictional
    return std::string(buf) + *firstset::uscc::check_character(buf);
}

inline std::string certificate_id(int n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "CQ-STT-%04d-%06d", 2022 + n % 4, n);
    return buf;
}

class Fixture {
public:
    explicit Fixture(int certificates) : count_(certificates) {
        dir_ = fs::temp_directory_path() / ("firstset-bench-" + std::to_string(certificates));
        fs::create_directories(dir_);
        registry_file = dir_ / "registry.json";
        if (!fs::exists(registry_file)) write_registry();
        config = dir_ / "config.yaml";
        std::ofstream(config) << "policy: " << fs::path(FIRSTSET_SOURCE_DIR) / "criteria/policies/cn-cq-2024-9.yaml"
                              << "\nregistry: {file: registry.json}\nlog: {level: warn}\n";
        request = make_request().dump();
    }

    fs::path config, registry_file;
    std::string request;

    const firstset::Policy& policy() {
        if (!policy_)
            policy_ = std::make_unique<firstset::Policy>(
                firstset::Policy::load(fs::path(FIRSTSET_SOURCE_DIR) / "criteria/policies/cn-cq-2024-9.yaml"));
        return *policy_;
    }
    const firstset::Registry& registry() {
        if (!registry_) registry_ = std::make_unique<firstset::Registry>(firstset::Registry::load(registry_file));
        return *registry_;
    }
    firstset_engine* engine() {
        if (!engine_) {
            char* error = nullptr;
            if (firstset_open(config.c_str(), &engine_, &error) != FIRSTSET_OK) {
                std::fprintf(stderr, "open failed: %s\n", error);
                std::abort();
            }
        }
        return engine_;
    }

private:
    void write_registry() const {
        std::ofstream out(registry_file);
        // Published now: a registry followed from a URL counts its age from this signed time.
        out << "{\"registry\": {\"id\": \"bench\", \"version\": \"1\", \"published\": \""
            << firstset::utc_timestamp(firstset::unix_now()) << "\"},\n\"certificates\": [\n";
        for (int n = 0; n < count_; ++n) {
            nlohmann::json c = {{"id", certificate_id(n)},
                                {"issuer", n % 10 == 0 ? "CN" : "CN-CQ"},
                                {"product", products[n % 6]},
                                {"model", "YK" + std::to_string(3000 + n % 5000) + "-" + std::to_string(n)},
                                {"holder", {{"name", "示例装备制造有限公司（样例）第" + std::to_string(n) + "号"}, {"uscc", uscc_for(n)}}},
                                {"recognized_on", "2024-05-12"},
                                {"status", n % 50 == 0 ? "revoked" : "valid"},
                                {"catalogue", "重庆市首台（套）重大技术装备（样例）"}};
            out << c.dump() << (n + 1 < count_ ? ",\n" : "\n");
        }
        out << "]}\n";
    }

    // 20 criteria of every kind and 5 offers, each claiming a valid certificate.
    static nlohmann::json make_request() {
        nlohmann::json items = nlohmann::json::array(), offers = nlohmann::json::array(), criteria = nlohmann::json::array();
        for (int i = 0; i < 5; ++i) {
            const int n = 1 + i * 17;  // not revoked (multiples of 50), present in both registries
            items.push_back({{"id", "I" + std::to_string(i + 1)}, {"name", products[n % 6]}});
            offers.push_back({{"item", "I" + std::to_string(i + 1)},
                              {"product", products[n % 6]},
                              {"model", "YK" + std::to_string(3000 + n % 5000) + "-" + std::to_string(n)},
                              {"manufacturer", {{"name", "示例装备制造有限公司（样例）"}, {"uscc", uscc_for(n)}}},
                              {"first_set_certificate", certificate_id(n)}});
        }
        const char* kinds[] = {"price",        "technical",    "technical",    "technical",     "technical",
                               "technical",    "technical",    "commercial",   "commercial",    "commercial",
                               "track_record", "track_record", "track_record", "track_record",  "market_share",
                               "market_share", "market_share", "qualification", "qualification", "other"};
        for (int i = 0; i < 20; ++i) {
            nlohmann::json c = {{"id", "C" + std::to_string(i + 1)},
                                {"name", std::string("评审因素 ") + kinds[i]},
                                {"kind", kinds[i]},
                                {"mode", i >= 17 ? "pass_fail" : "scored"}};
            if (i < 17) c["max_points"] = 5;
            if (std::string(kinds[i]) == "track_record") {
                c["requirement_points"] = 3;
                c["items"] = {"I" + std::to_string(i % 5 + 1), "I" + std::to_string((i + 1) % 5 + 1)};
            }
            criteria.push_back(c);
        }
        return {{"tender",
                 {{"id", "BENCH-2026-001"},
                  {"bid_deadline", "2026-03-16T09:30:00+08:00"},
                  {"first_set_equivalence", true},
                  {"items", items},
                  {"criteria", criteria}}},
                {"bid", {{"id", "B1"}, {"bidder", {{"name", "示例投标人（样例）"}, {"uscc", uscc_for(999999)}}}, {"offers", offers}}}};
    }

    int count_;
    fs::path dir_;
    std::unique_ptr<firstset::Policy> policy_;
    std::unique_ptr<firstset::Registry> registry_;
    firstset_engine* engine_ = nullptr;
};

inline Fixture& fixture(int certificates = full_registry) {
    static std::map<int, std::unique_ptr<Fixture>> fixtures;
    auto& f = fixtures[certificates];
    if (!f) f = std::make_unique<Fixture>(certificates);
    return *f;
}

}  // namespace bench
