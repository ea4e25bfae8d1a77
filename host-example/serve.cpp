#include "serve.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace host {
namespace {

std::string error_document(const char* status, const char* code, const std::string& en, const std::string& zh) {
    return nlohmann::json{{"error", {{"status", status}, {"code", code}, {"message", en}, {"message_zh", zh}}}}.dump();
}

// {"<op>": <body>}: the operation and the body's text, untouched, so that the plugin parses the
// body once (and reports its errors itself). False when the line has not this form.
bool split_line(std::string_view line, std::string& op, std::string_view& body) {
    const auto skip = [&](std::size_t i) { return line.find_first_not_of(" \t\r", i); };
    std::size_t i = skip(0);
    if (i == std::string_view::npos || line[i] != '{') return false;
    i = skip(i + 1);
    if (i == std::string_view::npos || line[i] != '"') return false;
    const std::size_t key_end = line.find('"', i + 1);
    if (key_end == std::string_view::npos) return false;
    op = std::string(line.substr(i + 1, key_end - i - 1));
    i = skip(key_end + 1);
    const std::size_t close = line.find_last_not_of(" \t\r");
    if (i == std::string_view::npos || line[i] != ':' || line[close] != '}') return false;
    body = line.substr(i + 1, close - i - 1);
    return true;
}

std::string answer(const firstset::Engine& engine, const std::string& line) {
    std::string op;
    std::string_view text;
    if (!split_line(line, op, text))
        return error_document("PARSE", "SERVE_BAD_LINE",
                              "a line is one JSON object with one member: evaluate, record, lint, incentive or status",
                              "每行应为一个只含一个成员（evaluate、record、lint、incentive 或 status）的 JSON 对象");
    const std::string body(text);
    try {
        if (op == "evaluate") return engine.evaluate(body);
        if (op == "record") return engine.record(body);
        if (op == "lint") return engine.lint(body);
        if (op == "incentive") return engine.incentive(body);
        if (op == "status") return engine.status();
    } catch (const firstset::Error& e) {
        return e.document();
    } catch (const std::exception& e) {
        return error_document("INTERNAL", "SERVE_UNAVAILABLE", e.what(), e.what());
    }
    return error_document("SCHEMA", "SERVE_UNKNOWN_OPERATION", "unknown operation \"" + op + "\": evaluate, record, lint, incentive or status",
                          "未知操作 \"" + op + "\"：可用 evaluate、record、lint、incentive、status");
}

}  // namespace

int serve(const firstset::Engine& engine, std::istream& in, std::ostream& out) {
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string a = answer(engine, line);
        // One answer per line: the plugin's documents are compact JSON without raw newlines.
        out << a << '\n' << std::flush;
    }
    return 0;
}

}  // namespace host
