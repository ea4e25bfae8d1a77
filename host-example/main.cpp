// firstset-host: an evaluation program as a tender platform would write it, on the header-only
// wrapper firstset.hpp. It asks the plugin about each bid of a tender and ranks the bids by
// comprehensive score.
//
// Exit status: 0 done; 2 usage; 3 the input file is unusable; 4 the plugin or its
// configuration is unusable; 5 the plugin refused a bid or a record; 6 lint found errors
// (discriminatory criteria); 1 anything unexpected.
#include <boost/program_options.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "plugin_path.hpp"
#include "firstset/firstset.hpp"
#include "incentive_report.hpp"
#include "lint_report.hpp"
#include "report.hpp"
#include "serve.hpp"
#include "status_report.hpp"
#include "scoring.hpp"
#include "tender_file.hpp"
#include "text.hpp"

namespace po = boost::program_options;

namespace {

enum Exit { ok = 0, unexpected = 1, usage = 2, input = 3, plugin = 4, refused = 5, lint_errors = 6 };

const char* const help_text = R"(firstset-host — 首台（套）重大技术装备招标评审示例程序 / example evaluation host

用法 Usage:
  firstset-host evaluate --config CONFIG.yaml [options] TENDER.yaml
  firstset-host record   --config CONFIG.yaml [--award ID] [--failure ID] [--case ID] [options] RECORD.yaml
  firstset-host lint     --config CONFIG.yaml [options] TENDER.yaml
  firstset-host status   --config CONFIG.yaml [--json]
  firstset-host incentive --config CONFIG.yaml [options] REQUEST.json
  firstset-host serve    --config CONFIG.yaml

对招标文件中的每份投标调用 firstset 插件，按渝经信规范〔2024〕9号（四）判断市场占有率、应用业绩
等评审因素是否视同满足，再按综合评分法计算总分并排名。
Asks the firstset plugin about every bid in TENDER.yaml (which criteria first-set equipment is
deemed to meet), computes the comprehensive score and prints the ranking with the reasons.

TENDER.yaml holds `tender` (sent to the plugin) and `bids` (each with price, experts' scores and
the committee's evidence); see examples/tender-CQJT-2026-014.yaml.

record 将授标、故障报告、容错决定或容错案件的一个环节写入决策账本（渝经信规范〔2024〕9号（六））。
record appends an award, a failure report, a tolerance decision or a stage of a tolerance-of-failure
case to the engine's decision log (the configuration must name a ledger: examples/config-ledger.yaml)
and prints the assessment, the proposal or the stage's findings and what is due next; see
examples/records/. --award, --failure and --case fill in the records referred to.

lint 在招标文件发布前审查评标办法是否设置歧视性评审标准（市场占有率、应用业绩、地区或行业限定、
企业规模等），按招标项目所在地区和采购人性质选用政策包。
lint audits the tender's evaluation method for discriminatory criteria before it is published,
under the policy pack the configuration chooses for it (examples/config.yaml holds two).

incentive 计算首购首用奖励上限（渝经信规范〔2024〕9号（一））和逐年保费补贴（（二）），金额精确到分。
incentive prints the first-purchase reward ceiling (clause （一）) and the premium subsidy per insured
year (clause （二）) for a certified machine, exact to the fen. REQUEST.json holds one
firstset_incentive request or an array of them; see examples/requests/incentive-CQJT-2026-014.json.

status 报告认定名录的来源与新旧、账本、签名检查点和向归档发送的进度（firstset_status）。
status reports the registry's source and age, the ledger, its signed checkpoint and shipping.

serve 作为常驻评审进程：从标准输入逐行读取 JSON 请求，每行输出一个 JSON 应答；引擎一直打开，
在后台刷新认定名录、签署检查点、向归档发送账本。请求：{"evaluate": 请求} {"record": 记录}
{"lint": 招标项目} {"incentive": 请求} {"status": {}}；出错时应答为错误文档 {"error": {...}}。标准输入结束即退出。
serve runs as a long-lived evaluation process: one JSON request per line on standard input, one
JSON answer per line on standard output, with the engine kept open so that it follows the
registry, signs checkpoints and ships its ledger in the background. Requests: {"evaluate": R},
{"record": R}, {"lint": TENDER}, {"incentive": R}, {"status": {}}; a failure answers the error document
{"error": {...}}. It exits when standard input ends (after a last checkpoint and shipping pass).

退出码 Exit status: 0 完成 done · 2 用法错误 usage · 3 输入文件有误 input file · 4 插件或配置不可用
plugin or configuration · 5 插件拒绝了投标或记录 the plugin refused a bid or record · 6 评标办法
存在歧视性评审标准 lint found errors · 1 其他 unexpected

Options)";

struct ErrorFields {
    std::string code, en, zh, where;
};

// Reads the plugin's error document for the user; falls back to the raw text.
ErrorFields read_error(const std::string& document) {
    ErrorFields f;
    auto j = nlohmann::json::parse(document, nullptr, false);
    if (!j.is_object() || !j.contains("error")) {
        f.en = f.zh = document;
        return f;
    }
    const auto& e = j["error"];
    f.code = e.value("code", "");
    f.en = e.value("message", "");
    f.zh = e.value("message_zh", f.en);
    if (e.contains("file")) f.where = e["file"].get<std::string>() + (e.contains("line") ? ":" + std::to_string(e["line"].get<int>()) : "");
    if (e.contains("path")) f.where += (f.where.empty() ? "" : " ") + e["path"].get<std::string>();
    return f;
}

int fail(int code, const std::string& zh, const std::string& en) {
    std::cerr << "错误：" << zh << "\nerror: " << en << "\n";
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    host::use_utf8_ctype();
    std::string command, config, plugin_path, tender_path, lang = "both", award_id, failure_id, case_id;
    bool json = false;
    po::options_description options(help_text, 240, 120);  // wide: Boost wraps by bytes and would cut a Chinese character
    options.add_options()
        ("help,h", "显示帮助 show this help")
        ("config,c", po::value(&config), "引擎配置文件 engine configuration (YAML)")
        ("plugin,p", po::value(&plugin_path),
         "插件路径 path of libfirstset.so (default: $FIRSTSET_PLUGIN, else the one built with this program, else the installed libfirstset.so.1)")
        ("json", po::bool_switch(&json), "输出 JSON output JSON for machines")
        ("lang", po::value(&lang), "语言 zh | en | both (default both)")
        ("award", po::value(&award_id), "record: 授标记录编号 id of the award record referred to")
        ("case", po::value(&case_id), "record: 容错案件编号 the case's id (its application's)")
        ("failure", po::value(&failure_id), "record: 故障报告编号 id of the failure report referred to");
    po::options_description hidden;
    hidden.add_options()("command", po::value(&command))("tender", po::value(&tender_path));
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("command", 1).add("tender", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(usage, std::string("命令行参数有误：") + e.what() + "（--help 查看用法）",
                    std::string("bad command line: ") + e.what() + " (see --help)");
    }
    if (vm.count("help") || argc == 1) {
        std::cout << options << "\n";
        return argc == 1 ? usage : ok;
    }
    if (command != "evaluate" && command != "record" && command != "lint" && command != "status" && command != "serve" &&
        command != "incentive")
        return fail(usage, "未知命令 \"" + command + "\"，可用命令：evaluate、record、lint、incentive、status、serve（--help 查看用法）",
                    "unknown command \"" + command + "\"; available: evaluate, record, lint, incentive, status, serve (see --help)");
    const bool needs_file = command != "status" && command != "serve";
    if (config.empty() || (needs_file && tender_path.empty()))
        return fail(usage, "需要 --config 配置文件和输入文件（--help 查看用法）", "need --config and an input file (see --help)");
    host::Language language = host::Language::both;
    if (lang == "zh") language = host::Language::zh;
    else if (lang == "en") language = host::Language::en;
    else if (lang != "both") return fail(usage, "--lang 只能是 zh、en 或 both", "--lang must be zh, en or both");
    plugin_path = firstset::cli::plugin_path(plugin_path, FIRSTSET_DEFAULT_PLUGIN);

    try {
        host::TenderFile tender;
        nlohmann::json record, lint_tender, incentive_requests;
        try {
            if (command == "incentive") {
                std::ifstream in(tender_path, std::ios::binary);
                if (!in) throw host::InputError("cannot read the file", "无法读取文件", tender_path, 0);
                std::stringstream text;
                text << in.rdbuf();
                incentive_requests = nlohmann::json::parse(text.str(), nullptr, false);
                if (incentive_requests.is_discarded() || !(incentive_requests.is_object() || incentive_requests.is_array()))
                    throw host::InputError("not a JSON request or an array of requests", "不是 JSON 请求或请求数组",
                                           tender_path, 0);
                if (incentive_requests.is_object()) incentive_requests = nlohmann::json::array({incentive_requests});
            }
            if (command == "evaluate") tender = host::read_tender_file(tender_path);
            else if (command == "lint") lint_tender = host::read_tender_only(tender_path);
            else if (command == "record") record = host::read_record_file(tender_path, award_id, failure_id, case_id);
        } catch (const host::InputError& e) {
            std::string at = e.file + (e.line ? ":" + std::to_string(e.line) : "");
            return fail(input, at + "：" + e.zh, at + ": " + e.what());
        }

        std::optional<firstset::Library> library;
        try {
            library.emplace(plugin_path);
        } catch (const std::exception& e) {
            return fail(plugin, "无法加载插件 " + plugin_path + "：" + e.what(), "cannot load the plugin " + plugin_path + ": " + e.what());
        }
        std::optional<firstset::Engine> engine;
        try {
            engine.emplace(library->open(config));
        } catch (const firstset::Error& e) {
            auto f = read_error(e.document());
            return fail(plugin, "配置不可用（" + f.where + "）：" + f.zh + " [" + f.code + "]",
                        "the configuration is unusable (" + f.where + "): " + f.en + " [" + f.code + "]");
        }

        if (command == "status") {
            try {
                const auto status = nlohmann::json::parse(engine->status());
                if (json) std::cout << status.dump(2) << "\n";
                else host::print_status(std::cout, status);
                return ok;
            } catch (const firstset::Error& e) {
                auto f = read_error(e.document());
                return fail(plugin, f.zh + " [" + f.code + "]", f.en + " [" + f.code + "]");
            }
        }

        if (command == "serve") return host::serve(*engine, std::cin, std::cout);

        if (command == "lint") {
            try {
                const auto response = nlohmann::json::parse(engine->lint(lint_tender.dump()));
                if (json) std::cout << response.dump(2) << "\n";
                else host::print_lint(std::cout, lint_tender, response, language);
                return response.at("passed").get<bool>() ? ok : lint_errors;
            } catch (const firstset::Error& e) {
                auto f = read_error(e.document());
                return fail(e.status() == FIRSTSET_CONFIG ? plugin : refused,
                            "无法审查（" + f.where + "）：" + f.zh + " [" + f.code + "]",
                            "the tender cannot be audited (" + f.where + "): " + f.en + " [" + f.code + "]");
            }
        }

        if (command == "incentive") {
            // Every request is answered: one refused does not lose the others. Its place holds its
            // error document (--json) or its error (text); the exit status says one was refused.
            nlohmann::json responses = nlohmann::json::array();
            int status = ok;
            for (std::size_t i = 0; i < incentive_requests.size(); ++i) {
                try {
                    responses.push_back(nlohmann::json::parse(engine->incentive(incentive_requests[i].dump())));
                } catch (const firstset::Error& e) {
                    responses.push_back(nlohmann::json::parse(e.document(), nullptr, false));
                    status = std::max(status, static_cast<int>(e.status() == FIRSTSET_CONFIG ? plugin : refused));
                }
            }
            if (json) std::cout << (responses.size() == 1 ? responses[0] : responses).dump(2) << "\n";
            for (std::size_t i = 0; i < responses.size(); ++i) {
                const std::string which = std::to_string(i + 1);
                if (responses[i].contains("error")) {
                    auto f = read_error(responses[i].dump());
                    fail(responses[i]["error"].value("status", "") == "CONFIG" ? plugin : refused,
                         "第 " + which + " 个请求无法计算（" + f.where + "）：" + f.zh + " [" + f.code + "]",
                         "request " + which + " cannot be answered (" + f.where + "): " + f.en + " [" + f.code + "]");
                    continue;
                }
                if (json) continue;
                if (i) std::cout << "\n";
                host::print_incentive(std::cout, responses[i], language);
            }
            return status;
        }

        if (command == "record") {
            try {
                const auto response = nlohmann::json::parse(engine->record(record.dump()));
                if (json) std::cout << response.dump(2) << "\n";
                else host::print_record(std::cout, response, language);
                return ok;
            } catch (const firstset::Error& e) {
                auto f = read_error(e.document());
                return fail(e.status() == FIRSTSET_CONFIG ? plugin : refused,
                            "记录未写入（" + f.where + "）：" + f.zh + " [" + f.code + "]",
                            "the record was not written (" + f.where + "): " + f.en + " [" + f.code + "]");
            }
        }

        std::vector<nlohmann::json> responses;
        for (const auto& bid : tender.bids) {
            nlohmann::json request = {{"tender", tender.tender}, {"bid", bid.plugin_bid}};
            try {
                responses.push_back(nlohmann::json::parse(engine->evaluate(request.dump())));
            } catch (const firstset::Error& e) {
                auto f = read_error(e.document());
                return fail(refused, "投标 " + bid.id + " 无法评审（" + f.where + "）：" + f.zh + " [" + f.code + "]",
                            "bid " + bid.id + " cannot be evaluated (" + f.where + "): " + f.en + " [" + f.code + "]");
            }
        }

        std::vector<host::BidResult> results;
        try {
            results = host::score_bids(tender, responses);
        } catch (const host::InputError& e) {
            std::string at = e.file + (e.line ? ":" + std::to_string(e.line) : "");
            return fail(input, at + "：" + e.zh, at + ": " + e.what());
        }
        if (json) std::cout << host::report_json(tender, results).dump(2) << "\n";
        else host::print_report(std::cout, tender, results, language);
        return ok;
    } catch (const std::exception& e) {
        return fail(unexpected, std::string("意外错误：") + e.what(), std::string("unexpected error: ") + e.what());
    }
}
