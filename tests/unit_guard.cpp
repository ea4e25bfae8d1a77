#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>

#include "capi_guard.hpp"

using namespace firstset;

namespace {

nlohmann::json take(char* s) {
    REQUIRE(s != nullptr);
    auto j = nlohmann::json::parse(s);
    std::free(s);
    return j;
}

}  // namespace

TEST_CASE("C ABI: the guard turns a firstset error into its status and error document", "[abi][guard]") {
    char* out = reinterpret_cast<char*>(1);  // the guard must clear it first
    int status = capi::guard(&out, []() -> int {
        throw StatusError(Status::schema, "SCHEMA_PATTERN", "bad code", "代码有误", Location{"/bid/offers/0/model", "", 0, 0});
    });
    CHECK(status == 3);
    auto doc = take(out);
    CHECK(doc["error"]["status"] == "SCHEMA");
    CHECK(doc["error"]["code"] == "SCHEMA_PATTERN");
    CHECK(doc["error"]["message"] == "bad code");
    CHECK(doc["error"]["message_zh"] == "代码有误");
    CHECK(doc["error"]["path"] == "/bid/offers/0/model");
    CHECK_FALSE(doc["error"].contains("line"));
}

TEST_CASE("C ABI: any other exception is INTERNAL and says it is a bug", "[abi][guard]") {
    char* out = nullptr;
    CHECK(capi::guard(&out, []() -> int { throw std::runtime_error("boom"); }) == 99);
    auto doc = take(out);
    CHECK(doc["error"]["code"] == "INTERNAL_ERROR");
    CHECK(doc["error"]["message"].get<std::string>().find("a bug in firstset") != std::string::npos);
    CHECK(doc["error"]["message"].get<std::string>().find("boom") != std::string::npos);

    CHECK(capi::guard(&out, []() -> int { throw 42; }) == 99);
    CHECK(take(out)["error"]["status"] == "INTERNAL");

    CHECK(capi::guard(&out, []() -> int { throw std::bad_alloc(); }) == 99);
    CHECK(take(out)["error"]["code"] == "OUT_OF_MEMORY");
}

TEST_CASE("C ABI: a NULL out-parameter is ARGUMENT and nothing is written", "[abi][guard]") {
    bool ran = false;
    CHECK(capi::guard(nullptr, [&]() -> int {
              ran = true;
              return 0;
          }) == 1);
    CHECK_FALSE(ran);
}

TEST_CASE("C ABI: a body that succeeds leaves its own result", "[abi][guard]") {
    char* out = nullptr;
    CHECK(capi::guard(&out, [&]() -> int {
              out = capi::to_c_string("{}");
              return 0;
          }) == 0);
    CHECK(take(out).is_object());
}

TEST_CASE("C ABI: the error document carries file, line and column for files", "[abi][guard]") {
    auto doc = nlohmann::json::parse(capi::error_document(Status::config, "REGISTRY_DUPLICATE_ID", "dup", "重复",
                                                          Location{"/certificates/1/id", "r.yaml", 10, 5}));
    CHECK(doc["error"]["file"] == "r.yaml");
    CHECK(doc["error"]["line"] == 10);
    CHECK(doc["error"]["column"] == 5);
    CHECK(doc["error"]["status"] == "CONFIG");
}
