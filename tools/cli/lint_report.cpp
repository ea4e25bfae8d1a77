#include "lint_report.hpp"

namespace host {

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
