#include "bilingual.hpp"

namespace host {

std::string bilingual(Language l, const std::string& zh, const std::string& en) {
    switch (l) {
        case Language::zh: return zh;
        case Language::en: return en;
        case Language::both: return zh + " " + en;
    }
    return zh;
}

void print_reason(std::ostream& out, Language l, const nlohmann::json& r, const std::string& indent) {
    if (l != Language::en) out << indent << r.at("message_zh").get<std::string>() << "\n";
    if (l != Language::zh) out << indent << r.at("message_en").get<std::string>() << "\n";
    out << indent << bilingual(l, "依据", "per") << " " << r.value("clause", "") << " [" << r.at("code").get<std::string>()
        << "]\n";
}

}  // namespace host
