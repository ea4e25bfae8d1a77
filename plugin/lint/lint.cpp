#include "lint/lint.hpp"

#include <algorithm>
#include <array>

#include "evaluate/provenance.hpp"
#include "evaluate/reasons.hpp"
#include "util/json_out.hpp"
#include "util/model_name.hpp"
#include "util/regex.hpp"
#include "util/utf8.hpp"
#include "lint/wording.hpp"

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

// Every match of the pack's own patterns in text, as hits of a term.
void pack_hits(std::vector<Hit>& out, std::string_view text, const Patterns& patterns, Term term) {
    for (const auto& re : patterns) matches(*re, term, text, out);
}

// Sentences of a normalised text, as [from, to) byte ranges: split at 。 ; ! ? and line ends.
std::vector<std::pair<std::uint32_t, std::uint32_t>> sentences(std::string_view text) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 0;
        if (text[i] == ';' || text[i] == '!' || text[i] == '?' || text[i] == '\n' || text[i] == '\r') len = 1;
        else if (text.compare(i, 3, "\xE3\x80\x82") == 0) len = 3;  // 。
        if (len == 0) {
            ++i;
            continue;
        }
        if (i > start) out.emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i));
        i += len;
        start = i;
    }
    if (start < text.size()) out.emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(text.size()));
    return out;
}

bool kind_in(std::string_view kind, const std::vector<std::string>& kinds) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// The term a check looks for in the wording.
std::optional<Term> term_of(LintCheck c) {
    switch (c) {
        case LintCheck::region: return Term::region;
        case LintCheck::industry: return Term::industry;
        case LintCheck::brand: return Term::brand;
        case LintCheck::customer: return Term::customer;
        case LintCheck::customer_tier: return Term::tier;
        case LintCheck::years_in_service: return Term::years;
        case LintCheck::units_sold: return Term::units;
        case LintCheck::scale: return Term::scale;
        case LintCheck::local_presence: return Term::presence;
        case LintCheck::regional_award: return Term::award;
        case LintCheck::brand_lock_in: return Term::lock_in;
        case LintCheck::exclusive_certificate: return Term::exclusive;
        case LintCheck::new_product_excluded: return Term::new_product;
        default: return std::nullopt;
    }
}

// One field of a criterion, scanned: the terms found (the pack's words added, its exceptions
// applied), and its sentences.
struct ScannedField {
    const Wording* wording;
    std::vector<Hit> hits;  // by start
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sentences;
    std::vector<std::size_t> sentence;  // of each hit
    // The first hit of each term in each sentence, and in the whole field (index + 1; 0: none).
    std::vector<std::array<std::uint32_t, term_count>> first_in_sentence;
    std::array<std::uint32_t, term_count> first_in_field{};

    // Once the hits are final: where each stands, so that lookups are constant time.
    void index() {
        sentence.resize(hits.size());
        first_in_sentence.assign(std::max<std::size_t>(sentences.size(), 1), {});
        std::size_t s = 0;
        for (std::size_t i = 0; i < hits.size(); ++i) {
            while (s + 1 < sentences.size() && hits[i].from >= sentences[s].second) ++s;
            sentence[i] = s;
            const auto t = static_cast<std::size_t>(hits[i].term);
            if (!first_in_sentence[s][t]) first_in_sentence[s][t] = static_cast<std::uint32_t>(i + 1);
            if (!first_in_field[t]) first_in_field[t] = static_cast<std::uint32_t>(i + 1);
        }
    }
    std::size_t sentence_of(const Hit& h) const { return sentence[static_cast<std::size_t>(&h - hits.data())]; }
    const Hit* first(Term t, std::size_t in_sentence = SIZE_MAX) const {
        const std::uint32_t i = in_sentence == SIZE_MAX ? first_in_field[static_cast<std::size_t>(t)]
                                                        : first_in_sentence[in_sentence][static_cast<std::size_t>(t)];
        return i ? &hits[i - 1] : nullptr;
    }
};

