#include "lint/wording.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "lint/gazetteer.inc"
#include "util/regex.hpp"
#include "util/utf8.hpp"

namespace firstset::lint {
namespace {

// Pieces the patterns share. Text is normalised: full-width punctuation is ASCII (，→, ；→; ：→:).
const std::string NUM = "[0-9一二三四五六七八九十两百千万.]+";
// Within one clause: no comma, semicolon, colon or full stop in between.
std::string gap(int n) { return "[^,;:。]{0," + std::to_string(n) + "}"; }
const std::string PLACE = "(" FIRSTSET_GAZETTEER ")";
// Places that are not divisions: macro-regions and city clusters.
const std::string MACRO = "((西南|华东|华北|华南|华中|西北|东北|华东|中南)(地区|区域|片区)|川渝|成渝|长三角|珠三角|京津冀|粤港澳|长江经济带)";
// Here: the purchaser's own place.
const std::string HERE = "(本地|当地|本市|本省|本区|本县|本州|本辖区|本地区|本区域|属地|项目所在地|采购人所在地|招标人所在地|合同履行地|项目实施地)";
const std::string SECTOR =
    "(电力|电网|供电|发电|石化|石油|化工|煤炭|煤矿|冶金|钢铁|有色|铁路|轨道交通|城市轨道|地铁|城轨|水利|水务|供排水|供水|排水|"
    "污水处理|核电|军工|军队|部队|烟草|民航|机场|通信|电信|移动通信|市政|公路|高速公路|港口|医疗|卫生|卫健|教育|金融|银行|保险|"
    "证券|党政|公安|检察|法院|司法|税务|海关|残联|民政|应急|消防|人防|环保|生态环境|住建|气象|邮政|广电|广播电视|汽车|船舶|航空|"
    "航天|电子政务|政务|粮食|农业|林业|国土|自然资源|交通运输)";
const std::string SECTOR_PLACE = "(医院|学校|高校|院校|银行|电厂|水厂|污水厂|政府部门|政府机关|行政机关|机关单位|事业单位|"
                                 "整车厂|主机厂|钢厂|炼厂|矿山|车站|地铁|高铁|机场|港口|(电信|通信)?运营商)";
// Sectors whose 系统 is a body of organisations (残联系统, 税务系统), not equipment (消防系统).
const std::string SECTOR_BODY = "(残联|公安|检察|法院|司法|税务|海关|民政|卫生|卫健|教育|金融|银行|电网|铁路|烟草|邮政|气象|应急|"
                                "人防|广电|水利|交通|电力|国土|自然资源|财政|审计|统计|人社|医保|军队|部队|武警|石油|石化)";
const std::string OWNER = "(招标人|采购人|业主单位|业主|建设单位|本单位|本公司|本集团|我公司|我单位|我集团|我院|本院|我局|本局|我校|本校)";

struct Pattern {
    Term term;
    std::string source;
};

std::vector<Pattern> patterns() {
    using T = Term;
    std::vector<Pattern> p = {
        // ---- track record: the topic ----------------------------------------------------
        {T::track_record, "业绩"},
        {T::track_record, "(类似|同类|相似|相关)(型)?(的)?(项目|工程|合同|案例|产品|设备|服务|系统|经验|用户|供货|业绩)"},
        {T::track_record, "历史(项目|案例|合同|用户|供货)"},
        {T::track_record, "(供货|应用|成功|工程|项目|用户|销售|服务|实施|典型|运行)(案例|实例|实绩)"},
        {T::track_record, "供货(记录|经历|经验|合同|证明|清单)"},
        {T::track_record, "(销售|供应|采购|供货|购销)合同"},
        {T::track_record, "(提供|供应|供货|承接|承担|实施|完成|承建|参与|交付|安装|建设|销售)(过|的)?" + gap(30) + "(并|且)?(已)?(顺利)?投入(到)?(正常)?(的)?(使用|运行|运营)"},
        {T::track_record, "(承接|承担|实施|完成|承建|参与|供应|供货|提供|交付|销售)过"},
        // A count of customers supplied: 为至少5家知名整车厂供货.
        {T::track_record, "(为|向)" + gap(4) + NUM + "(家|个)(以上|及以上)?" + gap(12) + "(供货|供应|提供|销售)"},
        {T::track_record, "(项目|实施|运行|应用|供货|安装|工程)经验"},
        {T::track_record, "(用户|客户)(名单|清单|数量|使用(证明|报告|情况|意见))"},
        {T::track_record, "(新增|服务过的|现有)(客户|用户)"},
        {T::track_record, "(合同|中标通知书|验收报告)" + gap(12) + "每(提供|有)?(一|1)(份|个|项|家)"},
        {T::track_record, "(已|成功)(投运|投产|运行|交付|验收)的?" + gap(8) + "(项目|工程|机组|设备|系统)"},
        {T::track_record, "(以往|既往|过往|历史)(的)?(合同|项目)"},
        {T::track_record, "经过" + gap(6) + "(工程|实际|现场)(使用|应用|运行)"},
        {T::track_record, "track record"},
        {T::track_record, "similar (projects?|contracts?|supplies|installations?|equipment|works)"},
        {T::track_record, "reference (projects?|lists?|sites?|installations?|customers?)"},
        {T::track_record, "(completed|supplied|delivered|installed|executed) (at least |no fewer than )?[0-9a-z]+ (similar )?(projects|contracts|units|installations)"},
        {T::track_record_not, "业绩(考核|评价|奖励|报告)"},
        {T::track_record_not, "(履约|绩效)考核"},
        {T::track_record_not, "(签订|签署|订立)" + gap(4) + "(销售|供应|采购|供货|购销)?合同"},
        {T::track_record_not, "(同类|类似)" + gap(12) + "工作经(验|历)"},
        // A heading that joins track record to another topic (信誉及业绩, 工程质量业绩): its 业绩
        // alone does not make a criterion on track record (lint.cpp).
        {T::heading_mix, "(信誉|荣誉|资质|质量|奖项|信用|认证|资信)"},

        // ---- market share ---------------------------------------------------------------
        {T::market_share, "(市场)?占有率"},
        {T::market_share, "市场份额"},
        {T::market_share, "(市场|销量|销售(额|量|金额)?|行业|产业|全国|品牌)" + gap(12) + "排(名|位|行)"},
        {T::market_share, "(行业|全国|中国|国内|全球|世界)" + gap(14) + NUM + "强"},
        {T::market_share, "market (share|rank(ing)?)"},

        // ---- a region named as a limit ------------------------------------------------------
        {T::region, HERE},
        {T::region, "(省|市|区|县|州|辖区)(内|范围内|境内|以内)"},
        {T::region, MACRO},
        // A place of the gazetteer is a limit after 在/于 or before 内, 范围内, 各地级市, 的项目 (compose()).
        {T::place, PLACE + "(省|市|自治区|地区|州|盟)?"},
        {T::region_suffix, "(内|范围内|境内|辖区|区域|地区|各地级市|各(市|州|区|县|地)|所辖|以内|(的)?(项目|工程|用户|企业|单位|业绩|医院|学校|客户))"},
        {T::region, "in (the )?(local|same) (area|region|province|city)"},
        {T::region, "within (the )?(province|city|region|municipality|county)"},
        {T::region, "local (projects?|track record|references?|clients?|customers?)"},
        {T::region_not, "全国"},
        {T::region_not, "不限(于)?(地区|地域|区域|省份|所在地|地点)"},
        {T::region_not, "(中国|我国|国)(境内|内)"},
        {T::region_not, "国内(外)?"},
        {T::region_not, "(省级|市级|本市|本省)" + gap(6) + "首台"},

        // ---- an industry or sector ----------------------------------------------------------
        {T::industry, "(本|同一?|相同)(行业|系统|领域)"},
        {T::industry, "(行业|系统|领域)(内|范围内)"},
        {T::industry, SECTOR + "(行业|领域|部门|单位|企业|机构|用户|客户)"},
        {T::industry, SECTOR_BODY + "系统"},
        {T::industry, "(为|向|在)(国内)?(" + NUM + "(个|家)(以上|及以上)?)?" + SECTOR_PLACE},
        {T::industry, "(国内|全国|省内|市内)?" + SECTOR_PLACE + "(的)?(同类|类似|项目|工程|业绩|用户)"},
        {T::industry, SECTOR_PLACE + gap(8) + "(采购类|类)(合同|项目|工程)"},
        {T::industry, NUM + "(个|座|处)" + SECTOR_PLACE},
        {T::industry, "in the same (industry|sector)"},
        {T::industry, "in the [a-z ]{2,30} (industry|sector)"},
        {T::industry_not, "(行业|领域)" + gap(14) + "(标准|规范|资质|协会|主管|规定|要求|许可|证书)"},
        {T::industry_not, "不限(于)?(行业|领域)"},
        {T::industry_not, "(三甲|二甲|三级|二级)" + gap(6) + "(医院|医疗机构)"},

        // ---- the same brand or model --------------------------------------------------------
        {T::brand, "同(一)?(品牌|厂家|制造商)"},
        {T::brand, "(同|相同)(型号|厂家|系列|规格型号|制造商)"},
        {T::brand, "原厂"},
        {T::brand, "指定(的)?品牌"},
        {T::brand, "(所投|投标)(核心)?(产品)?(的)?(品牌|生产厂家|制造商|厂家)(的)?" + gap(20) + "(业绩|案例|用户|供货)"},
        {T::brand, "品牌(设备|产品|机组)(的)?(业绩|案例|用户|供货)"},
        {T::brand, "(\\p{Han}{2,6}|[a-z]{2,12})[- ]?品牌(的)?(设备|产品|机组)"},
        {T::brand, "[a-z]+[- ]brand(ed)? (equipment|products?)"},
        {T::brand_not, "(该|本|此|所投|投标|同等|知名|国产|进口)品牌"},
        {T::brand, "核心(设备|产品)(的)?(业绩|用户|案例)"},
        // The very product or component offered must have the record (新 products never do).
        {T::brand, "(选用|采用|所选|拟用)的" + gap(20) + "(具有|具备)" + gap(20) + "(业绩|用户|案例)"},
        {T::brand, "(含|包含|注明|载明)(投标|所投)(产品)?(的)?(品牌|规格型号|型号)"},
        {T::brand, "same (brand|make|manufacturer|model)"},
        {T::brand_not, "不限(于)?(品牌|厂家)"},

        // ---- the purchaser or named customers -----------------------------------------------
        {T::customer, OWNER + "(及其)?(的)?(下属|所属|系统内|内部|投资|控股|子公司)"},
        {T::customer, "(在|为|向)" + OWNER},
        {T::customer, "(本市|本区|本县|本省|当地)" + SECTOR_BODY},
        // Customers named by what they are: supply to OEMs (整车厂, 主机厂), but not "all but OEMs".
        {T::customer, "(为|向)" + gap(10) + "(整车厂|主机厂|车企)"},
        {T::customer_not, "除" + gap(6) + "(整车厂|主机厂|车企)" + gap(2) + "(以外|之外|外)"},
        {T::customer, OWNER + "(的)?(项目|工程|用户|现场)"},
        {T::customer, "(为|向)(\\p{Han}|[()]){2,24}(公司|集团|局|厂)(及其" + gap(6) + ")?(提供|供货|供应|实施)"},
        {T::customer, "(如|例如|包括)" + gap(4) + "(示例|某)[^,;:。]{0,12}、"},
        {T::customer, "(国家电网|南方电网|中国石化|中国石油|中国海油|中国中车|国铁集团|中国铁路|中国华能|中国大唐|中国华电|国家能源集团|国家电投|中国宝武|中国中铁|中国铁建)"},
        {T::customer, "(中国|国家)\\p{Han}{1,8}(集团|公司)(及其)?(下属|所属|系统|旗下)"},
        {T::customer, "for the (tenderer|purchaser|employer|owner)"},
        {T::customer, "(tenderer|purchaser|employer)'s (own )?(affiliated |subsidiary |group )?(group|subsidiaries|affiliates|companies|projects|sites)"},

        // ---- a tier of customers ------------------------------------------------------------
        {T::tier, "(三甲|二甲|三级甲等|二级甲等)"},
        {T::tier, "(三|二)级(以上|及以上)?(的)?医院"},
        {T::tier, "(中央企业|央企|国有企业|国企|国有大中型企业|大型国有企业)"},
        {T::tier, "(世界|中国|财富|全球)?500强"},
        {T::tier, "上市公司"},
        {T::tier, "政府(采购|投资)(类似|同类)?(的)?(项目|合同|业绩)"},
        {T::tier, "(\"|“)政府采购(\"|”)"},
        {T::tier, "电子病历" + gap(10) + "级"},
        // Government bodies as the only customers: the tier "government contracts only".
        {T::tier, "政府(部门|机关|机构)"},
        {T::tier_not, "政府(部门|机关|机构)" + gap(4) + "(颁发|认定|评定|出具|批准|发布|核发|授予|备案)"},
        {T::tier, "(省|部|市|县|地市)级((或|及)(省|部|市|县|地市)级)?(台|电视台|单位|业绩|项目|用户|客户|医院)"},
        {T::tier, "(fortune|global) 500"},
        {T::tier, "(state-owned|central) (enterprises?|soes?)"},

        // ---- years in service ----------------------------------------------------------------
        {T::years, "(运行|投运|服役|使用|应用)(时间)?(满|超过|达到|不少于|不低于|不短于|已|已达|在)?" + NUM + "(个)?(年|月)"},
        {T::years, "(连续|安全|稳定|可靠)(无故障)?运行(时间)?(满|超过|达到|不少于|不低于|不短于|已|在)?" + NUM + "(个)?(年|月|小时|h)"},
        {T::years, "投入(使用|运行)(满|超过|达到|不少于|已)?" + NUM + "(个)?(年|月)"},
        {T::years, NUM + "(个)?年(以上)?(的)?(成功|安全|稳定|可靠|连续)?(运行|使用|投运|应用)(经验|经历|记录|业绩|时间|实践)"},
        {T::years, "(几|多|数|若干|长)年(以上)?(的)?(成功|安全|稳定|可靠|连续)?(运行|使用|投运|应用)(实践|考验|经验|经历|记录|验证|业绩)?"},
        {T::years, "经(过)?" + gap(8) + "(运行|使用|应用|实践)(考验|检验|验证|证明)"},
        {T::years, "(长期|多年)(的)?(稳定|安全|可靠|成功)?(运行|使用|应用)(经验|业绩|记录|实践)"},
        {T::years, "(in|of) (commercial |successful |safe |stable |continuous )?(service|operation) for (at least |over |more than )?[0-9]+ (years?|months?)"},
        {T::years, "[0-9]+ (years?|months?) of (successful |safe |stable |continuous )?(service|operation)"},
        {T::years, "operated (safely |successfully |reliably )?for (at least |over |more than )?[0-9]+"},
        {T::years, "proven in (service|operation)"},
        {T::years, "(运行|使用|投运|服役)" + gap(6) + NUM + "(个)?(年|月|小时)(以上|及以上)"},
        {T::years, "(商业|商业化|实际|工程|现场)(运行|使用|应用)" + gap(6) + NUM + "(个)?(年|月)"},
        {T::years, "提供" + NUM + "(个)?年(以上)?(的)?(满意|稳定|可靠)?(服务|运行)的(设备|产品)"},
        {T::years_not, "设计(使用)?(年限|寿命)"},
        {T::years_not, "(使用|设计|预期|服务)寿命"},
        {T::years_not, "(质保|保修|维保|服务|免费维护)期"},
        {T::years_not, NUM + "(个)?年(以上)?(的)?(质保|保修|维保|免费)"},
        // What the equipment shall do from now on (a design life), not what it has done.
        {T::years_not, "(应能|应可|能够|可以|保证|确保|满足|设计)" + gap(8) + "(正常|稳定|安全|连续|可靠)?(运行|使用)"},
        {T::years_not, "(寿命|年限)" + gap(12) + NUM + "(个)?年"},
        {T::years_not, "(机构|网点|办事处|分公司|子公司|公司|企业|单位|服务站|中心|分支机构)(已)?(正常)?(运行|运营|经营)"},
        {T::years_not, "(注册|成立|设立)" + gap(10) + "(运行|运营|经营)" + gap(8) + "(年|月)"},
        {T::years_not, "(机构|网点|办事处|分公司|子公司|公司|企业|单位|服务站|中心)" + gap(10) + "(运行|运营|成立|设立|经营)" + gap(10) + "(年|月)"},

        // ---- units sold ---------------------------------------------------------------------
        {T::units, "销(售)?量"},
        {T::units, "累计(销售|供货|装机|交付|出货|投运|安装)"},
        {T::units, "装机(量|数量|台数|容量|规模)"},
        {T::units, "(保有|出货|交付)量"},
        {T::units, "(历史|以往|近" + NUM + "年)(的)?(销售|供货|交付)(数量|台数|台套数|量|金额|额)"},
        {T::units, "(销售|供货|交付)" + gap(8) + NUM + "(台|套|辆|件|组|家)(\\(套\\))?(及|或)?以上"},
        {T::units, "(按|以|根据)" + gap(8) + "(销售|供货)(金额|额|数量|量)"},
        {T::units, "(产品|设备|同类|该类|此类)(的)?(销售|供货)(金额|额|数量|收入)"},
        {T::units, "销售(金额|额)" + gap(6) + "(累计|达到|不低于|不少于|每|以上|超过)"},
        {T::units, "(客户|用户|医院|单位|家)(数量|数|总数)"},
        {T::units, "[0-9]+家(以上|及以上)"},
        {T::units, "累计" + gap(8) + "(金额|合同额|结算|吨|台|套|万元|元)"},
        {T::units, "装机(超过|达到|不低于|不少于|容量)?" + NUM},
        {T::units, "units? sold"},
        {T::units, "sold (at least|over|more than) [0-9]+"},
        {T::units, "installed base"},
        {T::units, "(sales|shipment) volume"},
        {T::units_not, "(年)?(营业|销售)收入"},
        {T::capacity, "[0-9.]+ ?(gwh|mwh|kwh|wh|gwp|mwp|gw|mw)"},
        {T::capacity, NUM + "(万)?(千瓦|兆瓦|吉瓦)(时)?"},

        // ---- scale of the company -----------------------------------------------------------
        {T::scale, "注册(资本|资金)"},
        {T::scale, "实缴(资本|资金)"},
        {T::scale, "营业(收入|额)"},
        {T::scale, "主营业务收入"},
        {T::scale, "(年|企业|公司)(的)?销售(收入|额)"},
        {T::scale, "年产值"},
        {T::scale, "(资产总额|总资产|净资产|资产规模)"},
        {T::scale, "(员工|职工|从业人员|在职人员|在职员工|正式员工|公司|企业)(总)?(人数|数量|规模|总数)"},
        {T::scale, "(企业|公司)(的)?规模"},
        {T::scale, "(流动资金|资金实力|固定资产)"},
        {T::scale, "或其(所属)?(总公司|集团公司|母公司|上级公司)"},
        {T::scale, "(自营|自有)" + gap(8) + "(基地|工厂|厂房|仓库|车间)" + gap(8) + "(面积|规模|产能)"},
        {T::scale, "(净)?利润(总额)?(不低于|不少于|达到|超过|大于|在|>|≥|为正)"},
        {T::scale, "(盈利|亏损)"},
        {T::scale, "纳税(额|总额|金额|额度)"},
        {T::scale, "(缴纳|缴)税(款|金|额)"},
        {T::scale, "(实缴税|缴税|纳税)" + gap(6) + NUM + "(万)?元"},
        {T::scale, "财务指标"},
        {T::scale, "财务(状况|能力|实力)(最|较|优|好)"},
        {T::scale, "registered capital"},
        {T::scale, "(annual )?(revenue|turnover)"},
        {T::scale, "number of (employees|staff)"},
        {T::scale, "headcount"},
        {T::scale, "net profit"},
        {T::scale, "tax(es)? paid"},
        {T::scale_not, "(依法)?缴纳税收和社会保(障|险)(资金)?"},
        {T::scale_not, "非(盈|营)利"},
        {T::scale_not, "健全的财务会计制度"},

        // ---- a local presence -----------------------------------------------------------------
        // A presence is a location (a place, 本地, 项目所在地) and, in the same clause after it, an
        // office set up or a registration (compose()); or 注册地在 and a location.
        {T::here, HERE},
        {T::here, MACRO},
        {T::here, "(省|市|区|县|州)(内|范围内|境内)"},
        {T::here, "(在|于)\\p{Han}{2,4}(区|县|旗|镇)"},
        {T::presence_tail, "(设有|设立|设置|拥有|具有|建有|有)" + gap(14) +
                               "(分公司|子公司|分支机构|办事处|服务机构|服务网点|服务站|服务中心|维修(站|中心|点|网点)|维保中心|常驻机构|常设机构|驻点|4s店|"
                               "售后(服务)?(机构|网点|中心|站|点)|生产基地|工厂|营业场所|办公场所|固定场所|机构|网点)"},
        {T::presence_tail, "(注册|登记)(的)?" + gap(10) + "(企业|公司|供应商|法人|服务机构|机构)"},
        {T::presence_tail, "(社会保险|社保|纳税|缴税|实缴税)"},
        {T::presence_tail, "(提货点|门店|营业网点|配送中心|仓储中心)"},
        {T::presence_tail, "(的)?(固定)?(办公场所|办公地点|营业场所|服务网点|服务机构|分支机构|办事处|分公司|售后服务机构|维修站|服务站)"},
        {T::presence_head, "(注册地|住所|所在地|营业执照注册地|经营地址|办公地址|注册地址)" + gap(6) + "(在|为|位于|属于|于)"},
        {T::presence, "(须为|限于|仅限|必须为|应为|须是|必须是)\\p{Han}{1,5}(省|市|区|县|州)(的)?(本地)?(企业|公司|供应商|法人)"},
        {T::presence, "(local|in-country) (office|branch|service (centre|center|station))"},
        {T::presence_not, "(中标|成交)(后|之后)" + gap(16) + "(设立|设置|派驻|安排|建立)"},
        {T::presence_not, "承诺" + gap(12) + "(设立|设置|建立|派驻|安排)"},
        {T::presence_not, "(到达|抵达|赶到|响应)" + gap(4) + "(项目所在地|采购人所在地|招标人所在地|本地|当地|现场)"},

        // ---- an award of a region ---------------------------------------------------------------
        {T::award, "(奖|荣誉|称号|名牌|著名商标|守合同重信用|诚信)" + gap(12) + "(省|市|区|县|地市|省部)级"},
        {T::award, "(省|市|区|县|自治区|地市|市州|省部|省市)级(及以上|以上|或以上)?" + gap(12) +
                       "(奖|荣誉|称号|名牌|著名商标|知名商标|优质工程|优质产品|示范|先进|守合同重信用|诚信|标杆|质量)"},
        // An award of a place: a location and, in the same clause after it, an award (compose()).
        {T::award_tail, "(奖|杯|名牌|著名商标|知名商标|优质工程|优质产品|科技进步|守合同重信用|信用等级|先进单位|先进企业|称号|荣誉)"},
        {T::award, "\\p{Han}{2}杯"},
        {T::award, "(省|市|区|县)(级)?(物业管理)?(优秀|示范|文明|优质|先进|星级)(住宅)?(小区|项目|大厦|工业区|单位|企业|物业)"},
        {T::award, "(provincial|municipal|local) (awards?|honou?rs?|prizes?)"},
        {T::award_not, "(杯|奖)(型|状|式|具)"},
        {T::award_not, "(承诺|确保|争创|力争|达到)" + gap(8) + "(省|市|区|县)(级)?"},

        // ---- a brand named, or locked in ---------------------------------------------------------
        {T::lock_in, "(参考|推荐|指定|意向|建议)(的)?(品牌|型号|厂家|厂商|制造商)"},
        {T::lock_in, "品牌(为|:|须为|应为|限|限定为|必须为)"},
        {T::lock_in, "(兼容|对接|匹配|适配|一致|配套)" + gap(10) + "(现有|原有|已有|现行|在用|既有)" + gap(12) + "(品牌|牌|厂家|厂商|原厂)"},
        {T::lock_in, "(示例|某)品牌"},
        {T::lock_in, "原厂(全新)?(的)?(备件|配件|零部件|耗材)"},
        {T::lock_in, "与原(有)?(设备)?(型号|品牌)" + gap(2) + "(一致|相同)"},
        {T::lock_in, "(对|的)(设备)?品牌(的)?要求"},
        {T::lock_in, "或(具备|具有)?(同等|相当|等同)" + gap(10) + "(档次|品质|性能|功能|水平|品牌|能力|产品)"},
        {T::lock_in, "(brand|make) (name )?(must be|shall be|is|:)"},
        {T::lock_in, "compatible with (the )?(existing|installed) [a-z]+ (brand|make)"},

        // ---- certificates only insiders hold -------------------------------------------------------
        {T::exclusive, "(通过|取得|获得|成为|列入|纳入|入围)" + gap(24) + "(集团|招标人|采购人|本单位|本公司|电网|铁路|示例)" + gap(40) +
                           "(资格预审|资格审核|审核|合格供应商|供应商(名录|库|名单)|入围|准入|认证)"},
        {T::exclusive, "(集团|招标人|采购人|本单位|本公司)" + gap(12) + "(合格供应商|供应商库|供应商名录|供应商名单|入围供应商)"},
        {T::exclusive, "(生产厂家|制造商|厂家|原厂)" + gap(6) + "(维护|维保|维修)(服务)?(授权|许可)"},
        {T::exclusive, "(铁专|路局|铁路局|铁路集团)" + gap(8) + "(认证|许可|证书|资质)"},
        {T::exclusive, "(设备厂家|生产厂家|厂家|原厂)" + gap(12) + "培训"},
        {T::exclusive, "(平台|系统|商城)(上)?注册[^;。]{0,8}(通过|经)" + gap(6) + "审核"},
        {T::exclusive, "(入围|准入|合格)供应商(名录|名单|库)"},
        {T::exclusive, "(参与|参编|主编|主持|牵头)(了)?" + gap(24) + "(标准|规范)(体系)?(的)?(建设|制定|编制|起草|修订)"},
        {T::exclusive_not, "(未|没有|不得|未曾|不在)(被)?(列入|纳入)"},
        {T::exclusive_not, "(失信|黑名单|不良行为|违法|违规)" + gap(6) + "(名录|名单|库)"},
        {T::exclusive_not, "不合格供应商"},
        {T::exclusive, "(approved|qualified) (vendor|supplier) list of the (purchaser|tenderer|group)"},

        // ---- new products excluded --------------------------------------------------------------
        {T::new_product, "(不接受|不允许|不得|不能|禁止|严禁|拒绝|不采用|不考虑|不予接受|不应|不可)" + gap(14) +
                             "(新研制|新研发|新开发|研制中|试制|样机|首台|首套|首次(使用|应用|投运)|试验(性|产品|品)|未(经|成熟)|不成熟|试用|实验室产品|原型)"},
        {T::new_product, "(新研制|新研发|新开发|样机|试制品|首台套?|原型机)" + gap(10) + "(不予|不得|不能|不接受|不允许|不考虑|拒绝)"},
        {T::new_product, "经(过)?" + gap(6) + "(几|多|数|若干|[0-9一二三四五六七八九十]+)年" + gap(6) + "(运行|使用)(实践|考验)" + gap(4) + "(已)?证明"},
        {T::new_product, "(须|应|必须)(是|为)" + gap(20) + "(使用过|运行过|应用过|经过验证)(的)?" + gap(12) + "产品"},
        {T::new_product, "(应该|须|应|必须)(是|为)" + gap(6) + "经过" + gap(8) + "(使用|运行|应用|验证|考验)"},
        {T::new_product, "(须|应|必须)(为|是)?" + gap(6) + "(已上市|市场在售|在售|已量产|批量生产|定型)(的)?(产品|设备|型号)"},
        {T::new_product, "(电商|网上|线上|网络)" + gap(4) + "(销售|在售)(地址|网址|链接)"},
        {T::new_product, "(prototypes?|newly developed|untested) (products?|equipment)[a-z ]{0,20}(not|no) (be )?(accepted|allowed|permitted)"},
        {T::new_product, "(no|not) (prototypes?|newly developed (products?|equipment))"},
    };
    return p;
}

// Hyperscan says, in one pass over a text, which patterns match in it; PCRE2 then finds where,
// for those patterns only (a few in a criterion). Hyperscan alone could report the spans too, but
// its start-of-match mode makes the gazetteer and long gaps too large and the scan ten times
// slower.
struct Database {
    hs_database_t* db = nullptr;
    std::vector<Term> terms;                          // by pattern id
    std::vector<std::unique_ptr<const Regex>> regex;  // by pattern id
    Database() = default;
    Database(Database&& o) noexcept : db(std::exchange(o.db, nullptr)), terms(std::move(o.terms)), regex(std::move(o.regex)) {}
    Database& operator=(Database&&) = delete;
    ~Database() { hs_free_database(db); }
};

// The pattern as Hyperscan reads it, on bytes rather than characters: a superset of the
// pattern's matches (PCRE2 then confirms), with literals that its literal matchers find fast. A gap
// of n characters becomes 4n bytes (a character is at most four) that are not , ; : (。 too: its
// bytes also occur in other characters); a Han character, three or four bytes of 0x80 and above.
// A class of characters repeated with + (NUM) matches the same bytes and more.
std::string loose(std::string_view exact) {
    std::string out;
    for (std::size_t i = 0; i < exact.size();) {
        // A negated class repeated {0,n}: the same class of ASCII bytes (its other characters are
        // dropped: their bytes occur in other characters too), n characters as 4n bytes.
        if (exact.compare(i, 2, "[^") == 0) {
            const std::size_t close = exact.find(']', i + 2);
            if (close != std::string_view::npos && exact.compare(close, 4, "]{0,") == 0) {
                const std::size_t brace = exact.find('}', close);
                std::string ascii;
                for (char c : exact.substr(i + 2, close - i - 2))
                    if (static_cast<unsigned char>(c) < 0x80) ascii += c;
                out += "[^" + ascii + "]{0," + std::to_string(4 * std::stoul(std::string(exact.substr(close + 4, brace - close - 4)))) + "}";
                i = brace + 1;
                continue;
            }
        }
        if (exact.compare(i, 7, "\\p{Han}") == 0) {
            out += "(?:[\\x80-\\xff]{3,4})";
            i += 7;
        } else if (static_cast<unsigned char>(exact[i]) >= 0xC0) {
            // A character of several bytes: a quantifier after it (套?) must apply to all its
            // bytes, not to the last one.
            std::size_t n = 1;
            while (i + n < exact.size() && (static_cast<unsigned char>(exact[i + n]) & 0xC0) == 0x80) ++n;
            const bool quantified = i + n < exact.size() && std::string_view("?*+{").find(exact[i + n]) != std::string_view::npos;
            out += quantified ? "(?:" + std::string(exact.substr(i, n)) + ")" : std::string(exact.substr(i, n));
            i += n;
        } else {
            out += exact[i++];
        }
    }
    return out;
}

// The part of a loose pattern Hyperscan needs to look for: a pattern matches only where each of
// its parts does, so the longest part between gaps will do (PCRE2 confirms the whole), and spares
// Hyperscan the leading 有 or 在 that would start its automata at almost every character.
std::string factor(const std::string& p) {
    std::vector<std::string> parts(1);
    int depth = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            parts.back() += p.substr(i, 2);
            ++i;
            continue;
        }
        if (depth == 0 && p.compare(i, 2, "[^") == 0) {  // a gap (loose() writes them all [^...]{0,n})
            const std::size_t close = p.find(']', i + 2);
            if (close != std::string::npos && p.compare(close, 4, "]{0,") == 0) {
                i = p.find('}', close);
                parts.emplace_back();
                continue;
            }
        }
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == '|' && depth == 0) return p;  // alternatives at the top: keep the whole
        parts.back() += c;
    }
    if (parts.size() == 1) return p;
    // The longest part that cannot be empty (does not end in ? or *).
    std::string best;
    for (const std::string& part : parts)
        if (!part.empty() && part.back() != '?' && part.back() != '*' && part.size() > best.size()) best = part;
    return best.empty() ? p : best;
}

