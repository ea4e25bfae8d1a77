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

TEST_CASE("Rule C6': models in product names as published lists and reports word them", "[model][lists]") {
    // Jiangsu's 2018 list (jsnews.jschina.com.cn/zj/a/201901/t20190103_2149754.shtml): brackets at
    // the end, a leading code, none.
    CHECK(model_in_name("动力电池全极耳智能装配线(ZP327)") == "ZP327");
    CHECK(model_in_name("VZJ63-X节能型全电力推进车客渡船") == "VZJ63-X");
    CHECK(model_in_name("移动式生物安全高等级实验室") == "");
    // Jiangsu's 2020 list (jsnews.jschina.com.cn/zj/a/202101/t20210112_2708263.shtml): leading
    // codes with '/' and a space after; a model inside the name is not pulled out.
    CHECK(model_in_name("BX4920/7环式长材刨片机及进料系统") == "BX4920/7");
    CHECK(model_in_name("QR-LR6-800碱性电池高速智能生产线") == "QR-LR6-800");
    CHECK(model_in_name("WC-FMD16 绿色智能化瞬时粉末灭菌装置") == "WC-FMD16");
    CHECK(model_in_name("船用大功率微引燃L28/32双燃料发动机") == "");
    // Chongqing's second batch as reported (news.cqnews.net): joined at the end, after a dash.
    CHECK(model_in_name("超声切割止血刀系统K500") == "K500");
    CHECK(model_in_name("数控滚齿铣棱复合机床—YH3120-CD") == "YH3120-CD");
    CHECK(model_in_name("防爆化工轮式巡检机器人高性能版") == "");
    // Wenzhou 2020 (zj.people.com.cn/n2/2021/0105/c186930-34511295.html): a leading code with 型.
    CHECK(model_in_name("BRW800/37.5型双斜齿传动结构的智能型高压特大流量长寿命乳化液泵集中供液系统") == "BRW800/37.5");
    // Quantities and ratings are not models: NEA 2021 (300MW级), Zhoushan 2022 (20000立方米, 140万吨),
    // Zhejiang 2023 (6脉动桥M型).
    CHECK(model_in_name("300MW级变速抽水蓄能机组成套设备") == "");
    CHECK(model_in_name("20000立方米LNG加注运输船") == "");
    CHECK(model_in_name("140万吨超大型乙烯裂解装置") == "");
    CHECK(model_in_name("6脉动桥M型复合外套金属氧化物避雷器") == "");
    CHECK(model_in_name("26000立方米天然气储存(独立C型罐)和再气化驳船") == "");
    CHECK(model_in_name("TOPCon电池组件及组串式矩阵系统") == "");
    // Shapes seen by the held-out lists (issue 10): a capacity in brackets is a rating; square
    // brackets and a trailing code that ends in 型.
    CHECK(model_in_name("高效低氮燃气冷凝锅炉（10t/h）") == "");
    CHECK(model_in_name("污水处理成套装置(500m3/h)") == "");
    CHECK(model_in_name("热核聚变用杜瓦膨胀节成套系统[CGTR-01]") == "CGTR-01");
    CHECK(model_in_name("热核聚变用杜瓦膨胀节成套系统【CGTR-01】") == "CGTR-01");
    CHECK(model_in_name("隐身抗毁保温舱舱盖 YS-09型") == "YS-09");
    CHECK(model_in_name("矿用隔爆型永磁同步电动机") == "");  // 型 inside a word is not a model's
    CHECK(model_in_name("5G+矿用智能巡检系统") == "");            // a generation, not a model
    // The third blind run: forces and ratings joined by '/' are ratings too.
    CHECK(model_in_name("2000kN磁悬浮离心鼓风机") == "");
    CHECK(model_in_name("高压大容量柔性直流断路器（535kV/25kA）") == "");
    CHECK(model_in_name("环网柜（10kV/630A）") == "");
    CHECK(model_in_name("大口径蝶阀（DN1200/PN16）") == "");
    CHECK(model_in_name("起重机（QD320/80）") == "QD320/80");
    CHECK(model_in_name("冰箱箱体智能发泡生产线（BX-F6）") == "BX-F6");
}

TEST_CASE("Rule C5': company and product names compare after full-width, brackets, spaces and case", "[model][lists]") {
    CHECK(normalise_name("重庆示例机床（集团）有限公司") == normalise_name("重庆示例机床 (集团) 有限公司"));
    CHECK(normalise_name("ABC 科技有限公司") == normalise_name("ａｂｃ科技有限公司"));
    CHECK(normalise_name("示例有限责任公司") != normalise_name("示例有限公司"));
}
