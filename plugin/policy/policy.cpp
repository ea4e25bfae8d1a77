#include "policy/policy.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <stdexcept>

#include "schema/embedded.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/regex.hpp"
#include "util/source_document.hpp"

namespace firstset {

namespace {

constexpr const char* code_names[] = {
    "CERT_UNKNOWN",          "ISSUER_NOT_ACCEPTED", "CERT_REVOKED",         "CERT_SUSPENDED",
    "CERT_NOT_YET_VALID",    "CERT_EXPIRED",        "MANUFACTURER_MISMATCH", "MODEL_MISMATCH",
    "FIRST_SET_DEEMED",      "PARTIAL_COVERAGE",    "CERTIFICATE_REJECTED",  "NOT_CLAIMED",
    "KIND_NOT_DEEMED",       "USCC_CHECKSUM",       "EQUIVALENCE_NOT_DECLARED",
    "AWARD_CONDITIONS_MET",  "PURCHASER_NOT_STATE_OWNED", "NO_FIRST_SET_CERTIFICATE",
    "CERTIFICATE_NOT_ACCEPTED_AT_AWARD", "METHOD_NOT_ALLOWED", "PROCEDURE_NOT_COMPLETED",
    "PROCEDURE_NOT_REPORTED", "LINT_NOT_AVAILABLE", "LINT_ERRORS_AT_AWARD",
    "TOLERANCE_EXEMPT",      "AWARD_CONDITIONS_NOT_MET", "AWARD_INFORMATION_MISSING",
    "EXCLUSION_APPLIES",     "EXCLUSION_NOT_ESTABLISHED", "FINAL_DIFFERS_FROM_PROPOSAL",
    "DEEMED_CRITERION_WITHOUT_EQUIVALENCE", "TRACK_RECORD_REGION", "TRACK_RECORD_INDUSTRY",
    "TRACK_RECORD_BRAND",    "TRACK_RECORD_CUSTOMER", "YEARS_IN_SERVICE", "UNITS_SOLD", "SCALE_CONDITION",
    "SCORE_BY_MARKET_SHARE", "DEEMED_POINTS_SHARE", "REMOTE_CONTROL_REQUIREMENT_MISSING",
    "DATA_LOCALITY_REQUIREMENT_MISSING",
};

constexpr const char* fact_names[] = {
    "certificate",   "item",          "issuer",         "accepted_issuers", "registry",      "valid_from",
    "valid_until",   "evaluation_date", "holder",       "holder_uscc",      "manufacturer",  "manufacturer_uscc",
    "offered_model", "certified_model", "criterion",    "criterion_name",   "kind",          "points",
    "certificates",  "covered",       "concerned",      "codes",            "uscc",          "path",
    "award_date",    "ownership",     "procurement_method", "allowed_methods", "procedure_item", "exclusion_zh",
    "exclusion_en",  "proposed",      "final_decision", "final_reason",   "tender",        "matched",
    "criteria",      "total_points",  "share_percent",  "max_percent",
};

static_assert(std::size(code_names) == code_count, "a name for every code");
static_assert(std::size(fact_names) == fact_count, "a name for every fact");

// Which facts each message may mention: the ones the rule knows when it gives that reason.
std::vector<Fact> facts_of(Code c) {
    using F = Fact;
    const std::vector<Fact> certificate_facts = {F::certificate, F::item, F::issuer, F::accepted_issuers,
                                                 F::registry, F::valid_from, F::valid_until,
                                                 F::evaluation_date, F::holder, F::holder_uscc,
                                                 F::manufacturer, F::manufacturer_uscc, F::offered_model,
                                                 F::certified_model};
    const std::vector<Fact> criterion_facts = {F::criterion, F::criterion_name, F::kind, F::evaluation_date};
    switch (c) {
        case Code::CERT_UNKNOWN:
            return {F::certificate, F::item, F::registry, F::evaluation_date, F::offered_model,
                    F::manufacturer, F::manufacturer_uscc};
        case Code::ISSUER_NOT_ACCEPTED:
        case Code::CERT_REVOKED:
        case Code::CERT_SUSPENDED:
        case Code::CERT_NOT_YET_VALID:
        case Code::CERT_EXPIRED:
        case Code::MANUFACTURER_MISMATCH:
        case Code::MODEL_MISMATCH:
            return certificate_facts;
        case Code::FIRST_SET_DEEMED: {
            auto f = criterion_facts;
            f.insert(f.end(), {F::points, F::certificates, F::covered, F::concerned});
            return f;
        }
        case Code::PARTIAL_COVERAGE: {
            auto f = criterion_facts;
            f.insert(f.end(), {F::certificates, F::covered, F::concerned});
            return f;
        }
        case Code::CERTIFICATE_REJECTED: {
            auto f = criterion_facts;
            f.insert(f.end(), {F::certificate, F::item, F::codes});
            return f;
        }
        case Code::NOT_CLAIMED:
        case Code::KIND_NOT_DEEMED:
            return criterion_facts;
        case Code::USCC_CHECKSUM:
            return {F::uscc, F::path};
        case Code::EQUIVALENCE_NOT_DECLARED:
            return {F::evaluation_date};
        case Code::AWARD_CONDITIONS_MET:
            return {F::award_date, F::procurement_method, F::certificates};
        case Code::PURCHASER_NOT_STATE_OWNED:
            return {F::award_date, F::ownership};
        case Code::NO_FIRST_SET_CERTIFICATE:
        case Code::LINT_NOT_AVAILABLE:
            return {F::award_date};
        case Code::LINT_ERRORS_AT_AWARD:
            return {F::award_date, F::codes};
        case Code::CERTIFICATE_NOT_ACCEPTED_AT_AWARD:
            return {F::award_date, F::certificate, F::item, F::codes};
        case Code::METHOD_NOT_ALLOWED:
            return {F::award_date, F::procurement_method, F::allowed_methods};
        case Code::PROCEDURE_NOT_COMPLETED:
        case Code::PROCEDURE_NOT_REPORTED:
            return {F::award_date, F::procedure_item};
        case Code::TOLERANCE_EXEMPT:
        case Code::AWARD_CONDITIONS_NOT_MET:
        case Code::AWARD_INFORMATION_MISSING:
            return {F::award_date};
        case Code::EXCLUSION_APPLIES:
        case Code::EXCLUSION_NOT_ESTABLISHED:
            return {F::award_date, F::exclusion_zh, F::exclusion_en};
        case Code::FINAL_DIFFERS_FROM_PROPOSAL:
            return {F::award_date, F::proposed, F::final_decision, F::final_reason};
        case Code::DEEMED_CRITERION_WITHOUT_EQUIVALENCE:
        case Code::TRACK_RECORD_REGION:
        case Code::TRACK_RECORD_INDUSTRY:
        case Code::TRACK_RECORD_BRAND:
        case Code::TRACK_RECORD_CUSTOMER:
        case Code::YEARS_IN_SERVICE:
        case Code::UNITS_SOLD:
        case Code::SCALE_CONDITION:
            return {F::tender, F::criterion, F::criterion_name, F::kind, F::matched};
        case Code::SCORE_BY_MARKET_SHARE:
            return {F::tender, F::criterion, F::criterion_name, F::kind, F::matched, F::points};
        case Code::DEEMED_POINTS_SHARE:
            return {F::tender, F::criteria, F::points, F::total_points, F::share_percent, F::max_percent};
        case Code::REMOTE_CONTROL_REQUIREMENT_MISSING:
        case Code::DATA_LOCALITY_REQUIREMENT_MISSING:
            return {F::tender};
        case Code::count_:
            break;
    }
    return {};
}

std::optional<Fact> fact_named(std::string_view name) {
    for (std::size_t i = 0; i < fact_count; ++i)
        if (name == fact_names[i]) return static_cast<Fact>(i);
    return std::nullopt;
}

std::string escaped(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

// Splits "text {fact} text" into pieces; an unknown or disallowed {name} is a CONFIG error.
MessageText compile_text(const SourceDocument& doc, std::string_view text, const std::vector<Fact>& allowed,
                         const std::string& pointer, Code code) {
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
                auto fact = fact_named(name);
                if (!fact || std::find(allowed.begin(), allowed.end(), *fact) == allowed.end()) {
                    std::string list;
                    for (Fact f : allowed) list += (list.empty() ? "" : ", ") + std::string(fact_names[static_cast<int>(f)]);
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
        const char* name = code_name(code_of(static_cast<LintCheck>(i)));
        const json::Value* c = checks.find(name);
        if (!c) continue;
        Policy::Lint::Check& check = out.checks[i];
        const std::string at = std::string("/lint/checks/") + name;
        check.enabled = true;
        check.severity = (*c)["severity"].str() == "warning" ? Severity::warning : Severity::error;
        check.words = patterns_of(doc, c->find("words"), at + "/words");
        check.unless = patterns_of(doc, c->find("unless"), at + "/unless");
        if (const json::Value* m = c->find("max_percent")) check.max_hundredths_percent = m->int64() * 100;
    }
    return out;
}

}  // namespace

const char* code_name(Code c) noexcept {
    auto i = static_cast<std::size_t>(c);
    return i < code_count ? code_names[i] : "UNKNOWN";
}

CodeGroup code_group(Code c) noexcept {
    if (c >= Code::DEEMED_CRITERION_WITHOUT_EQUIVALENCE) return CodeGroup::lint;
    if (c >= Code::AWARD_CONDITIONS_MET) return CodeGroup::tolerance;
    return CodeGroup::tendering;
}

bool Policy::Scope::matches(std::string_view jurisdiction, std::string_view ownership) const {
    if (!jurisdictions.empty() &&
        std::none_of(jurisdictions.begin(), jurisdictions.end(), [&](const std::string& j) {
            return jurisdiction == j || (jurisdiction.size() > j.size() && jurisdiction.substr(0, j.size()) == j &&
                                         jurisdiction[j.size()] == '-');
        }))
        return false;
    if (!purchaser_ownership.empty() &&
        std::find(purchaser_ownership.begin(), purchaser_ownership.end(), ownership) == purchaser_ownership.end())
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
        p.tolerance = std::move(x);
    }

