#include "lint/lint.hpp"

#include <algorithm>

#include "evaluate/provenance.hpp"
#include "evaluate/reasons.hpp"
#include "util/json_out.hpp"
#include "util/model_name.hpp"
#include "util/regex.hpp"

namespace firstset::lint {

namespace {

using Patterns = std::vector<std::shared_ptr<const Regex>>;

std::string pointer_to(std::string_view base, std::string_view a, std::size_t i, std::string_view b) {
    std::string p(base);
    append_pointer_token(p, a);
    append_pointer_token(p, i);
    append_pointer_token(p, b);
    return p;
}

// The text with every span an `unless` pattern matches replaced by spaces (byte for byte, so
// the text stays UTF-8 and offsets stay put).
std::string blanked(std::string_view text, const Patterns& unless) {
    std::string out(text);
    for (const auto& re : unless) {
        std::size_t from = 0;
        while (from <= out.size()) {
            const auto m = re->find(out, from);
            if (!m) break;
            std::fill(out.begin() + static_cast<std::ptrdiff_t>(m->first),
                      out.begin() + static_cast<std::ptrdiff_t>(m->first + m->second), ' ');
            from = m->first + std::max<std::size_t>(m->second, 1);
            // After an empty match, step a whole character: a search may not start inside one.
            while (from < out.size() && (static_cast<unsigned char>(out[from]) & 0xC0) == 0x80) ++from;
        }
    }
    return out;
}

// The first span of text any of the words match, after blanking `unless`.
std::optional<std::string> first_match(std::string_view text, const Patterns& words, const Patterns& unless) {
    if (words.empty()) return std::nullopt;
    const std::string t = unless.empty() ? std::string(text) : blanked(text, unless);
    std::optional<std::pair<std::size_t, std::size_t>> best;
    for (const auto& re : words) {
        const auto m = re->find(t);
        if (m && (!best || m->first < best->first)) best = m;
    }
    if (!best) return std::nullopt;
    return std::string(std::string_view(t).substr(best->first, best->second));
}

// Sentences of a normalised text: split at 。 ; ! ? and line ends.
std::vector<std::string_view> sentences(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 0;
        if (text[i] == ';' || text[i] == '!' || text[i] == '?' || text[i] == '\n' || text[i] == '\r') len = 1;
        else if (text.compare(i, 3, "\xE3\x80\x82") == 0) len = 3;  // 。
        if (len == 0) {
            ++i;
            continue;
        }
        if (i > start) out.push_back(text.substr(start, i - start));
        i += len;
        start = i;
    }
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
}

bool kind_in(std::string_view kind, const std::vector<std::string>& kinds) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// Whether a criterion is on a topic: its kind, else the first topic words in its wording.
std::optional<std::string> on_topic(const Policy::Lint::Topic& topic, const Criterion& c, const CriterionWording& w) {
    for (const auto& f : w.fields)
        if (auto m = first_match(f.text, topic.words, topic.unless)) return m;
    if (kind_in(c.kind, topic.kinds)) return std::string(c.kind);
    return std::nullopt;
}

struct Runner {
    const Policy& policy;
    const Policy::Lint& lint;
    const Input& input;
    Result result;

    void add(std::optional<std::size_t> criterion, LintCheck check, std::string matched, std::string pointer) {
        const Policy::Lint::Check& c = lint.check(check);
        result.findings.push_back(Finding{criterion, check, c.severity, std::move(matched), std::move(pointer)});
        (c.severity == Severity::error ? result.errors : result.warnings)++;
    }

    // Words anywhere in the criterion's wording.
    void anywhere(std::size_t i, LintCheck check) {
        const auto& c = lint.check(check);
        if (!c.enabled) return;
        for (const auto& f : input.criteria[i].fields)
            if (auto m = first_match(f.text, c.words, c.unless)) {
                add(i, check, std::move(*m), f.pointer);
                return;
            }
    }

