// firstset-ledger: the decision log for compliance officers (纪检、审计、国资监管). It needs no
// engine configuration: verify a ledger (optionally against a head kept earlier), show its
// records, and put together the dossier of one award. With a configuration (its policy packs),
// it also audits a tender's evaluation method (lint).
//
// Exit status: 0 done (verify: the ledger is intact; lint: no error); 1 verify or lint found
// problems; 2 usage; 3 the ledger or tender cannot be read; 4 the library or configuration
// cannot be used; 5 no such award.
#include <boost/program_options.hpp>

#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "plugin_path.hpp"
#include "firstset/firstset.hpp"
#include "keys.hpp"
#include "ledger_file.hpp"
#include "lint_report.hpp"
#include "report.hpp"
#include "status_report.hpp"
#include "tender_file.hpp"
#include "util/civil_date.hpp"
#include "util/signing.hpp"

namespace po = boost::program_options;

namespace {

enum Exit { ok = 0, damaged = 1, usage = 2, unreadable = 3, no_library = 4, no_award = 5 };

const char* const help_text = R"(firstset-ledger — 决策账本核查工具 / the decision log for compliance officers

用法 Usage:
  firstset-ledger verify  LEDGER [--head SEQ:ID] [--checkpoint FILE --key VERIFIER_KEY [--origin ORIGIN]] [--json]
  firstset-ledger show    LEDGER [--id ID] [--kind KIND] [--tender ID] [--from DATE] [--to DATE] [--json]
  firstset-ledger dossier LEDGER AWARD_OR_CASE_ID [--format md|html] [--out FILE] [--as-of DATE]
  firstset-ledger package LEDGER AWARD_OR_CASE_ID --out FILE.zip [--as-of DATE]
  firstset-ledger report  LEDGER... --from DATE --to DATE [--by purchaser|project|product]
                          [--period month|quarter|year] [--format html|csv|xlsx|json] [--out FILE] [--include-unverified]
  firstset-ledger lint    TENDER.yaml --config CONFIG.yaml [--json]
  firstset-ledger status  --config CONFIG.yaml [--json]
  firstset-ledger keygen  NAME [--out PREFIX] [--algorithm ed25519|sm2]
  firstset-ledger sign    DOCUMENT --key SIGNER_KEY_FILE

verify   校验账本的哈希链；给出之前保存的账本头（序号:编号）时，也能发现被截掉的记录。
         Checks the hash chain; with a head kept earlier (seq:id), also finds records cut off.
         给出签名检查点与其公钥（或 @公钥文件）时，按检查点核对（归档副本用此法核查）。
         With a signed checkpoint and its verifier key (or @file), checks the ledger against it.
         检查点须属于 --origin 所指的日志（默认为公钥名）。
         The checkpoint must name the log --origin gives (default: the key's name).
show     列出记录，可按编号、类别、招标项目或日期（北京时间）筛选。
         Lists records, by id, kind, tender or date (China Standard Time).
dossier  一个授标的完整档案：授标及其评估、当时的证书、故障、处理建议与最终决定、容错案件各环节的
         时间线（期限、逾期、经办人及其网络地址）、链式校验。可给授标编号或案件编号（其申请记录编号）。
         The dossier of one award: the award and its assessment, the certificates as they stood,
         failures, proposals and final decisions, each tolerance-of-failure case as a timeline
         (due dates, overdue stages, who acted and from where), and the chain proof; Markdown or
         one HTML page. Give the award's id or a case's id (its application record's id).
         --as-of 日期：尚未办理的环节按此日判断是否逾期（默认今天，北京时间）。
         --as-of DATE: stages not yet done are overdue after their due date as of DATE (default today).
package  一项一档：将档案、相关记录原文、证据摘要、校验结果和清单打包为 zip。
         The case package for the project file (一项一档): a zip with the records as stored, the
         dossier, the evidence digests, the verification result and a manifest of SHA-256 digests.
report   首台（套）使用情况定期通报（第（五）项）：按采购人、项目或产品，分月、季或年统计授标及金额、产品与证书、
         视同满足的评审因素、故障与容错结果，含合计与占比。可给多个账本或目录（其中的 *.jsonl），先逐一校验；
         未通过校验的账本不计入（--include-unverified 时计入），退出码为 1。
         The usage report (clause （五）): per purchaser, project or product and per month, quarter or year,
         first-set awards and amounts, products and certificates, criteria deemed met, failures and tolerance
         outcomes, with totals and shares. Takes many ledgers or directories (their *.jsonl); each is verified
         first, and one that does not verify is left out (counted with --include-unverified) and exits 1.
lint     审查招标文件的评标办法是否设置歧视性评审标准（按配置中的政策包）。
         Audits a tender's evaluation method for discriminatory criteria, under the configuration's
         policy packs (the one for the tender's jurisdiction and purchaser).
status   打开引擎并报告：认定名录的来源与新旧、账本记录数、签名检查点、向归档发送的进度与错误。
         Opens the engine and reports the registry's source and age, the ledger's records, the
         signed checkpoint, and shipping to the archive (shipped, pending, failures, last error).
keygen   生成密钥（C2SP signed-note 格式）：PREFIX.key 私钥、PREFIX.pub 公钥；默认 Ed25519，
         --algorithm sm2 生成国密 SM2 密钥（GB/T 32918，SM3 摘要，GM/T 0009 默认 ID）。
         Makes a key pair (signed-note format): PREFIX.key (keep secret), PREFIX.pub; Ed25519 by
         default, --algorithm sm2 for an SM2 key (GB/T 32918, SM3, GM/T 0009's default ID).
sign     用私钥签署文件（如认定名录），写出 DOCUMENT.sig，供 registry.public_key 校验。
         Signs a file (a registry, say) and writes DOCUMENT.sig, which registry.public_key checks.

退出码 Exit status: 0 完成/账本完好/审查通过 done, intact, passed · 1 账本有问题或评标办法有错误
（report：有账本未通过校验） problems found (report: a ledger did not verify) · 2 用法错误 usage · 3 无法读取账本或招标文件、无法写出结果 cannot read or write · 4 无法加载插件或配置
library or configuration unusable · 5 无此授标或案件记录 no such award or case

Options)";

int fail(int code, const std::string& zh, const std::string& en) {
    std::cerr << "错误：" << zh << "\nerror: " << en << "\n";
    return code;
}

std::string plugin_or_default(std::string path) { return firstset::cli::plugin_path(std::move(path), FIRSTSET_DEFAULT_PLUGIN); }

std::string now_utc() { return tool::report::utc_now(); }

std::string summary(const tool::Record& r) {
    const auto& b = r.body;
    auto s = [&](const nlohmann::json& j, const char* k) { return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    if (r.kind == "award")
        return "tender " + s(b["tender"], "id") + " bid " + s(b["bid"], "id") + " on " + s(b, "award_date") + ", conditions met: " +
               (b["assessment"].value("conditions_met", false) ? "yes" : "no");
    if (r.kind == "failure_report") return s(b, "severity") + " failure on " + s(b, "date") + " of award " + s(b, "award").substr(0, 12) + "…";
    if (r.kind == "tolerance_decision")
        return "proposed " + s(b, "proposed") + ", final " + (b["final"].is_string() ? b["final"].get<std::string>() : "pending") +
               " (award " + s(b, "award").substr(0, 12) + "…)";
    if (r.kind == "evaluation") return "tender " + s(b, "tender") + " bid " + s(b, "bid") + " on " + s(b, "evaluation_date");
    if (r.kind == "genesis") return "ledger " + s(b, "ledger");
    if (r.kind == "case_stage")
        return s(b, "stage") + " on " + s(b, "date") + " of case " + (s(b, "stage") == "application" ? r.id : s(b, "case")).substr(0, 12) +
               "…" + (b.contains("findings") && b["findings"].is_array() && !b["findings"].empty() ? " (" + std::to_string(b["findings"].size()) + " findings)" : "");
    return "";
}

std::string tender_of(const tool::Record& r) {
    const auto& b = r.body;
    if (b.contains("tender") && b["tender"].is_object()) return b["tender"].value("id", "");
    if (b.contains("tender") && b["tender"].is_string()) return b["tender"].get<std::string>();
    return "";
}

}  // namespace

static int run(int argc, char** argv) {
    std::string command, ledger, award, head, id, kind, tender, from, to, format = "md", out, plugin_path, config;
    std::string checkpoint, key, origin, as_of, algorithm = "ed25519";
    std::string by = "purchaser", period = "quarter";
    std::vector<std::string> rest;
    bool json = false, include_unverified = false;
    po::options_description options(help_text, 240, 120);  // wide: Boost wraps by bytes and would cut a Chinese character
    options.add_options()
        ("help,h", "显示帮助 show this help")
        ("head", po::value(&head), "verify: 之前保存的账本头 the head kept earlier, SEQ:ID")
        ("id", po::value(&id), "show: 记录编号 record id (or its start)")
        ("kind", po::value(&kind), "show: genesis | evaluation | award | failure_report | tolerance_decision | case_stage")
        ("tender", po::value(&tender), "show: 招标项目编号 tender id")
        ("from", po::value(&from), "show, report: 起始日期 from this date (YYYY-MM-DD, China time)")
        ("to", po::value(&to), "show, report: 截止日期 to this date, inclusive")
        ("format", po::value(&format), "dossier: md | html (default md); report: html | csv | xlsx | json (default html)")
        ("as-of", po::value(&as_of), "dossier, package: 判断逾期的日期 the date overdue stages are judged on (YYYY-MM-DD, default today, China time)")
        ("by", po::value(&by), "report: 分组 purchaser | project | product (default purchaser)")
        ("period", po::value(&period), "report: 分期 month | quarter | year (default quarter)")
        ("include-unverified", po::bool_switch(&include_unverified), "report: 未通过校验的账本也计入 count ledgers that do not verify")
        ("out", po::value(&out), "dossier, package, report: 输出文件 output file; keygen: 文件名前缀 file prefix (default NAME)")
        ("config,c", po::value(&config), "lint, status: 引擎配置文件 engine configuration")
        ("checkpoint", po::value(&checkpoint), "verify: 签名检查点文件 a signed checkpoint")
        ("origin", po::value(&origin), "verify: 检查点应属的日志 the origin the checkpoint must name (default: the key's name)")
        ("key", po::value(&key), "verify: 验证公钥或 @文件 verifier key or @file; sign: 私钥文件 signer key file")
        ("algorithm", po::value(&algorithm), "keygen: 密钥算法 key algorithm, ed25519 | sm2 (default ed25519)")
        ("json", po::bool_switch(&json), "输出 JSON output JSON")
        ("plugin", po::value(&plugin_path), "libfirstset.so (default: $FIRSTSET_PLUGIN, else the one built with this program, else the installed libfirstset.so.1)");
    po::options_description hidden;
    hidden.add_options()("command", po::value(&command))("ledger", po::value(&ledger))("award", po::value(&award))(
        "rest", po::value(&rest));
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("command", 1).add("ledger", 1).add("award", 1).add("rest", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(usage, std::string("命令行参数有误：") + e.what(), std::string("bad command line: ") + e.what());
    }
    if (vm.count("help") || argc == 1) {
        std::cout << options << "\n";
        return argc == 1 ? usage : ok;
    }
    if (!rest.empty() && command != "report")
        return fail(usage, "多余的参数 " + rest.front(), "unexpected argument " + rest.front());
    if (command == "report") {
        tool::report::CommandLine cl{{}, from, to, by, period, vm.count("format") ? format : "html", out, include_unverified};
        for (const auto* p : {&ledger, &award})
            if (!p->empty()) cl.inputs.push_back(*p);
        cl.inputs.insert(cl.inputs.end(), rest.begin(), rest.end());
        return tool::report::command(cl, [&] {
            auto lib = std::make_shared<firstset::Library>(plugin_or_default(plugin_path));
            return tool::report::Verifier([lib](const std::string& request) { return lib->verify(request); });
        }, std::cout, std::cerr);
    }
    if (command == "status") {
        if (config.empty()) return fail(usage, "status 需要 --config 配置文件", "status needs --config");
        nlohmann::json st;
        try {
            firstset::Library lib(plugin_or_default(plugin_path));
            firstset::Engine engine = lib.open(config);
            st = nlohmann::json::parse(engine.status());
        } catch (const firstset::Error& e) {
            auto doc = nlohmann::json::parse(e.document(), nullptr, false);
            const auto& err = doc.is_object() ? doc["error"] : doc;
            return fail(no_library, err.value("message_zh", e.document()), err.value("message", e.document()));
        } catch (const std::exception& e) {
            return fail(no_library, std::string("无法加载插件：") + e.what(), std::string("cannot load the library: ") + e.what());
        }
        if (json) {
            std::cout << st.dump(2) << "\n";
            return ok;
        }
        host::print_status(std::cout, st);
        return ok;
    }
    if (command == "keygen" || command == "sign") {
        if (ledger.empty())
            return fail(usage, command == "keygen" ? "需要密钥名称" : "需要待签署的文件",
                        command == "keygen" ? "need the key's name" : "need the document to sign");
        try {
            if (command == "keygen") {
                const auto type = firstset::algorithm_named(algorithm);
                if (!type)
                    return fail(usage, "--algorithm 须为 ed25519 或 sm2，而不是 \"" + algorithm + "\"",
                                "--algorithm must be ed25519 or sm2, not \"" + algorithm + "\"");
                const std::string pub = tool::keygen(ledger, out.empty() ? ledger : out, *type);
                std::cout << "私钥 signer key: " << (out.empty() ? ledger : out) << ".key（保密 keep it secret）\n"
                          << "公钥 verifier key: " << pub << "\n";
            } else {
                if (key.empty()) return fail(usage, "sign 需要 --key 私钥文件", "sign needs --key SIGNER_KEY_FILE");
                std::cout << tool::sign_file(key, ledger) << "\n";
            }
        } catch (const std::exception& e) {
            return fail(unreadable, e.what(), e.what());
        }
        return ok;
    }
    if (ledger.empty())
        return command == "lint" ? fail(usage, "需要招标文件（--help 查看用法）", "need a tender file (see --help)")
                                 : fail(usage, "需要账本文件（--help 查看用法）", "need a ledger file (see --help)");
    plugin_path = plugin_or_default(plugin_path);

    if (command == "lint") {
        const std::string& tender_path = ledger;  // the positional argument
        if (config.empty()) return fail(usage, "lint 需要 --config 配置文件（其中的政策包）", "lint needs --config (for its policy packs)");
        nlohmann::json tender_doc;
        try {
            tender_doc = host::read_tender_only(tender_path);
        } catch (const host::InputError& e) {
            const std::string at = e.file + (e.line ? ":" + std::to_string(e.line) : "");
            return fail(unreadable, at + "：" + e.zh, at + ": " + e.what());
        }
        try {
            firstset::Library lib(plugin_path);
            const firstset::Engine engine = lib.open(config);
            const auto response = nlohmann::json::parse(engine.lint(tender_doc.dump()));
            if (json) std::cout << response.dump(2) << "\n";
            else host::print_lint(std::cout, tender_doc, response, host::Language::both);
            return response.at("passed").get<bool>() ? ok : damaged;
        } catch (const firstset::Error& e) {
            auto doc = nlohmann::json::parse(e.document(), nullptr, false);
            const auto& err = doc.is_object() ? doc["error"] : doc;
            return fail(e.status() == FIRSTSET_CONFIG || e.status() == FIRSTSET_IO ? no_library : unreadable,
                        err.value("message_zh", e.document()) + " [" + err.value("code", "") + "]",
                        err.value("message", e.document()) + " [" + err.value("code", "") + "]");
        } catch (const std::exception& e) {
            return fail(no_library, std::string("无法加载插件：") + e.what(), std::string("cannot load the library: ") + e.what());
        }
    }

    if (command == "verify") {
        nlohmann::json request = {{"ledger", ledger}};
        if (checkpoint.empty() != key.empty())
            return fail(usage, "--checkpoint 与 --key 须同时给出", "--checkpoint and --key go together");
        if (!checkpoint.empty()) {
            if (key.size() > 1 && key[0] == '@') {
                std::ifstream in(key.substr(1));
                if (!std::getline(in, key)) return fail(unreadable, "无法读取公钥文件 " + key.substr(1), "cannot read the key file " + key.substr(1));
            }
            request["checkpoint"] = checkpoint;
            request["public_key"] = key;
            if (!origin.empty()) request["origin"] = origin;
        } else if (!origin.empty()) {
            return fail(usage, "--origin 须与 --checkpoint 同时给出", "--origin goes with --checkpoint");
        }
        if (!head.empty()) {
            const auto colon = head.find(':');
            if (colon == std::string::npos) return fail(usage, "--head 的格式为 序号:编号", "--head is SEQ:ID");
            try {
                request["expected_head"] = {{"seq", std::stoull(head.substr(0, colon))}, {"id", head.substr(colon + 1)}};
            } catch (const std::exception&) {
                return fail(usage, "--head 的格式为 序号:编号", "--head is SEQ:ID");
            }
        }
        nlohmann::json verdict;
        try {
            firstset::Library lib(plugin_path);
            verdict = nlohmann::json::parse(lib.verify(request.dump()));
        } catch (const firstset::Error& e) {
            auto doc = nlohmann::json::parse(e.document(), nullptr, false);
            const auto& err = doc.is_object() ? doc["error"] : doc;
            return fail(e.status() == FIRSTSET_IO ? unreadable : usage, err.value("message_zh", e.document()),
                        err.value("message", e.document()));
        } catch (const std::exception& e) {
            return fail(no_library, std::string("无法加载插件：") + e.what(), std::string("cannot load the library: ") + e.what());
        }
        if (json) {
            std::cout << verdict.dump(2) << "\n";
        } else if (verdict["ok"].get<bool>()) {
            std::cout << "账本完好 The ledger is intact: " << verdict["records"] << " records, head #" << verdict["head"]["seq"]
                      << " " << verdict["head"]["id"].get<std::string>() << "\n"
                      << "保存此账本头以便日后发现截断 Keep this head to detect a cut later: --head "
                      << verdict["head"]["seq"] << ":" << verdict["head"]["id"].get<std::string>() << "\n";
            if (verdict.contains("checkpoint") && verdict["checkpoint"].is_object())
                std::cout << "与签名检查点一致 Matches the signed checkpoint of " << verdict["checkpoint"]["origin"].get<std::string>()
                          << " (" << verdict["checkpoint"]["size"] << " records, key "
                          << verdict["checkpoint"]["key"].get<std::string>() << ")\n";
        } else {
            std::cout << "账本有问题 The ledger does not verify";
            if (verdict["first_bad_seq"].is_number()) std::cout << " (first bad record: " << verdict["first_bad_seq"] << ")";
            std::cout << "\n";
            for (const auto& p : verdict["problems"])
                std::cout << "  ✗ " << p["code"].get<std::string>() << "  " << p["message_zh"].get<std::string>() << "\n     "
                          << p["message_en"].get<std::string>() << "\n";
        }
        return verdict["ok"].get<bool>() ? ok : damaged;
    }

    std::vector<tool::Record> records;
    try {
        records = tool::read_records(ledger);
    } catch (const std::exception& e) {
        return fail(unreadable, "无法读取账本 " + ledger, e.what());
    }

    if (command == "show") {
        std::size_t shown = 0;
        for (const auto& r : records) {
            if (!id.empty() && r.id.rfind(id, 0) != 0) continue;
            if (!kind.empty() && r.kind != kind) continue;
            if (!tender.empty() && tender_of(r) != tender) continue;
            const std::string date = tool::china_date(r.time);
            if (!from.empty() && date < from) continue;
            if (!to.empty() && date > to) continue;
            ++shown;
            if (json) {
                std::cout << nlohmann::json{{"seq", r.seq}, {"id", r.id}, {"prev", r.prev}, {"time", r.time}, {"kind", r.kind}, {"body", r.body}}
                                 .dump()
                          << "\n";
            } else {
                std::cout << "#" << r.seq << "  " << r.time << "  " << r.kind << "  " << r.id.substr(0, 16) << "…  " << summary(r) << "\n";
            }
        }
        if (!json) std::cout << shown << " / " << records.size() << " records\n";
        return ok;
    }

    if (command == "dossier" || command == "package") {
        if (award.empty()) return fail(usage, "需要授标或案件记录编号", "need the award's or the case's record id");
        if (command == "dossier" && format != "md" && format != "html")
            return fail(usage, "--format 只能是 md 或 html", "--format is md or html");
        if (command == "package" && out.empty()) return fail(usage, "package 需要 --out 文件名（.zip）", "package needs --out FILE.zip");
        if (!as_of.empty() && !firstset::Date::parse(as_of))
            return fail(usage, "--as-of 须为日期 YYYY-MM-DD：" + as_of, "--as-of must be a date YYYY-MM-DD: " + as_of);
        auto d = tool::collect_dossier(records, award);
        if (!d)
            return fail(no_award, "账本中没有编号为 " + award + " 的授标或容错案件记录",
                        "no award or tolerance-of-failure case " + award + " in the ledger");
        try {
            firstset::Library lib(plugin_path);
            d->verdict = nlohmann::json::parse(lib.verify(nlohmann::json{{"ledger", ledger}}.dump()));
        } catch (const std::exception& e) {
            return fail(no_library, std::string("无法校验账本：") + e.what(), std::string("cannot verify the ledger: ") + e.what());
        }
        d->ledger_path = ledger;
        d->generated_at = now_utc();
        d->as_of = as_of.empty() ? tool::china_date(d->generated_at) : as_of;
        if (command == "package") {
            try {
                tool::write_case_package(*d, out);
            } catch (const std::exception& e) {
                return fail(unreadable, std::string("无法写入档案包：") + e.what(), std::string("cannot write the package: ") + e.what());
            }
            std::cout << "档案包 Case package: " << out << " (" << d->all().size() << " 条记录 records, 账本 ledger "
                      << (d->verdict.value("ok", false) ? "完好 intact" : "有问题 does not verify") << ")\n";
            return ok;
        }
        const std::string text = format == "html" ? tool::dossier_html(*d) : tool::dossier_markdown(*d);
        if (out.empty()) {
            std::cout << text;
        } else {
            std::ofstream file(out, std::ios::binary);
            file << text;
            if (!file) return fail(unreadable, "无法写入 " + out, "cannot write " + out);
        }
        return ok;
    }
    return fail(usage, "未知命令 \"" + command + "\"，可用：verify、show、dossier、package、report、lint、status、keygen、sign",
                "unknown command \"" + command + "\"; available: verify, show, dossier, package, report, lint, status, keygen, sign");
}

int main(int argc, char** argv) {
    // A ledger is outside data: a record whose members are not what they should be (a changed
    // ledger: verify says where) is reported, never an abort.
    try {
        return run(argc, argv);
    } catch (const nlohmann::json::exception& e) {
        return fail(unreadable, std::string("账本记录的内容不符合格式（账本可能已被改动，请用 firstset-ledger verify 核查）：") + e.what(),
                    std::string("a ledger record does not have the form it should (the ledger may have been changed; "
                                "check it with firstset-ledger verify): ") + e.what());
    } catch (const std::exception& e) {
        return fail(unreadable, std::string("无法完成：") + e.what(), std::string("cannot complete: ") + e.what());
    }
}
