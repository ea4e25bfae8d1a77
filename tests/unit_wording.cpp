// The audit's wording model (plugin/lint/wording.cpp, Rules L and L'): the Hyperscan prefilter
// never drops a match PCRE2 finds, places come from the gazetteer, and the look-alikes Rule L'
// names are told apart.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "lint/wording.hpp"
#include "support.hpp"
#include "util/model_name.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using firstset::lint::Term;

namespace {

// Whether the text has the term (a look-alike that overlaps it cancels it in scan()).
bool has(const std::string& text, Term term) {
    const auto hits = lint::scan(normalise_wording(text));
    return std::any_of(hits.begin(), hits.end(), [&](const lint::Hit& h) { return h.term == term; });
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
    // Found by review: characters of four bytes (CJK Extension B, emoji) inside a gap or a run of
    // Han characters, and a line end inside a gap, which the loose form once did not allow.
    for (const char* text : {"在\xF0\xA0\x80\x80\xF0\xA0\x80\x80区完成的业绩", "中国\xF0\xA0\x80\x80集团下属单位的业绩",
                             "须为\xF0\xA0\x80\x80市企业", "为\xF0\xA0\x80\x80\xF0\xA0\x80\x80公司提供过同类设备",
                             "为示例公司及其\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80提供",
                             "为示例公司及其\n提供同类设备"})
        same_as_every_pattern(text);
    CHECK(has("中国\xF0\xA0\x80\x80集团下属单位的业绩", Term::customer));
    // Found by the wording fuzz harness: a quantifier after a character of several bytes (首台套?)
    // once applied to its last byte only, so that 首台 alone slipped past the prefilter.
    same_as_every_pattern("在福州地区内注册有独|立法人资质的服务机构得2分,在福建注册地在福州首台兤年或采购中其他不得分满分1。");
    CHECK(has("首台设备不得参与本项目投标", Term::new_product));
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
    CHECK_FALSE(has("系统应能连续稳定运行不低于30年", Term::years));   // a design life, not a past
    CHECK_FALSE(has("设备设计使用寿命内运行不少于25年", Term::years));
    CHECK(has("在本市有常驻的售后服务机构的加3分", Term::presence));
    CHECK_FALSE(has("本地化服务能力：2小时内响应，24小时内修复", Term::presence));  // response times only
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

TEST_CASE("Wording: every term has look-alikes that do not count (Rules L and L': precision)", "[lint][wording]") {
    // track record: an appraisal of results, signing this tender's contract
    CHECK(has("近三年类似项目业绩", Term::track_record));
    CHECK_FALSE(has("项目经理业绩考核合格", Term::track_record));
    CHECK_FALSE(has("中标人须在30日内与招标人签订供货合同", Term::track_record));
    // industry: a trade's standards and licences; a technical system
    CHECK(has("具有残联系统同类项目业绩", Term::industry));
    CHECK_FALSE(has("符合电力行业标准", Term::industry));
    CHECK_FALSE(has("具备电力行业(新能源发电)工程设计资质乙级", Term::industry));
    CHECK_FALSE(has("消防系统维修保养项目业绩", Term::industry));
    // brand: the bidder's own brand, no brand limit
    CHECK(has("与投标产品同品牌、同型号规格的销售业绩", Term::brand));
    CHECK_FALSE(has("提供所投品牌产品近三年的类似项目业绩", Term::brand));
    CHECK_FALSE(has("业绩不限品牌", Term::brand));
    // tier: a government body as the issuer of a certificate, not the customer
    CHECK(has("在三甲医院完成的同类项目", Term::tier));
    CHECK_FALSE(has("获得市级及以上政府部门颁发的荣誉证书", Term::tier));
    // units: this tender's own quantities, a company's revenue
    CHECK(has("近三年同类产品销量不少于100台", Term::units));
    CHECK_FALSE(has("采购数量为10台", Term::units));
    CHECK_FALSE(has("年营业收入不低于5000万元", Term::units));
    // exclusive: a blacklist is not an insiders' list
    CHECK(has("须通过集团合格供应商审核", Term::exclusive));
    CHECK_FALSE(has("未被列入某示例集团《失信供应商名录》", Term::exclusive));
    // new product: maturity asked for without shutting new products out
    CHECK_FALSE(has("所投设备应技术成熟、性能可靠", Term::new_product));
    // lock-in: functions and performance, no brand
    CHECK(has("参考品牌：示例品牌A或同等档次", Term::lock_in));
    CHECK_FALSE(has("须满足本项目的功能和性能要求", Term::lock_in));
    // customer: the purchaser's own project site is not a customer limit
    CHECK(has("为招标人及其下属单位提供过同类设备", Term::customer));
    CHECK_FALSE(has("设备安装于采购人指定地点", Term::customer));
    CHECK(has("为国内外主流整车厂提供过hil测试平台", Term::customer));
    CHECK_FALSE(has("为国内除整车厂以外的企业提供hil测试平台", Term::customer));
    CHECK(has("制造商须为至少5家知名整车厂供货", Term::track_record));
}