struct Runner {
    const Policy& policy;
    const Policy::Lint& lint;
    const Input& input;
    Result result;

    static Evidence evidence_of(const ScannedField& f, const Hit& h, Evidence::Role role) {
        return Evidence{f.wording, h.from, h.to, role};
    }

    void add(std::optional<std::size_t> criterion, LintCheck check, std::string matched, std::string pointer,
             std::vector<Evidence> evidence = {}) {
        const Policy::Lint::Check& c = lint.check(check);
        result.findings.push_back(
            Finding{criterion, check, c.severity, std::move(matched), std::move(pointer), std::move(evidence)});
        (c.severity == Severity::error ? result.errors : result.warnings)++;
    }
    void add(std::size_t criterion, LintCheck check, const ScannedField& f, const Hit& h, std::vector<Evidence> evidence) {
        evidence.insert(evidence.begin(), evidence_of(f, h, Evidence::Role::words));
        add(criterion, check, f.wording->text.substr(h.from, h.to - h.from), f.wording->pointer, std::move(evidence));
    }

    // The criterion's fields, scanned, with the pack's own words and exceptions as terms too.
    std::vector<ScannedField> scan_criterion(const CriterionWording& w) const {
        std::vector<ScannedField> fields;
        for (const Wording& f : w.fields) {
            ScannedField s{&f, scan(f.text), sentences(f.text), {}, {}, {}};
            std::vector<Hit> cancel;
            pack_hits(s.hits, f.text, lint.track_record.words, Term::track_record);
            pack_hits(cancel, f.text, lint.track_record.unless, Term::track_record);
            pack_hits(s.hits, f.text, lint.market_share.words, Term::market_share);
            pack_hits(cancel, f.text, lint.market_share.unless, Term::market_share);
            for (std::size_t i = 0; i < lint_check_count; ++i) {
                const auto term = term_of(static_cast<LintCheck>(i));
                if (!term) continue;
                pack_hits(s.hits, f.text, lint.checks[i].words, *term);
                pack_hits(cancel, f.text, lint.checks[i].unless, *term);
            }
            // The pack's `unless` cancels the matches of its check it overlaps (the built-in
            // look-alikes did already, in scan()). UNITS_SOLD reports capacities too.
            for (std::size_t i = 0, n = cancel.size(); i < n; ++i)
                if (cancel[i].term == Term::units) cancel.push_back(Hit{Term::capacity, cancel[i].from, cancel[i].to});
            s.hits.erase(std::remove_if(s.hits.begin(), s.hits.end(),
                                        [&](const Hit& h) {
                                            return std::any_of(cancel.begin(), cancel.end(), [&](const Hit& c) {
                                                return c.term == h.term && c.from < h.to && h.from < c.to;
                                            });
                                        }),
                         s.hits.end());
            std::stable_sort(s.hits.begin(), s.hits.end(), [](const Hit& a, const Hit& b) { return a.from < b.from; });
            s.index();
            fields.push_back(std::move(s));
        }
        return fields;
    }

    // Words anywhere in the criterion.
    void anywhere(std::size_t i, LintCheck check, const std::vector<ScannedField>& fields) {
        if (!lint.check(check).enabled) return;
        const Term t = *term_of(check);
        for (const ScannedField& f : fields)
            if (const Hit* h = f.first(t)) return add(i, check, f, *h, {});
    }

