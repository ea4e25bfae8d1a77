// Writing reasons: a code's message from the policy pack, facts filled in, in Chinese and
// English, with the clause it rests on, as the JSON object every response and record uses:
//   {"code": "...", "message_zh": "...", "message_en": "...", "clause": "..."[, "path": "..."]}
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "policy/policy.hpp"
#include "util/json_out.hpp"

namespace firstset {

inline void set(Facts& f, Fact k, std::string_view v) { f[static_cast<std::size_t>(k)] = v; }

// Codes as a message fact: "CERT_EXPIRED, MODEL_MISMATCH".
template <typename Codes>
std::string join_codes(const Codes& codes) {
    std::string s;
    for (Code c : codes) (s += s.empty() ? "" : ", ") += code_name(c);
    return s;
}

// Facts enter messages already escaped for JSON. Most text needs no escaping and is used as
// it is; the rest is escaped once, here, however many messages mention it.
class EscapedFacts {
public:
    std::string_view operator()(std::string_view raw) {
        if (!needs_json_escape(raw)) return raw;
        std::string& s = store_.emplace_back();
        append_escaped(s, raw);
        return s;
    }
    // A temporary is kept here, so the view stays valid as long as this object.
    std::string_view operator()(std::string&& raw) {
        std::string& s = store_.emplace_back();
        if (needs_json_escape(raw)) append_escaped(s, raw);
        else s = std::move(raw);
        return s;
    }

private:
    std::deque<std::string> store_;  // a deque keeps earlier strings where they are
};

class ReasonWriter {
public:
    ReasonWriter(JsonOut& w, const Policy& policy) : w_(w), policy_(policy) {}

    // {"code", "message_zh", "message_en", "clause"[, "path"]}; facts escaped for JSON.
    void write(Code code, const Facts& facts, std::string_view path = {}) {
        write(code, facts, [](JsonOut&) {}, [&](JsonOut& w) {
            if (!path.empty()) w.field("path", path);
        });
    }

    // The same object with members of the caller's written before "code" (before(JsonOut&))
    // and after "clause" (after(JsonOut&)).
    template <typename Before, typename After>
    void write(Code code, const Facts& facts, Before&& before, After&& after) {
        const Message& m = policy_.message(code);
        w_.begin_object();
        before(w_);
        w_.field("code", EscapedText{code_name(code)});  // [A-Z0-9_]: nothing to escape
        w_.field_with("message_zh", [&](TextBuffer& out) { m.zh.append_json(facts, out); });
        w_.field_with("message_en", [&](TextBuffer& out) { m.en.append_json(facts, out); });
        w_.field("clause", EscapedText{m.clause_escaped});
        after(w_);
        w_.end_object();
    }

private:
    JsonOut& w_;
    const Policy& policy_;
};

}  // namespace firstset
