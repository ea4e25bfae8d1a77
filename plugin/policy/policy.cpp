#include "policy/policy.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <stdexcept>

#include "schema/embedded.hpp"
#include "util/decimal.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/money.hpp"
#include "util/regex.hpp"
#include "util/source_document.hpp"

namespace firstset {

namespace {

std::string escaped(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

// Splits "text {fact} text" into pieces; an unknown or disallowed {name} is a CONFIG error.
MessageText compile_text(const SourceDocument& doc, std::string_view text, const std::string& pointer, Code code) {
    MessageText m;
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '{') {
            auto close = text.find('}', i);
            std::string_view name = close == std::string_view::npos ? std::string_view() : text.substr(i + 1, close - i - 1);
            const bool looks_like_placeholder =
                !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
            if (looks_like_placeholder) {
                auto fact = fact_from_name(name);
                if (!fact || !may_mention(code, *fact)) {
                    std::string list;
                    for (std::size_t f = 0; f < fact_count; ++f)
                        if (may_mention(code, static_cast<Fact>(f)))
                            (list += list.empty() ? "" : ", ") += fact_name(static_cast<Fact>(f));
                    doc.fail(Status::config, "POLICY_PLACEHOLDER",
                             "message " + std::string(code_name(code)) + " mentions {" + std::string(name) +
                                 "}, which this message cannot know (it may use: " + list + ")",
                             "消息 " + std::string(code_name(code)) + " 引用了 {" + std::string(name) +
                                 "}，该消息无法提供此项（可用：" + list + "）",
                             pointer);
                }
                if (!literal.empty()) {
                    m.pieces.push_back({escaped(literal), std::nullopt});
                    literal.clear();
                }
                m.pieces.push_back({{}, fact});
                i = close + 1;
                continue;
            }
        }
        literal.push_back(text[i++]);
    }
    if (!literal.empty()) m.pieces.push_back({escaped(literal), std::nullopt});
    return m;
}

std::vector<std::string> strings_of(const json::Value& array) {
    std::vector<std::string> out;
    for (const auto& v : array.items()) out.emplace_back(v.str());
    return out;
}

std::string string_or(const json::Value& object, std::string_view name, std::string fallback) {
    const json::Value* v = object.find(name);
    return v ? std::string(v->str()) : std::move(fallback);
}

// Compiles a pack's list of patterns (caseless, over normalise_wording's form); a pattern PCRE2
// refuses is a CONFIG error at its place in the pack.
std::vector<std::shared_ptr<const Regex>> patterns_of(const SourceDocument& doc, const json::Value* array,
                                                      const std::string& pointer) {
    std::vector<std::shared_ptr<const Regex>> out;
    if (!array) return out;
    std::size_t i = 0;
    for (const auto& v : array->items()) {
        try {
            out.push_back(std::make_shared<const Regex>(v.str(), Regex::caseless));
        } catch (const std::invalid_argument& e) {
            std::string at = pointer;
            append_pointer_token(at, i);
            doc.fail(Status::config, "POLICY_BAD_PATTERN",
                     "\"" + std::string(v.str()) + "\" is not a valid pattern: " + e.what(),
                     "\"" + std::string(v.str()) + "\" 不是有效的正则表达式：" + e.what(), at);
        }
        ++i;
    }
    return out;
}

Policy::Lint read_lint(const SourceDocument& doc, const json::Value& lint, const Policy& p) {
    Policy::Lint out;
    out.citation = string_or(lint, "citation", p.tendering.citation);
    const json::Value& topics = lint["topics"];
    auto topic = [&](Policy::Lint::Topic& t, const char* name) {
        const json::Value& v = topics[name];
        const std::string at = std::string("/lint/topics/") + name;
        if (const json::Value* k = v.find("kinds")) t.kinds = strings_of(*k);
        t.words = patterns_of(doc, v.find("words"), at + "/words");
        t.unless = patterns_of(doc, v.find("unless"), at + "/unless");
    };
    topic(out.track_record, "track_record");
    topic(out.market_share, "market_share");
    const json::Value& checks = lint["checks"];
    for (std::size_t i = 0; i < lint_check_count; ++i) {
        const std::string_view name = code_name(code_of(static_cast<LintCheck>(i)));
        const json::Value* c = checks.find(name);
        if (!c) continue;
        Policy::Lint::Check& check = out.checks[i];
        const std::string at = "/lint/checks/" + std::string(name);
        check.enabled = true;
        check.severity = (*c)["severity"].str() == "warning" ? Severity::warning : Severity::error;
        check.words = patterns_of(doc, c->find("words"), at + "/words");
        check.unless = patterns_of(doc, c->find("unless"), at + "/unless");
        if (const json::Value* m = c->find("max_percent")) check.max_hundredths_percent = m->int64() * 100;
    }
    return out;
}

// A percent of a pack (a number with at most two decimals), in hundredths of a per cent.
std::int64_t hundredths_percent(const SourceDocument& doc, const json::Value& v, const std::string& pointer) {
    const ScaledDecimal d = scaled_decimal(v.literal(), 2);
    if (d.problem != ScaledDecimal::Problem::none || d.units < 0 || d.units > 10000)
        doc.fail(Status::config, "POLICY_BAD_PERCENT",
                 "a percent of a pack is a number from 0 to 100 with at most two decimals; found " + std::string(v.literal()),
                 "政策包中的百分比应为 0 至 100 之间、最多两位小数的数；实际为 " + std::string(v.literal()), pointer);
    return d.units;
}

// An amount of a pack ("5000000.00"), in fen.
std::int64_t pack_money(const SourceDocument& doc, const json::Value& v, const std::string& pointer) {
    const MoneyText m = parse_money(v.str());
    if (m.problem != MoneyText::Problem::none)
        doc.fail(Status::config, "POLICY_BAD_AMOUNT",
                 "an amount of a pack is a string of yuan with at most two decimals, such as \"5000000.00\"; found \"" +
                     std::string(v.str()) + "\"",
                 "政策包中的金额应为最多两位小数的元金额字符串，例如 \"5000000.00\"；实际为 \"" + std::string(v.str()) + "\"",
                 pointer);
    return m.fen;
}

Policy::Incentives read_incentives(const SourceDocument& doc, const json::Value& in, const Policy& p) {
    Policy::Incentives out;
    out.entry_kinds = p.tendering.deemed_entry_kinds;
    if (const json::Value* k = in.find("entry_kinds")) out.entry_kinds = strings_of(*k);
    for (const auto& k : out.entry_kinds) (out.entry_kinds_text += out.entry_kinds_text.empty() ? "" : ", ") += k;
    if (const json::Value* r = in.find("first_purchase_reward")) {
        Policy::Incentives::Reward x;
        x.clause = std::string((*r)["clause"].str());
        x.citation = string_or(*r, "citation", p.document + x.clause);
        x.percent = hundredths_percent(doc, (*r)["percent"], "/incentives/first_purchase_reward/percent");
        x.cap_fen = pack_money(doc, (*r)["cap"], "/incentives/first_purchase_reward/cap");
        out.first_purchase_reward = std::move(x);
    }
    if (const json::Value* s = in.find("premium_subsidy")) {
        Policy::Incentives::Subsidy x;
        x.clause = std::string((*s)["clause"].str());
        x.citation = string_or(*s, "citation", p.document + x.clause);
        std::size_t i = 0;
        for (const json::Value& v : (*s)["ratios_percent"].items())
            x.ratios.push_back(hundredths_percent(doc, v, "/incentives/premium_subsidy/ratios_percent/" + std::to_string(i++)));
        x.premium_rate_cap = hundredths_percent(doc, (*s)["premium_rate_cap_percent"],
                                                "/incentives/premium_subsidy/premium_rate_cap_percent");
        x.yearly_cap_fen = pack_money(doc, (*s)["yearly_cap"], "/incentives/premium_subsidy/yearly_cap");
        x.max_years = static_cast<int>((*s)["max_years"].int64());
        out.premium_subsidy = std::move(x);
    }
    return out;
}

}  // namespace

