#include "labels.hpp"

namespace host {

namespace {

struct Entry {
    const char* key;
    const char* zh;
    const char* en;
};

constexpr Entry known[] = {
    {"committee_formed", "依法组建评标委员会", "evaluation committee formed as the law requires"},
    {"evaluation_report_signed", "评标报告经评标委员会签署", "evaluation report signed by the committee"},
    {"publicity_completed", "中标候选人公示期满", "publicity of the winning candidates completed"},
    {"complaints_resolved", "异议和投诉处理完毕", "objections and complaints resolved"},
    {"personal_gain", "谋取私利", "seeking personal gain"},
    {"collusion", "串通", "collusion"},
    {"falsified_documents", "弄虚作假", "falsified documents"},
    {"breach_of_law", "违法违纪", "a breach of law or discipline"},
    {"ignored_known_risk", "明知风险仍执意采购或使用", "ignoring a known risk"},
    {"application", "容错申请", "application"},
    {"investigation", "调查核实", "investigation"},
    {"decision", "容错认定", "decision"},
    {"feedback", "结果反馈及纪检监察机关备案", "feedback and filing with the discipline-inspection body"},
    {"correction", "纠错整改", "correction"},
    {"notice", "免责通报／澄清正名", "exemption notice / clearing of names"},
    {"exempt", "予以容错免责", "exempt"},
    {"not_exempt", "不予免责", "not exempt"},
    {"review", "需进一步查明", "needs review"},
    {"minor", "一般", "minor"},
    {"major", "较大", "major"},
    {"critical", "重大", "critical"},
    {"state_owned", "国有", "state-owned"},
    {"state_controlled", "国有控股", "state-controlled"},
    {"central_soe", "中央企业", "central SOE"},
    {"government", "政府机关", "government"},
    {"private", "民营", "private"},
    {"open_tender", "公开招标", "open tender"},
    {"invited_tender", "邀请招标", "invited tender"},
    {"competitive_negotiation", "竞争性谈判", "competitive negotiation"},
    {"competitive_consultation", "竞争性磋商", "competitive consultation"},
    {"inquiry", "询价", "inquiry"},
    {"single_source", "单一来源采购", "single-source procurement"},
    {"exemption_notice", "免责通报", "exemption notice"},
    {"clearing_name", "澄清正名", "clearing of names"},
    {"genesis", "账本创建", "ledger created"},
    {"evaluation", "评审", "evaluation"},
    {"award", "授标", "award"},
    {"failure_report", "故障报告", "failure report"},
    {"tolerance_decision", "容错处理", "tolerance decision"},
    {"case_stage", "容错案件环节", "case stage"},
};

}  // namespace

KeyLabel label_of(const std::string& key) {
    for (const Entry& e : known)
        if (key == e.key) return {e.zh, e.en};
    std::string words = key;
    for (char& c : words)
        if (c == '_') c = ' ';
    return {words, words};
}

}  // namespace host