    if (const json::Value* scope = root.find("scope")) {
        if (const json::Value* j = scope->find("jurisdictions")) p.scope.jurisdictions = strings_of(*j);
        if (const json::Value* o = scope->find("purchaser_ownership")) p.scope.purchaser_ownership = strings_of(*o);
    }

    if (const json::Value* lint = root.find("lint")) p.lint = read_lint(doc, *lint, p);

    const json::Value& messages = root["messages"];
    for (std::size_t i = 0; i < code_count; ++i) {
        const Code code = static_cast<Code>(i);
        const CodeGroup group = code_group(code);
        const bool needed =
            group == CodeGroup::tendering || (group == CodeGroup::tolerance && p.tolerance) ||
            (group == CodeGroup::lint && p.lint &&
             p.lint->checks[i - static_cast<std::size_t>(Code::DEEMED_CRITERION_WITHOUT_EQUIVALENCE)].enabled);
        const json::Value* m = messages.find(code_names[i]);
        std::string pointer = "/messages";
        if (!m && !needed) continue;
        if (!m)
            doc.fail(Status::config, "POLICY_MESSAGE_MISSING",
                     "the pack has no message for " + std::string(code_names[i]) +
                         "; every reason the pack's rules can give needs Chinese and English text",
                     "政策包缺少 " + std::string(code_names[i]) + " 的消息；政策包中的规则可能给出的每个理由都需要中英文说明",
                     pointer);
        append_pointer_token(pointer, code_names[i]);
        const auto allowed = facts_of(code);
        Message& out = p.messages[i];
        out.zh = compile_text(doc, (*m)["zh"].str(), allowed, pointer + "/zh", code);
        out.en = compile_text(doc, (*m)["en"].str(), allowed, pointer + "/en", code);
        // Rule T's reasons rest on the tolerance clause, rule L's on the lint citation, unless
        // they say otherwise.
        std::string clause = p.tendering.citation;
        if (group == CodeGroup::tolerance && p.tolerance) clause = p.tolerance->citation;
        if (group == CodeGroup::lint && p.lint) clause = p.lint->citation;
        out.clause = string_or(*m, "clause", clause);
        out.clause_escaped = escaped(out.clause);
    }
    for (const json::Member& member : messages.members()) {
        const auto name = member.name();
        if (std::none_of(std::begin(code_names), std::end(code_names), [&](const char* c) { return name == c; })) {
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