bool Policy::Incentives::covers_entry_kind(std::string_view kind) const {
    return std::find(entry_kinds.begin(), entry_kinds.end(), kind) != entry_kinds.end();
}

std::optional<Code> code_from_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < code_count; ++i)
        if (codes_detail::code_table[i].name == name) return static_cast<Code>(i);
    return std::nullopt;
}

std::optional<Fact> fact_from_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < fact_count; ++i)
        if (codes_detail::fact_names[i] == name) return static_cast<Fact>(i);
    return std::nullopt;
}

bool Policy::Scope::matches(std::string_view jurisdiction, std::string_view ownership) const {
    if (!jurisdictions.empty() &&
        std::none_of(jurisdictions.begin(), jurisdictions.end(), [&](const std::string& j) {
            return jurisdiction == j || (jurisdiction.size() > j.size() && jurisdiction.substr(0, j.size()) == j &&
                                         jurisdiction[j.size()] == '-');
        }))
        return false;
    // A central SOE (中央企业) is state-owned: packs for state_owned purchasers are for it too.
    if (!purchaser_ownership.empty() &&
        std::find_if(purchaser_ownership.begin(), purchaser_ownership.end(), [&](const std::string& o) {
            return o == ownership || (o == "state_owned" && ownership == "central_soe");
        }) == purchaser_ownership.end())
        return false;
    return true;
}