const Database& database() {
    // Never destroyed: an engine's threads or a host's may still audit while the process exits.
    static const Database* const compiled = new Database([] {
        const std::vector<Pattern> all = patterns();
        Database d;
        std::vector<std::string> loose_sources;
        std::vector<const char*> sources;
        std::vector<unsigned> flags, ids;
        for (const Pattern& p : all) {
            ids.push_back(static_cast<unsigned>(d.terms.size()));
            d.terms.push_back(p.term);
            d.regex.push_back(std::make_unique<const Regex>(p.source));
            loose_sources.push_back(factor(loose(p.source)));
        }
        for (const std::string& l : loose_sources) {
            sources.push_back(l.c_str());
            flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_PREFILTER | HS_FLAG_ALLOWEMPTY);
        }
        hs_compile_error_t* error = nullptr;
        if (hs_compile_multi(sources.data(), flags.data(), ids.data(), static_cast<unsigned>(sources.size()), HS_MODE_BLOCK,
                             nullptr, &d.db, &error) != HS_SUCCESS) {
            std::string what = std::string("lint wording: pattern ") + std::to_string(error->expression) + ": " + error->message;
            if (error->expression >= 0) what += ": " + loose_sources[static_cast<std::size_t>(error->expression)].substr(0, 60);
            hs_free_compile_error(error);
            throw std::logic_error(what);
        }
        return d;
    }());
    return *compiled;
}

