// The archive package of one award's file (一项一档), for the project file a compliance officer
// keeps: the records as stored (so their ids and chain can be checked again), the dossier, the
// evidence digests the records name, the verification result, and a manifest with every file's
// SHA-256. A zip (libzip), written beside its destination and renamed into place.
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ledger_file.hpp"
#include "util/digest.hpp"

namespace tool {

namespace {

std::string str(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

const char* const readme =
    "首台（套）重大技术装备采购容错档案包 / First-set equipment: tolerance-of-failure case package\n"
    "\n"
    "records.jsonl     账本中与本授标有关的记录，逐行原样（授标、故障、容错处理、容错案件各环节）。\n"
    "                  The ledger's records of this award, each line exactly as stored (award, failures,\n"
    "                  tolerance decisions, every stage of its cases).\n"
    "dossier.html/.md  档案（含案件时间线）。 The dossier, with the cases' timelines.\n"
    "evidence.json     各记录所列证据材料的名称与 SHA-256。 The evidence each record names, by SHA-256.\n"
    "verification.json 打包时整本账本的校验结果与账本头。 The whole ledger's verification and head when packed.\n"
    "manifest.json     以上每个文件的 SHA-256。 The SHA-256 of every file above.\n"
    "\n"
    "核查方法 How to check: 记录编号为其行内容的摘要（账本创世记录所定算法，SHA-256 或 SM3，见 manifest.json 的 hash），\n"
    "与账本中同序号记录比对；用 firstset-ledger verify LEDGER --head SEQ:ID 核对账本头（docs/ledger-format.md）。\n"
    "A record's id is the digest of its line (the algorithm the ledger's genesis names: SHA-256 or\n"
    "SM3, manifest.json's hash); compare with the ledger's record of the same seq, and check the head with\n"
    "firstset-ledger verify LEDGER --head SEQ:ID (docs/ledger-format.md).\n";

[[noreturn]] void zip_failed(const std::string& what, zip_t* z) {
    const std::string detail = z ? zip_strerror(z) : "";
    throw std::runtime_error(what + (detail.empty() ? "" : ": " + detail));
}

}  // namespace

void write_case_package(const Dossier& d, const std::filesystem::path& out) {
    std::vector<std::pair<std::string, std::string>> files;  // name, bytes
    std::string lines;
    nlohmann::json evidence = nlohmann::json::array(), record_list = nlohmann::json::array(), cases = nlohmann::json::array();
    for (const Record* r : d.all()) {
        lines += r->line + "\n";
        record_list.push_back({{"seq", r->seq}, {"id", r->id}, {"kind", r->kind}});
        if (r->kind == "case_stage" && str(r->body, "stage") == "application") cases.push_back(r->id);
        if (r->body.contains("evidence") && r->body["evidence"].is_array())
            for (const auto& e : r->body["evidence"]) {
                nlohmann::json item = {{"record_seq", r->seq}, {"record_id", r->id}, {"kind", r->kind},
                                       {"name", str(e, "name")}, {"sha256", str(e, "sha256")}};
                if (r->kind == "case_stage") item["stage"] = str(r->body, "stage");
                evidence.push_back(std::move(item));
            }
    }
    files.emplace_back("records.jsonl", lines);
    files.emplace_back("dossier.html", dossier_html(d));
    files.emplace_back("dossier.md", dossier_markdown(d));
    files.emplace_back("evidence.json", evidence.dump(2) + "\n");
    files.emplace_back("verification.json",
                       nlohmann::json{{"ledger", d.ledger_path}, {"checked_at", d.generated_at}, {"verdict", d.verdict},
                                      {"records", record_list}}
                               .dump(2) +
                           "\n");
    files.emplace_back("README.txt", readme);
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& [name, bytes] : files)
        listed.push_back({{"name", name}, {"bytes", bytes.size()}, {"sha256", firstset::sha256_hex(bytes)}});
    files.emplace_back("manifest.json", nlohmann::json{{"format", "firstset-case-package/1"},
                                                       {"generated_at", d.generated_at},
                                                       {"ledger", d.ledger_path},
                                                       {"award", d.award.id},
                                                       {"cases", cases},
                                                       {"head", d.verdict.value("head", nlohmann::json())},
                                                       {"hash", d.verdict.value("hash", "sha256")},  // what the records' ids are
                                                       {"files", listed}}
                                                .dump(2) +
                                            "\n");

    // Only a regular file is ever replaced (never a device, a folder or a link's target), through a
    // temporary file of a unique name beside it, renamed into place.
    struct stat st {};
    if (::lstat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw std::runtime_error(out.string() + " exists and is not a regular file; it is left as it is");
    std::string tmp_name = out.string() + ".XXXXXX";
    const int tmp_fd = ::mkstemp(tmp_name.data());
    if (tmp_fd < 0) throw std::runtime_error("cannot create a temporary file beside " + out.string() + ": " + std::strerror(errno));
    ::close(tmp_fd);
    const std::filesystem::path tmp = tmp_name;
    int error = 0;
    zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, error);
        const std::string why = zip_error_strerror(&e);
        zip_error_fini(&e);
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot create " + tmp.string() + ": " + why);
    }
    for (const auto& [name, bytes] : files) {
        zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);  // `files` outlives zip_close
        if (!src) {
            zip_discard(z);
            std::remove(tmp.c_str());
            zip_failed("cannot add " + name, nullptr);
        }
        if (zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(src);
            const std::string why = zip_strerror(z);
            zip_discard(z);
            std::remove(tmp.c_str());
            throw std::runtime_error("cannot add " + name + ": " + why);
        }
    }
    if (zip_close(z) != 0) {
        const std::string why = zip_strerror(z);
        zip_discard(z);
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot write " + tmp.string() + ": " + why);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec) {
        std::filesystem::remove(tmp);
        throw std::runtime_error("cannot rename " + tmp.string() + " to " + out.string() + ": " + ec.message());
    }
}

}  // namespace tool
