#include <catch2/catch.hpp>

#include "util/model_name.hpp"

using firstset::normalise_model;

TEST_CASE("Rule C.6: full-width forms count as ASCII", "[model]") {
    CHECK(normalise_model("ＹＫ３１２０") == normalise_model("YK3120"));
    CHECK(normalise_model("ＹＫ－３１２０") == normalise_model("YK3120"));  // full-width hyphen-minus
    CHECK(normalise_model("ＹＫ　３１２０") == normalise_model("YK3120"));  // ideographic space
}

TEST_CASE("Rule C.6: case is folded", "[model]") {
    CHECK(normalise_model("yk3120") == normalise_model("YK3120"));
    CHECK(normalise_model("ｙｋ３１２０") == normalise_model("YK3120"));
}

TEST_CASE("Rule C.6: spaces and hyphens are ignored", "[model]") {
    for (const char* variant : {"YK 3120", "YK-3120", "Y K - 3 1 2 0", "YK\t3120", "YK\u20103120", "YK\u20133120",
                                "YK\u20143120", "YK\u22123120", "YK\u00A03120", "YK\u20093120"}) {
        INFO(variant);
        CHECK(normalise_model(variant) == normalise_model("YK3120"));
    }
}

TEST_CASE("Rule C.6: other differences are real differences", "[model]") {
    CHECK(normalise_model("YK3120A") != normalise_model("YK3120"));
    CHECK(normalise_model("YK3121") != normalise_model("YK3120"));
    CHECK(normalise_model("YK3120/1") != normalise_model("YK31201"));  // slashes are kept
    CHECK(normalise_model("YK.3120") != normalise_model("YK3120"));    // dots are kept
    CHECK(normalise_model("滚齿机YK3120") != normalise_model("YK3120"));
    CHECK(normalise_model("滚齿机 YK-3120") == normalise_model("滚齿机YK3120"));  // Chinese kept as it is
}