// One scratch space per thread (Hyperscan's rule: a scratch serves one scan at a time).
struct Scratch {
    hs_scratch_t* s = nullptr;
    ~Scratch() { hs_free_scratch(s); }
};

// SINGLEMATCH: each pattern reports once, so the vector (reserved for every pattern) never
// allocates here, and nothing throws through Hyperscan's frames.
int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
    auto* ids = static_cast<std::vector<unsigned>*>(context);
    if (ids->size() < ids->capacity()) ids->push_back(id);
    return 0;
}

}  // namespace

void matches(const Regex& re, Term term, std::string_view text, std::vector<Hit>& hits) {
    std::size_t from = 0;
    while (from < text.size()) {
        const auto m = re.find(text, from);
        if (!m) break;
        // An empty match marks no words (an `unless` of '(不限地区)?' cancels nothing).
        if (m->second > 0)
            hits.push_back(Hit{term, static_cast<std::uint32_t>(m->first), static_cast<std::uint32_t>(m->first + m->second)});
        from = m->first + std::max<std::size_t>(m->second, 1);
        while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
    }
}

std::optional<Term> not_of(Term t) noexcept {
    switch (t) {
        case Term::track_record: return Term::track_record_not;
        case Term::region: return Term::region_not;
        case Term::industry: return Term::industry_not;
        case Term::brand: return Term::brand_not;
        case Term::customer: return Term::customer_not;
        case Term::tier: return Term::tier_not;
        case Term::years: return Term::years_not;
        case Term::units: return Term::units_not;
        case Term::scale: return Term::scale_not;
        case Term::presence: return Term::presence_not;
        case Term::award: return Term::award_not;
        case Term::exclusive: return Term::exclusive_not;
        default: return std::nullopt;
    }
}

