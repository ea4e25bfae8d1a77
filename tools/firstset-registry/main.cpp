// firstset-registry: for registry publishers. Turns a published recognition list (认定名单) into
// a registry document, and says what changed between two registries (docs/contract.md section
// 10; docs/registry-tool.md).
//
// Exit status: import 0 written; diff 0 identical, 1 different; 2 usage or a bad option; 3 the
// list or a registry cannot be read (format, encoding, header, rows); 5 the output cannot be
// written.
#include <boost/program_options.hpp>

#include <iostream>
#include <unistd.h>

#include "list_import.hpp"
#include "list_table.hpp"
#include "registry_diff.hpp"
#include "util/civil_date.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"

namespace po = boost::program_options;
using namespace firstset;

namespace {

enum Exit { ok = 0, different = 1, usage = 2, unreadable = 3, unwritable = 5 };

const char* const help_text = R"(firstset-registry — 认定名录发布工具 / for registry publishers

用法 Usage:
  firstset-registry import LIST --issuer CODE --document TEXT --recognized YYYY-MM-DD
                           [--batch TEXT] [--kind equipment|material|software] [--id-prefix P]
                           [--registry-id ID] [--published RFC3339|now] [--out FILE]
  firstset-registry diff OLD NEW [--json]

import  把公布的认定名单（.csv UTF-8/GB18030、.xlsx、.docx 第一个带表头的表格）转为认定名录（JSON）。
        Turns a published list (.csv in UTF-8 or GB18030, .xlsx, or the first table with a header
        in a .docx) into a registry document (JSON), checked against the registry schema.
        按表头文字识别列：序号；企业名称/单位名称/申报单位/研制单位/生产企业/制造商；产品名称/装备名称/产品；
        型号/规格型号；统一社会信用代码；证书编号；批次。无型号列时从产品名称中提取型号。
        Columns are found by their header text; a model is taken from the product name when
        there is no model column. Ids: the 证书编号 when it is an id, else PREFIX-ROW, where ROW
        is the list's 序号 (or the entry's position) and PREFIX comes from --document and --batch,
        so re-importing the same list in any format gives the same ids.
        有无法读取的行时，逐行报告行号，不写出任何内容；--out 原子写入（先写临时文件再改名）。
        A row that cannot be read fails the import, named by its row; nothing is written then.
        --out replaces FILE atomically; without it the document goes to standard output.
diff    比较两个认定名录：新增、删除、变更（逐字段）与撤销（状态变为 revoked/suspended）的条目。
        Compares two registries: entries added, removed, changed (field by field) and revoked
        (status now revoked or suspended). Exit 0 when identical, 1 when they differ.

选项 Options:
)";

void print_error(const StatusError& e) {
    std::cerr << "错误 error [" << e.code() << "]";
    const Location& w = e.where();
    if (!w.file.empty()) std::cerr << " " << w.file << (w.line > 0 ? ":" + std::to_string(w.line) : "");
    std::cerr << "\n  " << e.message_zh() << "\n  " << e.message_en() << "\n";
}

void print_finding(const char* label, const lists::Finding& f, const std::string& file) {
    std::cerr << label << " [" << f.code << "] " << file << (f.row > 0 ? ":" + std::to_string(f.row) : "") << "\n  " << f.message_zh
              << "\n  " << f.message_en << "\n";
}

int fail_usage(const std::string& zh, const std::string& en) {
    std::cerr << "用法错误 usage: " << zh << "\n  " << en << "\n（firstset-registry --help 查看用法 see --help）\n";
    return usage;
}

