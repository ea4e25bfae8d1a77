#include "status_report.hpp"

namespace host {
namespace {

std::string text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump(); }

}  // namespace

void print_status(std::ostream& out, const nlohmann::json& s) {
    const auto& r = s["registry"];
    out << "认定名录 Registry   " << text(r["id"]) << " version " << text(r["version"]) << ", " << text(r["certificates"])
        << " certificates\n";
    if (r["source"].is_object()) {
        const auto& src = r["source"];
        out << "  来源 source       " << text(src["url"]) << " (ETag " << text(src["etag"]) << ")\n"
            << "  确认于 confirmed  " << text(src["checked_at"]) << ", " << text(src["age_seconds"]) << " s ago"
            << (src["refused"].get<bool>() ? "  ✗ 过旧，拒绝评标 too old: evaluations refused"
                                           : src["stale"].get<bool>() ? "  ! 过旧 stale" : "")
            << "\n  刷新 refreshes    " << text(src["fetches"]) << " fetches, " << text(src["not_modified"]) << " unchanged, "
            << text(src["updates"]) << " updates, " << text(src["failures"]) << " failures; last error: "
            << text(src["last_error"]) << "\n";
    } else {
        out << "  来源 source       本地文件 a local file\n";
    }
    const auto& l = s["ledger"];
    if (!l.is_object()) {
        out << "账本 Ledger        未配置 none configured\n";
        return;
    }
    out << "账本 Ledger        " << text(l["path"]) << " (node " << text(l["node"]) << "): " << text(l["records"])
        << " records, head #" << text(l["head"]["seq"]) << " " << text(l["head"]["id"]) << "\n";
    if (l["checkpoint"].is_object())
        out << "  检查点 checkpoint " << text(l["checkpoint"]["file"]) << ": " << text(l["checkpoint"]["size"])
            << " records, signed by " << text(l["checkpoint"]["key"]) << "\n";
    else
        out << "  检查点 checkpoint 未配置 none\n";
    if (l["shipping"].is_object()) {
        const auto& sh = l["shipping"];
        out << "  归档 shipping     " << text(sh["url"]) << ": " << text(sh["shipped_records"]) << " shipped, "
            << text(sh["pending_records"]) << " pending, " << text(sh["shipped_batches"]) << " objects this run, "
            << text(sh["failures"]) << " failures (" << text(sh["consecutive_failures"]) << " in a row)\n"
            << "                    last success " << text(sh["last_success"]) << "; last error " << text(sh["last_error"])
            << "\n";
    } else {
        out << "  归档 shipping     未配置 none\n";
    }
}

}  // namespace host