namespace {

// Matches of one term that overlap are one: their union (在四川省 and 四川省内 are 在四川省内).
void longest(std::vector<Hit>& hits) {
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
        return a.from != b.from ? a.from < b.from : a.term != b.term ? a.term < b.term : a.to > b.to;
    });
    std::array<std::ptrdiff_t, term_count> last;
    last.fill(-1);
    std::vector<Hit> out;
    for (const Hit& h : hits) {
        std::ptrdiff_t& l = last[static_cast<std::size_t>(h.term)];
        if (l >= 0 && h.from < out[static_cast<std::size_t>(l)].to) {
            out[static_cast<std::size_t>(l)].to = std::max(out[static_cast<std::size_t>(l)].to, h.to);
            continue;
        }
        l = static_cast<std::ptrdiff_t>(out.size());
        out.push_back(h);
    }
    hits = std::move(out);
}

bool same_clause(std::string_view text, std::uint32_t from, std::uint32_t to) {
    if (to < from) return false;
    const std::string_view between = text.substr(from, to - from);
    return between.find_first_of(",;:") == std::string_view::npos && between.find("\xE3\x80\x82") == std::string_view::npos;
}

// Whether `after` follows `before` in the same clause (or, with `across_commas`, the same
// sentence), at most `chars` characters later.
bool follows(std::string_view text, const Hit& before, const Hit& after, std::size_t chars, bool across_commas = false) {
    if (after.from < before.to) return false;
    const std::string_view between = text.substr(before.to, after.from - before.to);
    const bool same = across_commas ? between.find_first_of(";") == std::string_view::npos &&
                                          between.find("\xE3\x80\x82") == std::string_view::npos
                                    : same_clause(text, before.to, after.from);
    return same && utf8::count(between) <= chars;
}