    // Words in a sentence on track record.
    void restriction(std::size_t i, LintCheck check) {
        const auto& c = lint.check(check);
        if (!c.enabled) return;
        const Policy::Lint::Topic& topic = lint.track_record;
        const bool whole = kind_in(input.tender.criteria[i].kind, topic.kinds);
        for (const auto& f : input.criteria[i].fields)
            for (std::string_view s : sentences(f.text)) {
                if (!whole && !first_match(s, topic.words, topic.unless)) continue;
                if (auto m = first_match(s, c.words, c.unless)) {
                    add(i, check, std::move(*m), f.pointer);
                    return;
                }
            }
    }

    void criterion(std::size_t i) {
        const Criterion& c = input.tender.criteria[i];
        const CriterionWording& w = input.criteria[i];
        const auto track_record = on_topic(lint.track_record, c, w);
        const auto market_share = on_topic(lint.market_share, c, w);
        const std::string name_pointer = w.fields.empty() ? std::string() : w.fields.front().pointer;

        if (lint.check(LintCheck::deemed_without_equivalence).enabled && !input.tender.equivalence_declared) {
            if (track_record) add(i, LintCheck::deemed_without_equivalence, *track_record, name_pointer);
            else if (market_share) add(i, LintCheck::deemed_without_equivalence, *market_share, name_pointer);
            else if (policy.deems(c.kind)) add(i, LintCheck::deemed_without_equivalence, std::string(c.kind), name_pointer);
        }
        restriction(i, LintCheck::region);
        restriction(i, LintCheck::industry);
        restriction(i, LintCheck::brand);
        restriction(i, LintCheck::customer);
        anywhere(i, LintCheck::years_in_service);
        anywhere(i, LintCheck::units_sold);
        anywhere(i, LintCheck::scale);
        if (lint.check(LintCheck::score_by_market_share).enabled && c.scored && market_share)
            add(i, LintCheck::score_by_market_share, *market_share, name_pointer);
        if (c.scored && c.max_points && (track_record || market_share)) {
            result.deemed_criteria.push_back(c.id);
            result.deemed_points.hundredths += c.max_points->hundredths;
        }
        if (c.scored && c.max_points) result.total_points.hundredths += c.max_points->hundredths;
    }

    // A requirement the tender must state somewhere: in a criterion or a requirement.
    void stated(LintCheck check) {
        const auto& c = lint.check(check);
        if (!c.enabled) return;
        for (const auto& w : input.criteria)
            for (const auto& f : w.fields)
                if (first_match(f.text, c.words, c.unless)) return;
        for (const auto& f : input.requirements)
            if (first_match(f.text, c.words, c.unless)) return;
        add(std::nullopt, check, "", "");
    }

    void run() {
        for (std::size_t i = 0; i < input.tender.criteria.size(); ++i) criterion(i);
        const auto& share = lint.check(LintCheck::deemed_points_share);
        // deemed / total > max % , in integers: deemed * 100 * 100 > max_hundredths_percent * total
        if (share.enabled && result.total_points.hundredths > 0 &&
            result.deemed_points.hundredths * 10000 > share.max_hundredths_percent * result.total_points.hundredths)
            add(std::nullopt, LintCheck::deemed_points_share, "", "");
        stated(LintCheck::remote_control);
        stated(LintCheck::data_locality);
    }
};

// hundredths of a per cent as text: 1250 -> "12.5"
std::string percent_text(std::int64_t hundredths) { return Points{hundredths}.to_string(); }

}  // namespace