    // Words that limit track record: in a sentence on track record, or anywhere in a criterion on
    // track record except a sentence on a local presence, an award or years in service (their own
    // findings: 同型号 in a requirement of years in service is that requirement's).
    void restriction(std::size_t i, LintCheck check, const std::vector<ScannedField>& fields, bool on_track_record,
                     std::optional<Evidence> topic, Term term) {
        if (!lint.check(check).enabled) return;
        for (const ScannedField& f : fields)
            for (const Hit& h : f.hits) {
                if (h.term != term) continue;
                const std::size_t s = f.sentence_of(h);
                if (const Hit* tr = f.first(Term::track_record, s))
                    return add(i, check, f, h, {evidence_of(f, *tr, Evidence::Role::context)});
                if (on_track_record && !f.first(Term::presence, s) && !f.first(Term::award, s) && !f.first(Term::years, s))
                    return add(i, check, f, h, topic ? std::vector<Evidence>{*topic} : std::vector<Evidence>{});
            }
    }

    void criterion(std::size_t i) {
        const Criterion& c = input.tender.criteria[i];
        const CriterionWording& w = input.criteria[i];
        const std::vector<ScannedField> fields = scan_criterion(w);
        std::optional<Evidence> tr_words, ms_words;
        std::string tr_text, ms_text;
        // A name that joins track record to another topic (信誉及业绩分) over a description that
        // says nothing of track record is a heading, not a criterion on track record.
        auto is_name = [](const ScannedField& f) {
            const std::string_view p = f.wording->pointer;
            return p.size() >= 5 && p.substr(p.size() - 5) == "/name";
        };
        const bool mixed_heading =
            fields.size() > 1 && is_name(fields.front()) && fields.front().first(Term::heading_mix) &&
            std::none_of(fields.begin() + 1, fields.end(), [](const ScannedField& f) { return f.first(Term::track_record); });
        for (const ScannedField& f : fields) {
            const bool heading = mixed_heading && &f == &fields.front();
            if (const Hit* h = f.first(Term::track_record); h && !tr_words && !heading) {
                tr_words = evidence_of(f, *h, Evidence::Role::context);
                tr_text = f.wording->text.substr(h->from, h->to - h->from);
            }
            if (const Hit* h = f.first(Term::market_share); h && !ms_words) {
                ms_words = evidence_of(f, *h, Evidence::Role::context);
                ms_text = f.wording->text.substr(h->from, h->to - h->from);
            }
        }
        const bool track_record = tr_words || kind_in(c.kind, lint.track_record.kinds);
        const bool market_share = ms_words || kind_in(c.kind, lint.market_share.kinds);
        const std::string name_pointer = w.fields.empty() ? std::string() : w.fields.front().pointer;
        auto topic_finding = [&](LintCheck check) {
            if (tr_words) return add(i, check, tr_text, tr_words->field->pointer, {with_role(*tr_words, Evidence::Role::words)});
            if (ms_words) return add(i, check, ms_text, ms_words->field->pointer, {with_role(*ms_words, Evidence::Role::words)});
            add(i, check, std::string(c.kind), name_pointer);
        };

        if (lint.check(LintCheck::deemed_without_equivalence).enabled && !input.tender.equivalence_declared &&
            (track_record || market_share || policy.deems(c.kind)))
            topic_finding(LintCheck::deemed_without_equivalence);
        restriction(i, LintCheck::region, fields, track_record, tr_words, Term::region);
        restriction(i, LintCheck::industry, fields, track_record, tr_words, Term::industry);
        restriction(i, LintCheck::brand, fields, track_record, tr_words, Term::brand);
        restriction(i, LintCheck::customer, fields, track_record, tr_words, Term::customer);
        anywhere(i, LintCheck::years_in_service, fields);
        anywhere(i, LintCheck::units_sold, fields);
        // An installed capacity is units sold where it is track record (a product's rating is not).
        if (lint.check(LintCheck::units_sold).enabled &&
            std::none_of(result.findings.begin(), result.findings.end(),
                         [&](const Finding& f) { return f.criterion == i && f.check == LintCheck::units_sold; }))
            restriction(i, LintCheck::units_sold, fields, false, std::nullopt, Term::capacity);
        anywhere(i, LintCheck::scale, fields);
        if (lint.check(LintCheck::score_by_market_share).enabled && c.scored && market_share) {
            if (ms_words) add(i, LintCheck::score_by_market_share, ms_text, ms_words->field->pointer, {with_role(*ms_words, Evidence::Role::words)});
            else add(i, LintCheck::score_by_market_share, std::string(c.kind), name_pointer);
        }
        restriction(i, LintCheck::customer_tier, fields, track_record, tr_words, Term::tier);
        anywhere(i, LintCheck::local_presence, fields);
        anywhere(i, LintCheck::regional_award, fields);
        anywhere(i, LintCheck::brand_lock_in, fields);
        anywhere(i, LintCheck::exclusive_certificate, fields);
        anywhere(i, LintCheck::new_product_excluded, fields);
        if (c.scored && c.max_points && (track_record || market_share)) {
            result.deemed_criteria.push_back(c.id);
            result.deemed_points.hundredths += c.max_points->hundredths;
        }
        if (c.scored && c.max_points) result.total_points.hundredths += c.max_points->hundredths;
    }

