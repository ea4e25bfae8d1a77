#include <catch2/catch.hpp>

#include "util/model_name.hpp"

using firstset::model_in_name;
using firstset::normalise_model;
using firstset::normalise_name;

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

TEST_CASE("Rule C6': the model inside a product name, as published lists write it", "[model][lists]") {
    // Brackets at the end (苏工信装备〔2023〕392号), full-width too, a trailing 型 dropped.
    CHECK(model_in_name("热核聚变用杜瓦膨胀节成套系统(CGTR-01)") == "CGTR-01");
    CHECK(model_in_name("数控滚齿机（ＹＫ３１２０）") == "YK3120");
    CHECK(model_in_name("矿用隔爆型永磁同步电动机(YBT-450型)") == "YBT-450");
    CHECK(model_in_name("数控滚齿机 (YK3120) ") == "YK3120");
    // A model code leading or trailing the name.
    CHECK(model_in_name("GRT200-TM20泥水平衡盾构机") == "GRT200-TM20");
    CHECK(model_in_name("泥水平衡盾构机GRT200") == "GRT200");
    // No model: Chinese words in brackets, codes without a digit, a name only.
    CHECK(model_in_name("智能巡检机器人(轨道式)") == "");
    CHECK(model_in_name("智能化综采工作面成套装备") == "");
    CHECK(model_in_name("CNC数控机床") == "");
    CHECK(model_in_name("5G智能工厂") == "");  // two characters are not a model code
    // Ratings are not models: a number and a unit.
    CHECK(model_in_name("220kV智能变电站成套设备") == "");
    CHECK(model_in_name("1000MW超超临界二次再热机组") == "");
    CHECK(model_in_name("盾构机(6.28m)") == "");
    CHECK(model_in_name("ZF12-126kV气体绝缘金属封闭开关设备") == "ZF12-126kV");  // a model that names its rating
}

TEST_CASE("Rule C5': company and product names compare after full-width, brackets, spaces and case", "[model][lists]") {
    CHECK(normalise_name("重庆示例机床（集团）有限公司") == normalise_name("重庆示例机床 (集团) 有限公司"));
    CHECK(normalise_name("ABC 科技有限公司") == normalise_name("ａｂｃ科技有限公司"));
    CHECK(normalise_name("示例有限责任公司") != normalise_name("示例有限公司"));
}
