#include "serve.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace host {
namespace {

std::string error_document(const char* code, const std::string& en, const std::string& zh) {
    return nlohmann::json{{"error", {{"status", "SCHEMA"}, {"code", code}, {"message", en}, {"message_zh", zh}}}}.dump();
}

std::string answer(const firstset::Engine& engine, const std::string& line) {
    const auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object() || request.size() != 1)
        return error_document("SERVE_BAD_LINE",
                              "a line is one JSON object with one member: evaluate, record, lint or status",
                              "每行应为一个只含一个成员（evaluate、record、lint 或 status）的 JSON 对象");
    const auto member = request.begin();
    const std::string op = member.key();
    const nlohmann::json& body = member.value();
    try {
        if (op == "evaluate") return engine.evaluate(body.dump());
        if (op == "record") return engine.record(body.dump());
        if (op == "lint") return engine.lint(body.dump());
        if (op == "status") return engine.status();
    } catch (const firstset::Error& e) {
        return e.document();
    } catch (const std::exception& e) {
        return error_document("SERVE_UNAVAILABLE", e.what(), e.what());
    }
    return error_document("SERVE_UNKNOWN_OPERATION", "unknown operation \"" + op + "\": evaluate, record, lint or status",
                          "未知操作 \"" + op + "\"：可用 evaluate、record、lint、status");
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
