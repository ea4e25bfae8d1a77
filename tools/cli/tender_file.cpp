#include "tender_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>

namespace host {

namespace {

struct Reader {
    std::string file;

    [[noreturn]] void fail(const YAML::Node& at, const std::string& en, const std::string& zh) const {
        throw InputError(en, zh, file, at.IsDefined() ? at.Mark().line + 1 : 0);
    }

    // YAML 1.2 core-schema reading of a plain scalar for the plugin's JSON: numbers and
    // booleans become JSON numbers and booleans; quoted scalars stay strings.
    nlohmann::json to_json(const YAML::Node& n) const {
        switch (n.Type()) {
            case YAML::NodeType::Map: {
                nlohmann::json o = nlohmann::json::object();
                for (const auto& kv : n) o[kv.first.Scalar()] = to_json(kv.second);
                return o;
            }
            case YAML::NodeType::Sequence: {
                nlohmann::json a = nlohmann::json::array();
                for (const auto& v : n) a.push_back(to_json(v));
                return a;
            }
            case YAML::NodeType::Scalar: {
                const std::string& s = n.Scalar();
                if (n.Tag() != "?") return s;
                if (s == "true" || s == "True" || s == "TRUE") return true;
                if (s == "false" || s == "False" || s == "FALSE") return false;
                if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
                nlohmann::json number = nlohmann::json::parse(s, nullptr, false);
                if (number.is_number()) return number;
                return s;
            }
            default:
                return nullptr;
        }
    }

    std::string text(const YAML::Node& map, const char* key, const char* what_zh) const {
        const YAML::Node v = map[key];
        if (!v || !v.IsScalar() || v.Scalar().empty())
            fail(v ? v : map, std::string("missing or empty \"") + key + "\"", std::string("缺少") + what_zh + "（" + key + "）");
        return v.Scalar();
    }