bool ends_with(std::string_view text, std::uint32_t at, std::string_view word) {
    return at >= word.size() && text.substr(at - word.size(), word.size()) == word;
}

// Joins the parts: a place with what is before or after it (a region), a location with an office
// after it (a presence), a location with an award after it (an award of a region).
void compose(std::string_view text, std::vector<Hit>& hits) {
    std::vector<Hit> locations, out;
    // What follows a place that makes it a name, not a limit: 重庆市首台（套）, 深圳市政府采购中心.
    auto named = [&](const Hit& h) {
        std::string_view after = text.substr(h.to);
        for (std::string_view p : {"(认定的)", "认定的", "级"})
            if (after.substr(0, p.size()) == p) after.remove_prefix(p.size());
        for (std::string_view w : {"首台", "首批次", "首版次", "公共资源", "政府采购", "采购中心", "交易中心", "交易平台", "财政局",
                                   "企业信用", "信用信息"})
            if (after.substr(0, w.size()) == w) return true;
        return false;
    };
    for (const Hit& h : hits) {
        if (h.term == Term::here) locations.push_back(h);
        if (h.term != Term::place || named(h)) continue;
        locations.push_back(h);
        for (std::string_view before : {"位于", "在", "于", "为"})
            if (ends_with(text, h.from, before)) {
                out.push_back(Hit{Term::region, static_cast<std::uint32_t>(h.from - before.size()), h.to});
                break;
            }
        for (const Hit& s : hits)
            if (s.term == Term::region_suffix && s.from == h.to) out.push_back(Hit{Term::region, h.from, s.to});
    }
    for (const Hit& h : hits)
        for (const Hit& l : locations) {
            // 在本市行政区域内，年实缴税…: a location opening a sentence governs it past a comma.
            if (h.term == Term::presence_tail && follows(text, l, h, 14, true)) out.push_back(Hit{Term::presence, l.from, h.to});
            if (h.term == Term::presence_head && follows(text, h, l, 4)) out.push_back(Hit{Term::presence, h.from, l.to});
            if (h.term == Term::award_tail && follows(text, l, h, 14)) out.push_back(Hit{Term::award, l.from, h.to});
        }
    hits.insert(hits.end(), out.begin(), out.end());
}

}  // namespace