Input read_input(const json::Value& t, std::string_view base) {
    Input in;
    in.tender = read_tender(t, base);
    std::size_t i = 0;
    for (const json::Value& criterion : t["criteria"].items()) {
        CriterionWording& w = in.criteria.emplace_back();
        const auto [name, description, bands] = json::members<3>(criterion, {"name", "description", "bands"});
        if (name) w.fields.push_back({pointer_to(base, "criteria", i, "name"), normalise_wording(name->str())});
        if (description)
            w.fields.push_back({pointer_to(base, "criteria", i, "description"), normalise_wording(description->str())});
        if (bands) {
            std::size_t j = 0;
            for (const json::Value& band : bands->items()) {
                if (auto text = band.find("text")) {
                    std::string p = pointer_to(base, "criteria", i, "bands");
                    append_pointer_token(p, j);
                    append_pointer_token(p, "text");
                    w.fields.push_back({std::move(p), normalise_wording(text->str())});
                }
                ++j;
            }
        }
        ++i;
    }
    if (auto requirements = t.find("requirements")) {
        std::size_t j = 0;
        for (const json::Value& r : requirements->items()) {
            std::string p(base);
            append_pointer_token(p, "requirements");
            append_pointer_token(p, j);
            append_pointer_token(p, "text");
            in.requirements.push_back({std::move(p), normalise_wording(r["text"].str())});
            ++j;
        }
    }
    return in;
}

Result run(const Policy& policy, const Input& input) {
    if (!policy.lint) return {};
    Runner r{policy, *policy.lint, input, {}};
    r.run();
    std::stable_sort(r.result.findings.begin(), r.result.findings.end(), [](const Finding& a, const Finding& b) {
        const std::size_t ia = a.criterion ? *a.criterion : SIZE_MAX, ib = b.criterion ? *b.criterion : SIZE_MAX;
        return ia != ib ? ia < ib : a.check < b.check;
    });
    return std::move(r.result);
}

void write_findings(JsonOut& w, const Policy& policy, const Input& input, const Result& result) {
    ReasonWriter reasons(w, policy);
    EscapedFacts esc;
    const Tender& tender = input.tender;
    std::string criteria_text;
    for (std::string_view id : result.deemed_criteria) (criteria_text += criteria_text.empty() ? "" : ", ") += id;
    const std::string points = result.deemed_points.to_string(), total = result.total_points.to_string();
    // The share in hundredths of a per cent, rounded half up (the check itself compares exactly).
    const std::int64_t total_h = result.total_points.hundredths;
    const std::string share =
        total_h > 0 ? percent_text((result.deemed_points.hundredths * 20000 / total_h + 1) / 2) : "0";
    std::string max_percent;
    w.begin_array();
    for (const Finding& f : result.findings) {
        Facts facts{};
        set(facts, Fact::tender, esc(tender.id));
        if (f.criterion) {
            const Criterion& c = tender.criteria[*f.criterion];
            set(facts, Fact::criterion, esc(c.id));
            set(facts, Fact::criterion_name, esc(c.name.empty() ? c.id : c.name));
            set(facts, Fact::kind, esc(c.kind));
            set(facts, Fact::matched, esc(f.matched));
            if (c.max_points) set(facts, Fact::points, esc(c.max_points->to_string()));
        }
        if (f.check == LintCheck::deemed_points_share) {
            max_percent = percent_text(policy.lint->check(LintCheck::deemed_points_share).max_hundredths_percent);
            set(facts, Fact::criteria, esc(criteria_text));
            set(facts, Fact::points, points);
            set(facts, Fact::total_points, total);
            set(facts, Fact::share_percent, share);
            set(facts, Fact::max_percent, max_percent);
        }
        auto or_null = [](std::string_view s) { return s.empty() ? std::nullopt : std::optional<std::string_view>(s); };
        reasons.write(
            code_of(f.check), facts,
            [&](JsonOut& o) {
                o.field("criterion", f.criterion ? std::optional<std::string_view>(tender.criteria[*f.criterion].id)
                                                 : std::nullopt);
                o.field("severity", EscapedText{f.severity == Severity::error ? "error" : "warning"});
            },
            [&](JsonOut& o) { o.field("path", or_null(f.pointer)).field("matched", or_null(f.matched)); });
    }
    w.end_array();
}

void write_response(JsonOut& w, const Policy& policy, const Input& input, const Result& result) {
    w.begin_object();
    w.field("tender", input.tender.id);
    w.key("policy");
    write_policy_ref(w, policy);
    w.key("findings");
    write_findings(w, policy, input, result);
    w.field("passed", result.passed());
    w.field("errors", result.errors);
    w.field("warnings", result.warnings);
    w.end_object();
}

}  // namespace firstset::lint
