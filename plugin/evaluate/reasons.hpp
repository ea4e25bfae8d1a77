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

    // {"code", "message_zh", "message_en", "clause"[, "path"]}; facts escaped for JSON. The
    // fixed parts were made JSON when the pack was loaded.
    void write(Code code, const Facts& facts, std::string_view path = {}) {
        TextBuffer& out = begin(code, facts, {});
        if (!path.empty()) {
            out.append(",\"path\":\"", 9);
            append_escaped(out, path);
            out.push('"');
        }
        out.push('}');
    }

    // The same object with members of the caller's before "code" (`before`: JSON members each
    // followed by a comma) and after "clause" (`after`: each preceded by a comma).
    void write(Code code, const Facts& facts, std::string_view before, std::string_view after) {
        TextBuffer& out = begin(code, facts, before);
        out.append(after);
        out.push('}');
    }

private:
    TextBuffer& begin(Code code, const Facts& facts, std::string_view before) {
        const Message& m = policy_.message(code);
        TextBuffer& out = w_.buffer();
        w_.raw("{");
        out.append(before);
        out.append(std::string_view(m.json_open).substr(1));  // without its "{"
        m.zh.append_json(facts, out);
        out.append("\",\"message_en\":\"", 16);
        m.en.append_json(facts, out);
        out.append(m.json_close);
        return out;
    }

    JsonOut& w_;
    const Policy& policy_;
};

}  // namespace firstset