    Rational decimal(const YAML::Node& v, const std::string& what_en, const std::string& what_zh) const {
        auto d = v.IsScalar() ? parse_decimal(v.Scalar()) : std::nullopt;
        if (!d)
            fail(v, what_en + " must be a plain decimal number such as 2200000.00, without separators",
                 what_zh + "应为普通十进制数，例如 2200000.00，不含千位分隔符");
        return *d;
    }
};

YAML::Node load_yaml(const std::filesystem::path& path) {
    try {
        return YAML::LoadFile(path.string());
    } catch (const YAML::BadFile&) {
        throw InputError("cannot read " + path.string(), "无法读取文件 " + path.string(), path.string(), 0);
    } catch (const YAML::Exception& e) {
        throw InputError("not well-formed YAML: " + e.msg, "YAML 格式错误：" + e.msg, path.string(), e.mark.line + 1);
    }
}

}  // namespace

TenderFile read_tender_file(const std::filesystem::path& path) {
    Reader r{path.string()};
    const YAML::Node root = load_yaml(path);
    if (!root.IsMap()) r.fail(root, "the file must hold a mapping with tender and bids", "文件应包含 tender 和 bids 两部分");
    const YAML::Node tender = root["tender"];
    if (!tender || !tender.IsMap()) r.fail(root, "missing \"tender\"", "缺少招标项目（tender）");

    TenderFile out;
    out.file = path.string();
    out.tender = r.to_json(tender);
    out.id = r.text(tender, "id", "招标项目编号");
    if (tender["title"]) out.title = tender["title"].Scalar();

    const YAML::Node criteria = tender["criteria"];
    if (!criteria || !criteria.IsSequence()) r.fail(tender, "missing \"criteria\"", "缺少评审因素（criteria）");
    for (const auto& c : criteria) {
        CriterionInfo k;
        k.id = r.text(c, "id", "评审因素编号");
        k.kind = r.text(c, "kind", "评审因素类别");
        k.name = c["name"] ? c["name"].Scalar() : k.id;
        k.scored = r.text(c, "mode", "评审方式") == "scored";
        if (k.scored) k.max_points = r.decimal(c["max_points"], "max_points of " + k.id, k.id + " 的满分");
        if (const YAML::Node bands = c["bands"]) {
            for (const auto& b : bands) {
                Band band;
                band.min = b["min"] ? r.decimal(b["min"], "band min of " + k.id, k.id + " 的分档下限") : Rational(0);
                band.points = r.decimal(b["points"], "band points of " + k.id, k.id + " 的分档分值");
                if (band.points > k.max_points)
                    r.fail(b, "a band of " + k.id + " gives more than its max_points",
                           k.id + " 的分档分值超过满分");
                k.bands.push_back(band);
            }
            std::stable_sort(k.bands.begin(), k.bands.end(), [](const Band& a, const Band& b) { return a.min > b.min; });
        }
        out.criteria.push_back(std::move(k));
    }

    const YAML::Node bids = root["bids"];
    if (!bids || !bids.IsSequence() || bids.size() == 0) r.fail(root, "missing \"bids\"", "缺少投标文件（bids）");
    for (const auto& b : bids) {
        BidEntry bid;
        bid.line = b.Mark().line + 1;
        bid.id = r.text(b, "id", "投标编号");
        for (const auto& other : out.bids)
            if (other.id == bid.id) r.fail(b["id"], "bid id " + bid.id + " is used twice", "投标编号 " + bid.id + " 重复");
        if (!b["bidder"] || !b["bidder"].IsMap()) r.fail(b, "bid " + bid.id + " has no bidder", "投标 " + bid.id + " 缺少投标人");
        bid.bidder_name = r.text(b["bidder"], "name", "投标人名称");
        bid.price = r.decimal(b["price"], "the price of bid " + bid.id, "投标 " + bid.id + " 的报价");
        if (bid.price <= 0) r.fail(b["price"], "a price must be above zero", "报价必须大于零");
        bid.plugin_bid = {{"id", bid.id}, {"bidder", r.to_json(b["bidder"])}, {"offers", r.to_json(b["offers"])}};
        if (const YAML::Node scores = b["scores"]) {
            for (const auto& kv : scores) {
                const std::string id = kv.first.Scalar();
                auto it = std::find_if(out.criteria.begin(), out.criteria.end(), [&](const CriterionInfo& k) { return k.id == id; });
                if (it == out.criteria.end())
                    r.fail(kv.first, "scores name criterion " + id + ", which the tender does not have",
                           "评分中的评审因素 " + id + " 不在招标文件中");
                std::vector<Rational> list;
                if (kv.second.IsSequence()) {
                    for (const auto& s : kv.second) list.push_back(r.decimal(s, "a score", "专家评分"));
                } else {
                    list.push_back(r.decimal(kv.second, "a score", "专家评分"));
                }
                if (list.empty()) r.fail(kv.second, "no scores given for " + id, id + " 没有专家评分");
                for (const auto& s : list)
                    if (s > it->max_points)
                        r.fail(kv.second, "a score for " + id + " exceeds its max_points", id + " 的评分超过满分");
                bid.scores[id] = std::move(list);
                bid.score_lines[id] = kv.first.Mark().line + 1;
            }
        }
        if (const YAML::Node evidence = b["evidence"]) {
            for (const auto& kv : evidence) {
                Evidence e;
                e.line = kv.first.Mark().line + 1;
                if (kv.second["value"]) e.value = r.decimal(kv.second["value"], "an evidence value", "证据数值");
                if (const YAML::Node p = kv.second["pass"]) {
                    if (!p.IsScalar() || (p.Scalar() != "true" && p.Scalar() != "false"))
                        r.fail(p, "pass must be true or false", "pass 应为 true 或 false");
                    e.pass = p.Scalar() == "true";
                }
                bid.evidence[kv.first.Scalar()] = e;
            }
        }
        out.bids.push_back(std::move(bid));
    }
    return out;
}

nlohmann::json read_tender_only(const std::filesystem::path& path) {
    Reader r{path.string()};
    const YAML::Node root = load_yaml(path);
    if (!root.IsMap()) r.fail(root, "the file must hold a tender (a mapping)", "文件应包含招标项目（映射）");
    if (const YAML::Node tender = root["tender"]) {
        if (!tender.IsMap()) r.fail(tender, "\"tender\" must be a mapping", "tender 应为映射");
        return r.to_json(tender);
    }
    if (!root["criteria"]) r.fail(root, "missing \"tender\" (or a tender's \"criteria\")", "缺少招标项目（tender）或其评审因素（criteria）");
    return r.to_json(root);
}

nlohmann::json read_record_file(const std::filesystem::path& path, const std::string& award,
                                const std::string& failure, const std::string& case_id) {
    Reader r{path.string()};
    const YAML::Node root = load_yaml(path);
    if (!root.IsMap()) r.fail(root, "a record file holds a mapping", "记录文件应为映射（键值对）");
    nlohmann::json record = r.to_json(root);
    if (record.value("kind", "") == "award" && root["tender_file"]) {
        const std::filesystem::path tender_path = path.parent_path() / root["tender_file"].Scalar();
        const std::string bid_id = r.text(root, "bid", "中标投标编号");
        TenderFile tender = read_tender_file(tender_path);
        const auto bid = std::find_if(tender.bids.begin(), tender.bids.end(), [&](const BidEntry& b) { return b.id == bid_id; });
        if (bid == tender.bids.end())
            r.fail(root["bid"], "bid " + bid_id + " is not in " + tender_path.string(), "投标 " + bid_id + " 不在 " + tender_path.string() + " 中");
        record.erase("tender_file");
        record["tender"] = tender.tender;
        record["bid"] = bid->plugin_bid;
    }
    if (!award.empty()) record["award"] = award;
    if (!failure.empty()) record["failure"] = failure;
    if (!case_id.empty()) record["case"] = case_id;
    return record;
}

}  // namespace host
