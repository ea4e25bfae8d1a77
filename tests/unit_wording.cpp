// The audit's wording model (plugin/lint/wording.cpp, Rules L and L'): the Hyperscan prefilter
// never drops a match PCRE2 finds, places come from the gazetteer, and the look-alikes Rule L'
// names are told apart.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lint/wording.hpp"
#include "support.hpp"
#include "util/model_name.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using firstset::lint::Term;

namespace {

// Whether the text has the term, not overlapped by its `not` term (which the audit cancels it by).
bool has(const std::string& text, Term term) {
    const std::string t = normalise_wording(text);
    const auto hits = lint::scan(t);
    const Term cancel = term == Term::years ? Term::years_not : term == Term::presence ? Term::presence_not
                        : term == Term::region ? Term::region_not : term == Term::scale ? Term::scale_not
                        : term == Term::award ? Term::award_not : term;
    for (const auto& h : hits) {
        if (h.term != term) continue;
        bool cancelled = false;
        for (const auto& c : hits) cancelled = cancelled || (cancel != term && c.term == cancel && c.from < h.to && h.from < c.to);
        if (!cancelled) return true;
    }
    return false;
}

void same_as_every_pattern(const std::string& raw) {
    const std::string text = normalise_wording(raw);
    const auto fast = lint::scan(text), every = lint::scan_every_pattern(text);
    INFO(raw);
    REQUIRE(fast.size() == every.size());
    for (std::size_t i = 0; i < fast.size(); ++i) {
        CHECK(fast[i].term == every[i].term);
        CHECK(fast[i].from == every[i].from);
        CHECK(fast[i].to == every[i].to);
    }
}

}  // namespace

TEST_CASE("Wording: the prefilter lets through every match of every pattern, on every real criterion (Rule L)",
          "[lint][wording]") {
    const SourceDocument doc = SourceDocument::read(test::source("tests/data/lint-real/corpus.yaml"));
    const nlohmann::json cases = nlohmann::json::parse(doc.root().to_json())["cases"];
    for (const auto& c : cases) {
        same_as_every_pattern(c["criterion"]["name"]);
        same_as_every_pattern(c["criterion"]["description"]);
    }
    // Found by the wording fuzz harness: a gap of its own ([^;。]) that the prefilter once read as
    // bytes, so that the comma-free span of a registration and its review was never confirmed.
    same_as_every_pattern("*澋云”平台注册,并\"info\"通过审核。");
    CHECK(has("必须提前在示例云平台注册,并通过审核。", Term::exclusive));
}

TEST_CASE("Wording: a place of the gazetteer limits track record when named as a limit, not as a name (Rules L and L')",
          "[lint][wording]") {
    // Provinces and prefectures, full and short, and autonomous prefectures by their short names.
    CHECK(has("在安徽省各地级市残联系统的项目业绩", Term::region));
    CHECK(has("近三年在四川的类似项目", Term::region));
    CHECK(has("凉山州范围内完成的工程", Term::region));
    CHECK(has("在西双版纳完成的同类项目", Term::region));
    CHECK(has("苏州市的业绩", Term::region));
    // A place that is part of a name limits nothing.
    CHECK_FALSE(has("投标产品为重庆市首台（套）重大技术装备的", Term::region));
    CHECK_FALSE(has("须为深圳市政府采购中心的注册供应商", Term::presence));
    CHECK_FALSE(has("在全国公共资源交易平台（四川省）查询", Term::region));
}

TEST_CASE("Wording: Rule L' look-alikes: an office's years are not years in service, a promise is not a presence",
          "[lint][wording]") {
    CHECK(has("设备须已安全运行满3年", Term::years));
    CHECK(has("经过几年运行实践已证明是成熟可靠的产品", Term::years));
    CHECK_FALSE(has("在成都设立的服务机构已运行满3年", Term::years));
    CHECK_FALSE(has("提供3年以上的免费质保服务", Term::years));
    CHECK(has("在本市有常驻的售后服务机构的加3分", Term::presence));
    CHECK(has("注册地在福州市的得3分", Term::presence));
    CHECK_FALSE(has("投标人承诺在重庆市内设立售后服务网点", Term::presence));
    CHECK_FALSE(has("接到通知后2小时内到达项目所在地", Term::presence));
    CHECK(has("获得省级“守合同重信用”荣誉称号的得2分", Term::award));
    CHECK(has("获得湖南省优质工程奖的得5分", Term::award));
    CHECK_FALSE(has("获得国家优质工程奖的得5分", Term::award));
    CHECK(has("不允许使用未成熟的或新研制开发的产品", Term::new_product));
    CHECK(has("参考品牌：示例品牌A", Term::lock_in));
    CHECK(has("按销售金额从高到低排序", Term::units));
    CHECK(has("累计装机容量不低于300mwh", Term::units));
    CHECK(has("近三年年均不亏损", Term::scale));
    CHECK_FALSE(has("具有健全的财务会计制度", Term::scale));
}