namespace {

std::vector<Hit> finish(std::string_view text, std::vector<Hit> hits) {
    longest(hits);
    compose(text, hits);
    longest(hits);
    // A look-alike cancels the matches of its term it overlaps (设计寿命 beside 运行30年).
    std::vector<Hit> kept;
    for (const Hit& h : hits) {
        const auto cancel = not_of(h.term);
        if (!cancel || std::none_of(hits.begin(), hits.end(), [&](const Hit& n) {
                return n.term == *cancel && n.from < h.to && h.from < n.to;
            }))
            kept.push_back(h);
    }
    return kept;
}

}  // namespace

std::vector<Hit> scan(std::string_view text) {
    const Database& d = database();
    thread_local Scratch scratch;
    if (!scratch.s && hs_alloc_scratch(d.db, &scratch.s) != HS_SUCCESS) throw std::bad_alloc();
    std::vector<Hit> hits;
    if (text.empty()) return hits;
    std::vector<unsigned> candidates;
    candidates.reserve(d.terms.size());
    if (hs_scan(d.db, text.data(), static_cast<unsigned>(text.size()), 0, scratch.s, on_match, &candidates) != HS_SUCCESS)
        throw std::runtime_error("lint wording: scan failed");
    for (unsigned id : candidates) matches(*d.regex[id], d.terms[id], text, hits);
    return finish(text, std::move(hits));
}

std::vector<Hit> scan_every_pattern(std::string_view text) {
    const Database& d = database();
    std::vector<Hit> hits;
    for (std::size_t id = 0; id < d.regex.size(); ++id) matches(*d.regex[id], d.terms[id], text, hits);
    return finish(text, std::move(hits));
}

void prepare() { database(); }

}  // namespace firstset::lint