    static Evidence with_role(Evidence e, Evidence::Role r) {
        e.role = r;
        return e;
    }

    // A requirement the tender must state somewhere: in a criterion or a requirement.
    void stated(LintCheck check) {
        const auto& c = lint.check(check);
        if (!c.enabled) return;
        auto says = [&](const Wording& f) {
            std::vector<Hit> words, unless;
            pack_hits(words, f.text, c.words, Term::track_record);
            pack_hits(unless, f.text, c.unless, Term::track_record);
            return std::any_of(words.begin(), words.end(), [&](const Hit& w) {
                return std::none_of(unless.begin(), unless.end(), [&](const Hit& u) { return u.from < w.to && w.from < u.to; });
            });
        };
        for (const auto& w : input.criteria)
            for (const auto& f : w.fields)
                if (says(f)) return;
        for (const auto& f : input.requirements)
            if (says(f)) return;
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

// The bytes of `text` from character `from` to character `to`.
std::string_view by_characters(std::string_view text, std::size_t from, std::size_t to) {
    std::size_t i = 0, n = 0, start = text.size();
    for (; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (n == from) start = i;
            if (n == to) break;
            ++n;
        }
    }
    return start >= text.size() ? std::string_view() : text.substr(start, i - start);
}

void write_evidence(JsonOut& w, const std::vector<Evidence>& evidence) {
    w.begin_array();
    for (const Evidence& e : evidence) {
        const std::string_view text = e.field->text;
        const std::size_t start = utf8::count(text.substr(0, e.from)), end = utf8::count(text.substr(0, e.to));
        w.begin_object();
        w.field("path", std::string_view(e.field->pointer));
        w.field("start", start).field("end", end);
        w.field("text", by_characters(e.field->original, start, end));
        w.field("role", EscapedText{e.role == Evidence::Role::words ? "words" : "context"});
        w.end_object();
    }
    w.end_array();
}

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
        if (name) w.fields.push_back({pointer_to(base, "criteria", i, "name"), normalise_wording(name->str()), std::string(name->str())});
        if (description)
            w.fields.push_back({pointer_to(base, "criteria", i, "description"), normalise_wording(description->str()),
                                std::string(description->str())});
        if (bands) {
            std::size_t j = 0;
            for (const json::Value& band : bands->items()) {
                if (auto text = band.find("text")) {
                    std::string p = pointer_to(base, "criteria", i, "bands");
                    append_pointer_token(p, j);
                    append_pointer_token(p, "text");
                    w.fields.push_back({std::move(p), normalise_wording(text->str()), std::string(text->str())});
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
            in.requirements.push_back({std::move(p), normalise_wording(r["text"].str()), std::string(r["text"].str())});
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
            [&](JsonOut& o) {
                o.field("path", or_null(f.pointer)).field("matched", or_null(f.matched));
                o.key("evidence");
                write_evidence(o, f.evidence);
            });
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