std::string now_rfc3339() {
    const std::time_t t = std::time(nullptr) + 8 * 3600;  // China Standard Time
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

int run_import(const std::string& list, lists::ImportOptions options, const std::string& out) {
    if (options.published == "now") options.published = now_rfc3339();
    try {
        const auto tables = lists::read_list_file(list);
        const lists::ImportResult r = lists::import_tables(tables, options, list);
        for (const auto& w : r.warnings) print_finding("警告 warning", w, list);
        if (out.empty()) {
            std::cout << r.json << std::flush;
            if (!std::cout) return unwritable;
        } else {
            const auto folder = std::filesystem::absolute(out).parent_path();
            if (!std::filesystem::is_directory(folder)) {
                std::cerr << "错误 error [REGISTRY_WRITE_FAILED] " << out << "\n  输出文件所在的文件夹不存在：" << folder.string()
                          << "\n  the output file's folder does not exist: " << folder.string() << "\n";
                return unwritable;
            }
            write_file_durably(out, r.json, "REGISTRY_WRITE_FAILED", 0644);
        }
        std::cerr << "已导入 " << r.entries << " 条（" << (r.table.empty() ? "CSV" : r.table) << "，表头在第 " << r.header_row << " 行）"
                  << (out.empty() ? "" : "，写入 " + out) << "\nimported " << r.entries << " entries ("
                  << (r.table.empty() ? "CSV" : r.table) << ", header at row " << r.header_row << ")"
                  << (out.empty() ? "" : ", written to " + out) << "\n";
        return ok;
    } catch (const lists::ImportFailed& e) {
        for (const auto& f : e.errors()) print_finding("错误 error", f, list);
        print_error(e);
        return unreadable;
    } catch (const StatusError& e) {
        print_error(e);
        if (e.status() == Status::argument && e.code() == "LIST_OPTION") return usage;
        return e.code() == "REGISTRY_WRITE_FAILED" ? unwritable : unreadable;
    } catch (const std::bad_alloc&) {
        std::cerr << "错误 error [OUT_OF_MEMORY] " << list << "\n  内存不足，未写出任何内容\n  out of memory; nothing was written\n";
        return unreadable;
    } catch (const std::exception& e) {
        std::cerr << "错误 error [INTERNAL_ERROR] " << list << "\n  " << e.what() << "\n";
        return unreadable;
    }
}

std::string brief(const lists::DiffEntry& e) { return e.product + " — " + e.holder; }

int run_diff(const std::string& a, const std::string& b, bool as_json) {
    try {
        const lists::RegistryDiff d = lists::diff_registries(a, b);
        if (as_json) {
            std::cout << lists::diff_json(d);
        } else {
            std::cout << "旧 old: " << a << " (" << d.old_registry.id << " " << d.old_registry.version << ", " << d.old_registry.entries << ")\n"
                      << "新 new: " << b << " (" << d.new_registry.id << " " << d.new_registry.version << ", " << d.new_registry.entries << ")\n";
            if (d.empty()) std::cout << "无差异 identical\n";
            auto section = [](const char* title, std::size_t n) { if (n) std::cout << "\n" << title << " (" << n << ")\n"; };
            section("名录信息 registry", d.header.size());
            for (const auto& c : d.header) std::cout << "  ~ registry." << c.field << ": " << c.old_json << " → " << c.new_json << "\n";
            section("新增 added", d.added.size());
            for (const auto& e : d.added) std::cout << "  + " << e.id << "  " << brief(e) << "\n";
            section("删除 removed", d.removed.size());
            for (const auto& e : d.removed) std::cout << "  - " << e.id << "  " << brief(e) << "\n";
            section("变更 changed", d.changed.size());
            for (const auto& e : d.changed) {
                std::cout << "  ~ " << e.id << "\n";
                for (const auto& c : e.changes) std::cout << "      " << c.field << ": " << c.old_json << " → " << c.new_json << "\n";
            }
            section("撤销 revoked", d.revoked.size());
            for (const auto& e : d.revoked)
                std::cout << "  ! " << e.id << "  " << (e.old_status.empty() ? "(new)" : e.old_status) << " → " << e.status << "  " << brief(e) << "\n";
        }
        return d.empty() ? ok : different;
    } catch (const StatusError& e) {
        print_error(e);
        return unreadable;
    } catch (const std::exception& e) {
        std::cerr << "错误 error [INTERNAL_ERROR]\n  " << e.what() << "\n";
        return unreadable;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string command, list, second, out;
    lists::ImportOptions options;
    bool as_json = false;
    po::options_description named("");
    named.add_options()
        ("help,h", "帮助 this help")
        ("issuer", po::value(&options.issuer), "import: 认定机关 issuer code: CN, CN-XX (CN-CQ), CN-NEA, ...")
        ("document", po::value(&options.document), "import: 文号 the list's document number, e.g. 渝经信发〔2024〕25号")
        ("recognized", po::value(&options.recognized), "import: 认定日期 recognition date YYYY-MM-DD (validity counts from it)")
        ("batch", po::value(&options.batch), "import: 批次 batch, e.g. 第一批")
        ("kind", po::value(&options.kind)->default_value("equipment"), "import: equipment 首台套 | material 首批次 | software 首版次")
        ("id-prefix", po::value(&options.id_prefix), "import: 编号前缀 prefix of made ids (default from --document and --batch)")
        ("registry-id", po::value(&options.registry_id), "import: registry.id (default ISSUER-PREFIX)")
        ("published", po::value(&options.published), "import: registry.published, RFC 3339 or \"now\" (needed to serve it from a URL)")
        ("out,o", po::value(&out), "import: 输出文件 output file (default standard output)")
        ("json", po::bool_switch(&as_json), "diff: JSON 输出 JSON output");
    po::options_description hidden("");
    hidden.add_options()("command", po::value(&command))("first", po::value(&list))("second", po::value(&second));
    po::options_description all;
    all.add(named).add(hidden);
    po::positional_options_description positional;
    positional.add("command", 1).add("first", 1).add("second", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail_usage(std::string("参数有误：") + e.what(), e.what());
    }
    if (vm.count("help") || command.empty()) {
        std::cout << help_text << named;
        return command.empty() && !vm.count("help") ? usage : ok;
    }
    if (command == "import") {
        if (list.empty()) return fail_usage("import 需要名单文件", "import needs the list file");
        if (!second.empty()) return fail_usage("import 只接受一个名单文件", "import takes one list file");
        if (as_json) return fail_usage("import 没有 --json 选项（输出本身就是 JSON）", "import has no --json (its output is JSON)");
        for (const char* required : {"issuer", "document", "recognized"})
            if (!vm.count(required)) return fail_usage(std::string("import 需要 --") + required, std::string("import needs --") + required);
        return run_import(list, options, out);
    }
    if (command == "diff") {
        if (list.empty() || second.empty()) return fail_usage("diff 需要两个认定名录文件", "diff needs two registry files: OLD NEW");
        if (!out.empty()) return fail_usage("diff 没有 --out 选项，请重定向标准输出", "diff has no --out; redirect standard output");
        return run_diff(list, second, as_json);
    }
    return fail_usage("未知命令 \"" + command + "\"，可用：import、diff", "unknown command \"" + command + "\"; available: import, diff");
}