std::string Policy::Scope::describe() const {
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
        return out;
    };
    std::string out;
    if (!jurisdictions.empty()) out += "jurisdictions=" + join(jurisdictions);
    if (!purchaser_ownership.empty()) out += std::string(out.empty() ? "" : "; ") + "purchaser_ownership=" + join(purchaser_ownership);
    return out.empty() ? "*" : out;
}

void MessageText::append_json(const Facts& escaped_facts, TextBuffer& out) const {
    for (const auto& p : pieces) out.append(p.fact ? escaped_facts[static_cast<std::size_t>(*p.fact)] : p.literal);
}

bool Policy::Tolerance::allows_method(std::string_view m) const {
    return std::find(procurement_methods.begin(), procurement_methods.end(), m) != procurement_methods.end();
}

const Policy::Tolerance::Label* Policy::Tolerance::procedure_label(std::string_view item) const {
    for (const auto& [name, label] : procedure_labels)
        if (name == item) return &label;
    return nullptr;
}

const Policy::Tolerance::Stage* Policy::Tolerance::Case::stage(std::string_view name) const {
    for (const Stage& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

bool Policy::Tendering::deems_entry_kind(std::string_view kind) const {
    return std::find(deemed_entry_kinds.begin(), deemed_entry_kinds.end(), kind) != deemed_entry_kinds.end();
}

bool Policy::deems(std::string_view kind) const {
    return std::find(tendering.deemed_kinds.begin(), tendering.deemed_kinds.end(), kind) != tendering.deemed_kinds.end();
}

bool Policy::accepts_issuer(std::string_view issuer) const {
    return std::find(tendering.accepted_issuers.begin(), tendering.accepted_issuers.end(), issuer) !=
           tendering.accepted_issuers.end();
}

Policy Policy::load(const std::filesystem::path& file) { return from_document(SourceDocument::read(file)); }

Policy Policy::from_document(const SourceDocument& doc) {
    doc.validate(schema::builtin(), "policy.schema.json", Status::config);
    const json::Value& root = doc.root();
    Policy p;
    p.file = doc.file();
    p.sha256 = doc.sha256();
    p.id = std::string(root["id"].str());
    p.document = std::string(root["document"].str());
    p.title = string_or(root, "title", "");

    const json::Value& t = root["tendering"];
    p.tendering.clause = std::string(t["clause"].str());
    p.tendering.citation = string_or(t, "citation", p.document + p.tendering.clause);
    p.tendering.deemed_kinds = strings_of(t["deemed_kinds"]);
    p.tendering.deemed_points = t["deemed_points"].str() == "requirement" ? DeemedPoints::requirement : DeemedPoints::max;
    p.tendering.accepted_issuers = strings_of(t["accepted_issuers"]);
    p.tendering.validity_years = static_cast<int>(t["validity_years"].int64());
    if (const json::Value* years = t.find("deemed_years")) p.tendering.deemed_years = static_cast<int>(years->int64());
    if (const json::Value* kinds = t.find("deemed_entry_kinds")) p.tendering.deemed_entry_kinds = strings_of(*kinds);
    if (const json::Value* methods = t.find("procurement_methods")) p.tendering.procurement_methods = strings_of(*methods);
    for (const auto& k : p.tendering.deemed_entry_kinds)
        (p.tendering.deemed_entry_kinds_text += p.tendering.deemed_entry_kinds_text.empty() ? "" : ", ") += k;
    for (const auto& i : p.tendering.accepted_issuers)
        p.accepted_issuers_text += (p.accepted_issuers_text.empty() ? "" : ", ") + i;

    if (const json::Value* tol = root.find("tolerance")) {
        Tolerance x;
        x.clause = std::string((*tol)["clause"].str());
        x.citation = string_or(*tol, "citation", p.document + x.clause);
        x.procurement_methods = strings_of((*tol)["procurement_methods"]);
        x.procedure_items = strings_of((*tol)["procedure_items"]);
        for (const auto& m : x.procurement_methods)
            x.procurement_methods_text += (x.procurement_methods_text.empty() ? "" : ", ") + m;
        const json::Value& labels = (*tol)["exclusions"];
        for (const json::Member& m : labels.members())
            x.exclusions.emplace_back(std::string(m.name()),
                                      Tolerance::Label{std::string(m.value["zh"].str()), std::string(m.value["en"].str())});
        auto label_of = [](const json::Value& v) { return Tolerance::Label{std::string(v["zh"].str()), std::string(v["en"].str())}; };
        if (const json::Value* pl = tol->find("procedure_labels"))
            for (const json::Member& m : pl->members()) {
                const std::string item(m.name());
                if (std::find(x.procedure_items.begin(), x.procedure_items.end(), item) == x.procedure_items.end()) {
                    std::string pointer = "/tolerance/procedure_labels";
                    append_pointer_token(pointer, item);
                    doc.fail(Status::config, "POLICY_LABEL_UNKNOWN",
                             "procedure_labels names " + item + ", which is not one of procedure_items (a misspelling?)",
                             "procedure_labels 中的 " + item + " 不在 procedure_items 之列（是否拼写错误？）", pointer);
                }
                x.procedure_labels.emplace_back(item, label_of(m.value));
            }
        if (const json::Value* c = tol->find("case")) {
            Tolerance::Case cs;
            cs.limits_source = label_of((*c)["limits_source"]);
            for (const json::Value& st : (*c)["stages"].items()) {
                Tolerance::Stage stage;
                stage.name = std::string(st["stage"].str());
                stage.label = label_of(st["label"]);
                stage.after = string_or(st, "after", "");
                if (const json::Value* d = st.find("within_days")) stage.within_days = static_cast<int>(d->int64());
                if (const json::Value* r = st.find("required")) stage.required = r->boolean();
                if (const json::Value* e = st.find("only_if_exempt")) stage.only_if_exempt = e->boolean();
                std::string pointer = "/tolerance/case/stages/" + std::to_string(cs.stages.size());
                if (cs.stage(stage.name))
                    doc.fail(Status::config, "POLICY_STAGE_REPEATED", "the stage " + stage.name + " is listed twice",
                             "环节 " + stage.name + " 重复列出", pointer + "/stage");
                if (!stage.after.empty() && stage.after != "failure_report" && !cs.stage(stage.after))
                    doc.fail(Status::config, "POLICY_STAGE_AFTER_UNKNOWN",
                             "the stage " + stage.name + " counts its time limit from " + stage.after +
                                 ", which is not failure_report nor a stage listed before it",
                             "环节 " + stage.name + " 的时限起算环节 " + stage.after + " 既不是 failure_report，也不是列在它之前的环节",
                             pointer + "/after");
                cs.stages.push_back(std::move(stage));
            }
            x.case_stages = std::move(cs);
        }
        p.tolerance = std::move(x);
    }

    if (const json::Value* scope = root.find("scope")) {
        if (const json::Value* j = scope->find("jurisdictions")) p.scope.jurisdictions = strings_of(*j);
        if (const json::Value* o = scope->find("purchaser_ownership")) p.scope.purchaser_ownership = strings_of(*o);
    }

    if (const json::Value* lint = root.find("lint")) p.lint = read_lint(doc, *lint, p);
    if (const json::Value* in = root.find("incentives")) p.incentives = read_incentives(doc, *in, p);

    const json::Value& messages = root["messages"];
    for (std::size_t i = 0; i < code_count; ++i) {
        const Code code = static_cast<Code>(i);
        const CodeGroup group = code_group(code);
        const std::string name(code_name(code));
        const std::optional<LintCheck> check = lint_check_of(code);
        const bool needed = group == CodeGroup::tendering || (group == CodeGroup::tolerance && p.tolerance) ||
                            (group == CodeGroup::lint && p.lint && check && p.lint->check(*check).enabled) ||
                            (group == CodeGroup::incentive && p.incentives);
        const json::Value* m = messages.find(name);
        std::string pointer = "/messages";
        if (!m && !needed) continue;
        if (!m)
            doc.fail(Status::config, "POLICY_MESSAGE_MISSING",
                     "the pack has no message for " + name +
                         "; every reason the pack's rules can give needs Chinese and English text",
                     "政策包缺少 " + name + " 的消息；政策包中的规则可能给出的每个理由都需要中英文说明",
                     pointer);
        append_pointer_token(pointer, name);
        Message& out = p.messages[i];
        out.zh = compile_text(doc, (*m)["zh"].str(), pointer + "/zh", code);
        out.en = compile_text(doc, (*m)["en"].str(), pointer + "/en", code);
        // Rule T's reasons rest on the tolerance clause, rule L's on the lint citation, unless
        // they say otherwise.
        std::string clause = p.tendering.citation;
        if (group == CodeGroup::tolerance && p.tolerance) clause = p.tolerance->citation;
        if (group == CodeGroup::lint && p.lint) clause = p.lint->citation;
        // Rules R and S: a reason rests on its clause (（一） for REWARD_*, （二） for SUBSIDY_*);
        // the certificate's reasons (INCENTIVE_*) on the clause the request asks about, filled in
        // when they are written, unless the message names its own.
        if (group == CodeGroup::incentive && p.incentives) {
            clause = p.document;
            if (name.rfind("REWARD_", 0) == 0 && p.incentives->first_purchase_reward)
                clause = p.incentives->first_purchase_reward->citation;
            if (name.rfind("SUBSIDY_", 0) == 0 && p.incentives->premium_subsidy)
                clause = p.incentives->premium_subsidy->citation;
        }
        out.clause_given = m->find("clause") != nullptr;
        out.clause = string_or(*m, "clause", clause);
        out.clause_escaped = escaped(out.clause);
    }
    for (const json::Member& member : messages.members()) {
        const auto name = member.name();
        if (!code_from_name(name)) {
            std::string pointer = "/messages";
            append_pointer_token(pointer, name);
            doc.fail(Status::config, "POLICY_MESSAGE_UNKNOWN",
                     "the pack has a message for " + std::string(name) + ", a code no rule gives (a misspelling?)",
                     "政策包包含 " + std::string(name) + " 的消息，但没有规则给出此代码（是否拼写错误？）", pointer);
        }
    }
    return p;
}

}  // namespace firstset
