#include "lint_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace host {

namespace {

// The code points of a UTF-8 string, each as its bytes.
std::vector<std::string> characters(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 1;
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0xF0) n = 4;
        else if (b >= 0xE0) n = 3;
        else if (b >= 0xC0) n = 2;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

bool colour() {
    static const bool on = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    return on;
}

// The wording a finding rests on, with its evidence marked: the words that triggered it in
// 【】 (bold red on a terminal), the words that put them in context in 〔〕 (underlined). Long
// texts are cut to the part around the marks.
void print_evidence(std::ostream& out, const nlohmann::json& tender, const nlohmann::json& finding, Language l) {
    const auto evidence = finding.value("evidence", nlohmann::json::array());
    std::vector<std::string> paths;
    for (const auto& e : evidence)
        if (std::find(paths.begin(), paths.end(), e.at("path").get<std::string>()) == paths.end())
            paths.push_back(e.at("path").get<std::string>());
    for (const std::string& path : paths) {
        const nlohmann::json::json_pointer pointer(path);
        if (!tender.contains(pointer) || !tender.at(pointer).is_string()) continue;
        const std::vector<std::string> text = characters(tender.at(pointer).get<std::string>());
        std::vector<char> mark(text.size(), 0);  // 'w' words, 'c' context
        std::size_t first = text.size(), last = 0;
        for (const auto& e : evidence) {
            if (e.at("path") != path) continue;
            const std::size_t start = std::min<std::size_t>(e.at("start").get<std::size_t>(), text.size());
            const std::size_t end = std::min<std::size_t>(e.at("end").get<std::size_t>(), text.size());
            for (std::size_t i = start; i < end; ++i)
                if (mark[i] != 'w') mark[i] = e.at("role") == "words" ? 'w' : 'c';
            first = std::min(first, start);
            last = std::max(last, end);
        }
        if (first >= last) continue;
        const std::size_t from = first > 40 ? first - 40 : 0, to = std::min(text.size(), last + 40);
        // The field: name, description, or bands/N/text.
        const std::size_t field = path.find("/bands/") != std::string::npos ? path.find("/bands/") + 1 : path.rfind('/') + 1;
        out << "      " << bilingual(l, "原文", "wording") << " " << path.substr(field) << ": "
            << (from > 0 ? "…" : "");
        char open = 0;
        auto close = [&] {
            if (open) out << (colour() ? "\033[0m" : open == 'w' ? "】" : "〕");
            open = 0;
        };
        for (std::size_t i = from; i < to; ++i) {
            if (mark[i] != open) {
                close();
                if (mark[i]) out << (colour() ? (mark[i] == 'w' ? "\033[1;31m" : "\033[4m") : mark[i] == 'w' ? "【" : "〔");
                open = mark[i];
            }
            out << (text[i] == "\n" || text[i] == "\r" || text[i] == "\t" ? " " : text[i]);
        }
        close();
        out << (to < text.size() ? "…" : "") << "\n";
    }
}

}  // namespace

void print_lint(std::ostream& out, const nlohmann::json& tender, const nlohmann::json& r, Language l) {
    out << bilingual(l, "评标办法审查", "Evaluation-method audit") << "  " << r.at("tender").get<std::string>();
    if (tender.contains("title")) out << "  " << tender.at("title").get<std::string>();
    out << "\n" << bilingual(l, "政策", "Policy") << "  " << r.at("policy").at("document").get<std::string>() << " ("
        << r.at("policy").at("id").get<std::string>() << ")\n\n";
    for (const auto& f : r.at("findings")) {
        const bool error = f.at("severity") == "error";
        out << (error ? "  ✗ " : "  ! ") << (error ? bilingual(l, "错误", "error") : bilingual(l, "警告", "warning")) << "  ";
        if (f.at("criterion").is_null()) {
            out << bilingual(l, "整个招标文件", "the tender as a whole");
        } else {
            const std::string id = f.at("criterion");
            out << id;
            for (const auto& c : tender.value("criteria", nlohmann::json::array()))
                if (c.value("id", "") == id && c.contains("name")) out << " " << c.at("name").get<std::string>();
        }
        out << "\n";
        print_reason(out, l, f, "      ");
        if (!f.at("path").is_null()) {
            out << "      " << bilingual(l, "位置", "at") << " " << f.at("path").get<std::string>();
            if (!f.at("matched").is_null()) out << ": “" << f.at("matched").get<std::string>() << "”";
            out << "\n";
            print_evidence(out, tender, f, l);
        }
    }
    if (r.at("findings").empty()) out << "  " << bilingual(l, "未发现歧视性评审标准。", "No discriminatory criteria found.") << "\n";
    const auto errors = r.at("errors").get<long>(), warnings = r.at("warnings").get<long>();
    out << "\n"
        << (r.at("passed").get<bool>() ? bilingual(l, "结论：通过", "Result: passed")
                                       : bilingual(l, "结论：未通过，发布前须修改", "Result: not passed, change it before publishing"))
        << " (" << errors << " " << bilingual(l, "个错误", errors == 1 ? "error" : "errors") << ", " << warnings << " "
        << bilingual(l, "个警告", warnings == 1 ? "warning" : "warnings") << ")\n";
}

}  // namespace host
