// Recognition lists into registries (docs/contract.md sections 9 and 10, issue 10): reading CSV,
// .xlsx and .docx tables, finding the header by its text, the ids, the models, and every kind of
// bad list named by its row.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "list_import.hpp"
#include "list_table.hpp"
#include "office_files.hpp"
#include "registry/registry.hpp"
#include "registry_diff.hpp"
#include "error_support.hpp"
#include "support.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using namespace firstset::lists;

namespace {

// Shaped like Chongqing's batches: a title row, a header, a category heading, a company name
// Word or Excel broke across two lines, and a model only inside one product name.
const test::Rows chongqing = {
    {"附件：2024年第一批重庆市首台（套）重大技术装备产品名单", "", "", ""},
    {"序号", "企业名称", "产品名称", "所属区县"},
    {"一、高端装备", "", "", ""},
    {"1", "重庆示例机床有限公司", "数控滚齿铣棱复合机床—YH3120-CD", "九龙坡区"},
    {"2", "重庆样例航空科技有限公司", "驼峰重载无人机", "两江新区"},
    {"二、医疗装备", "", "", ""},
    {"3", "重庆演示医疗\n科技有限公司", "超声切割止血刀系统K500", "北碚区"},
    {"注：排名不分先后。", "", "", ""},
};

std::string csv_of(const test::Rows& rows) {
    std::string out;
    for (const auto& r : rows) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            if (c) out += ',';
            const bool quote = r[c].find_first_of(",\"\n") != std::string::npos;
            std::string v = r[c];
            for (std::size_t p = 0; (p = v.find('"', p)) != std::string::npos; p += 2) v.insert(p, "\"");
            out += quote ? "\"" + v + "\"" : v;
        }
        out += "\r\n";
    }
    return out;
}

ImportOptions cq_options() {
    ImportOptions o;
    o.issuer = "CN-CQ";
    o.document = "渝经信发〔2024〕25号";
    o.recognized = "2024-05-12";
    o.batch = "第一批";
    return o;
}

ImportResult import_bytes(const std::string& bytes, Format f, const ImportOptions& o = cq_options()) {
    return import_tables(read_tables(bytes, f, "list." + std::string(format_name(f))), o, "list." + std::string(format_name(f)));
}

nlohmann::json certificates(const ImportResult& r) { return nlohmann::json::parse(r.json)["certificates"]; }

using test::error_of;

// Inline strings, 序号 as text, and a first sheet that holds no list.
test::XlsxOptions inline_strings_after_a_note() {
    test::XlsxOptions o;
    o.shared_strings = false;
    o.numbers_as_numbers = false;
    o.leading_empty_sheet = true;
    return o;
}

test::XlsxOptions merged(const std::string& range) {
    test::XlsxOptions o;
    o.merges.push_back(range);
    return o;
}

bool has_warning(const ImportResult& r, const std::string& code, std::uint32_t row) {
    for (const auto& w : r.warnings)
        if (w.code == code && w.row == row) return true;
    return false;
}

}  // namespace

TEST_CASE("Contract 10: a Chongqing-shaped CSV list becomes registry entries", "[lists]") {
    const ImportResult r = import_bytes(csv_of(chongqing), Format::csv);
    CHECK(r.entries == 3);
    CHECK(r.header_row == 2);
    const auto c = certificates(r);
    REQUIRE(c.size() == 3);
    // Ids from the document, the batch and the list's own 序号.
    CHECK(c[0]["id"] == default_id_prefix("渝经信发〔2024〕25号", "第一批") + "-001");
    CHECK(c[0]["id"].get<std::string>().rfind("2024-25-", 0) == 0);
    CHECK(c[0]["list"] == nlohmann::json{{"document", "渝经信发〔2024〕25号"}, {"batch", "第一批"}, {"row", 1}});
    // Rule C6': models out of names (after a dash, at the end) and none where the name has none.
    CHECK(c[0]["model"] == "YH3120-CD");
    CHECK(c[1].count("model") == 0);
    CHECK(c[2]["model"] == "K500");
    // A company name broken across lines is one name; no USCC (Rule C5').
    CHECK(c[2]["holder"] == nlohmann::json{{"name", "重庆演示医疗科技有限公司"}});
    CHECK(c[2]["recognized_on"] == "2024-05-12");
    CHECK(c[2]["issuer"] == "CN-CQ");
    CHECK(c[2].count("kind") == 0);  // equipment, the default
}

TEST_CASE("Contract 9: the same list as CSV (UTF-8, GB18030, UTF-16), .xlsx and .docx gives the same entries", "[lists]") {
    const std::string csv = csv_of(chongqing);
    const auto reference = certificates(import_bytes(csv, Format::csv));
    // GB18030, as Chinese Excel saves CSV.
    std::string gb;
    {
        test::TempDir dir;
        test::write_file(dir / "u.csv", csv);
        REQUIRE(std::system(("iconv -f UTF-8 -t GB18030 " + (dir / "u.csv").string() + " > " + (dir / "g.csv").string()).c_str()) == 0);
        gb = test::read_file(dir / "g.csv");
        REQUIRE(gb != csv);
        // UTF-16 with a byte order mark and tabs: Excel's "Unicode text".
        std::string tsv = csv;
        for (auto& ch : tsv) if (ch == ',') ch = '\t';
        test::write_file(dir / "u.tsv", tsv);
        REQUIRE(std::system(("iconv -f UTF-8 -t UTF-16 " + (dir / "u.tsv").string() + " > " + (dir / "w.txt").string()).c_str()) == 0);
        CHECK(certificates(import_bytes(test::read_file(dir / "w.txt"), Format::csv)) == reference);
    }
    CHECK(certificates(import_bytes(gb, Format::csv)) == reference);
    CHECK(certificates(import_bytes(test::make_xlsx(chongqing), Format::xlsx)) == reference);
    CHECK(certificates(import_bytes(test::make_xlsx(chongqing, inline_strings_after_a_note()), Format::xlsx)) == reference);
    CHECK(certificates(import_bytes(test::make_docx(chongqing), Format::docx)) == reference);
}

TEST_CASE("Contract 9: ids stay the same when a list is re-imported with entries added", "[lists]") {
    auto longer = chongqing;
    longer.insert(longer.end() - 1, {"4", "重庆新增装备有限公司", "智能巡检机器人(轨道式)", "渝北区"});
    const auto before = certificates(import_bytes(csv_of(chongqing), Format::csv));
    const auto after = certificates(import_bytes(csv_of(longer), Format::csv));
    REQUIRE(after.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) CHECK(after[i]["id"] == before[i]["id"]);
    // A different batch or document gives different ids.
    auto o = cq_options();
    o.batch = "第二批";
    CHECK(certificates(import_bytes(csv_of(chongqing), Format::csv, o))[0]["id"] != before[0]["id"]);
    o.id_prefix = "YJXF-2024-25";
    CHECK(certificates(import_bytes(csv_of(chongqing), Format::csv, o))[0]["id"] == "YJXF-2024-25-001");
}

TEST_CASE("Contract 10: a Jiangsu-shaped workbook: models in names, a model column, certificate numbers and USCCs", "[lists]") {
    // 苏工信装备〔2023〕392号 writes models inside names, leading or in brackets.
    const test::Rows jiangsu = {
        {"2023年度江苏省首台（套）重大装备认定名单"},
        {"序号", "申报单位", "统一社会信用代码", "产品名称", "规格型号", "证书编号"},
        {"1", "江苏示例聚变装备有限公司", "91320000MA1XJT001E", "热核聚变用杜瓦膨胀节成套系统(CGTR-01)", "", "JS-2023-001"},
        {"2", "江苏样例重工科技有限公司", "", "GRT200-TM20泥水平衡盾构机", "", "JS-2023-002"},
        {"3", "江苏演示船舶有限公司", "", "节能型全电力推进车客渡船", "VZJ63-X", "苏首台证字第3号"},
    };
    ImportOptions o;
    o.issuer = "CN-JS";
    o.document = "苏工信装备〔2023〕392号";
    o.recognized = "2023-09-13";
    const ImportResult r = import_bytes(test::make_xlsx(jiangsu), Format::xlsx, o);
    const auto c = certificates(r);
    REQUIRE(c.size() == 3);
    CHECK(c[0]["id"] == "JS-2023-001");  // the certificate number is the id
    CHECK(c[0]["model"] == "CGTR-01");
    CHECK(c[0]["holder"]["uscc"] == "91320000MA1XJT001E");
    CHECK(c[1]["model"] == "GRT200-TM20");
    CHECK(c[2]["model"] == "VZJ63-X");  // the model column wins
    // A certificate number that cannot be an id: a made one, and a warning naming the row.
    CHECK(c[2]["id"] == default_id_prefix(o.document, "") + "-003");
    CHECK(c[2]["list"]["certificate"] == "苏首台证字第3号");  // kept, as printed
    CHECK(c[0]["list"].count("certificate") == 0);               // it is the id
    CHECK(has_warning(r, "LIST_CERTIFICATE_NUMBER", 5));
}

TEST_CASE("Contract 10: one company merged over several products (xlsx merged cells, docx vMerge)", "[lists]") {
    const test::Rows rows = {
        {"序号", "研制单位", "装备名称"},
        {"1", "重庆示例电气有限公司", "智能化综采工作面成套装备"},
        {"2", "^", "矿用隔爆型永磁同步电动机(YBT-450型)"},
        {"3", "重庆样例科技有限公司", "驼峰重载无人机"},
    };
    auto xlsx_rows = rows;
    xlsx_rows[2][1] = "";
    const auto x = certificates(import_bytes(test::make_xlsx(xlsx_rows, merged("B2:B3")), Format::xlsx));
    const auto d = certificates(import_bytes(test::make_docx(rows), Format::docx));
    REQUIRE(x.size() == 3);
    CHECK(x[1]["holder"]["name"] == "重庆示例电气有限公司");
    CHECK(x[1]["model"] == "YBT-450");
    CHECK(d == x);
}

TEST_CASE("Contract 10: bad lists are refused naming the row, and nothing is returned", "[lists][bad-input]") {
    SECTION("no recognisable header") {
        const auto e = error_of([] { import_bytes("甲,乙,丙\n1,2,3\n", Format::csv); });
        CHECK(e.code() == "LIST_NO_HEADER");
        CHECK(std::string(e.message_en()).find("企业名称") != std::string::npos);
    }
    SECTION("an empty company name, and an empty product, each named") {
        const std::string csv = "序号,企业名称,产品名称\n1,重庆示例机床有限公司,数控滚齿机(YK3120)\n2,,驼峰重载无人机\n3,重庆样例有限公司,\n";
        try {
            import_bytes(csv, Format::csv);
            FAIL("imported");
        } catch (const ImportFailed& e) {
            REQUIRE(e.errors().size() == 2);
            CHECK(e.errors()[0].code == "LIST_EMPTY_COMPANY");
            CHECK(e.errors()[0].row == 3);
            CHECK(e.errors()[1].code == "LIST_EMPTY_PRODUCT");
            CHECK(e.errors()[1].row == 4);
            CHECK(e.where().file == "list.csv");
            CHECK(e.where().line == 3);
        }
    }
    SECTION("a USCC that is not one is an error; a wrong check character is a warning (Rule C.5)") {
        const std::string bad = "企业名称,统一社会信用代码,产品名称\n重庆示例机床有限公司,91500000ABC,数控滚齿机\n";
        try {
            import_bytes(bad, Format::csv);
            FAIL("imported");
        } catch (const ImportFailed& e) {
            CHECK(e.errors().at(0).code == "LIST_BAD_USCC");
            CHECK(e.errors().at(0).row == 2);
        }
        // 915000000000000018 with its last character changed.
        const std::string checksum = "企业名称,统一社会信用代码,产品名称\n重庆示例机床有限公司,915000000000000011,数控滚齿机\n";
        const ImportResult r = import_bytes(checksum, Format::csv);
        CHECK(has_warning(r, "USCC_CHECKSUM", 2));
    }
    SECTION("duplicate rows: the repeat is left out with a warning naming both rows") {
        const std::string csv = "序号,企业名称,产品名称\n1,重庆示例机床有限公司,数控滚齿机(YK3120)\n2,重庆示例机床有限公司,数控滚齿机（ＹＫ３１２０）\n";
        const ImportResult r = import_bytes(csv, Format::csv);
        CHECK(r.entries == 1);
        REQUIRE(has_warning(r, "LIST_DUPLICATE_ROW", 3));
        CHECK(r.warnings.back().message_en.find("row 2") != std::string::npos);
    }
    SECTION("序号 that repeat (numbering restarted per category): positions, with a warning") {
        const std::string csv = "序号,企业名称,产品名称\n一、装备,,\n1,重庆甲有限公司,产品甲\n二、材料,,\n1,重庆乙有限公司,产品乙\n";
        const ImportResult r = import_bytes(csv, Format::csv);
        CHECK(has_warning(r, "LIST_ROW_NUMBERS", 5));
        const auto c = certificates(r);
        CHECK(c[0]["list"]["row"] == 1);
        CHECK(c[1]["list"]["row"] == 2);
    }
    SECTION("two rows with one certificate number") {
        const std::string csv = "企业名称,产品名称,证书编号\n重庆甲有限公司,产品甲,CQ-1\n重庆乙有限公司,产品乙,CQ-1\n";
        try {
            import_bytes(csv, Format::csv);
            FAIL("imported");
        } catch (const ImportFailed& e) {
            CHECK(e.errors().at(0).code == "LIST_DUPLICATE_ID");
            CHECK(e.errors().at(0).row == 3);
        }
    }
    SECTION("text that is neither UTF-8 nor GB18030, named by its line") {
        const auto e = error_of([] { import_bytes("企业名称,产品名称\n甲,乙\n\x81" " bad\n", Format::csv); });
        CHECK(e.code() == "LIST_ENCODING");
        CHECK(e.where().line == 3);
    }
    SECTION("a file that is not the format its name says") {
        CHECK(error_of([] { read_tables("序号,企业名称,产品名称\n", Format::xlsx, "list.xlsx"); }).code() == "LIST_FORMAT");
        const auto as_csv = error_of([] { read_tables(test::make_xlsx(chongqing), Format::csv, "list.csv"); });
        CHECK(as_csv.code() == "LIST_FORMAT");
        CHECK(std::string(as_csv.message_en()).find("zip") != std::string::npos);
        CHECK(error_of([] { read_tables(test::make_xlsx(chongqing), Format::docx, "list.docx"); }).code() == "LIST_FORMAT");
        CHECK(error_of([] { read_tables(test::make_docx(chongqing), Format::xlsx, "list.xlsx"); }).code() == "LIST_FORMAT");
        CHECK(error_of([] { read_tables(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "old", Format::xlsx, "list.xlsx"); }).code() == "LIST_FORMAT");
        CHECK(error_of([] { format_of("名单.xls"); }).code() == "LIST_FORMAT");
        CHECK(error_of([] { format_of("名单.pdf"); }).code() == "LIST_FORMAT");
    }
    SECTION("a workbook part that is not XML, or declares a DTD") {
        const std::string broken = test::zip_parts({{"xl/workbook.xml", "<workbook><sheets><sheet name='a' r:id='rId1'/></sheets>"}});
        CHECK(error_of([&] { read_tables(broken, Format::xlsx, "list.xlsx"); }).code() == "LIST_FORMAT");
        const std::string dtd = test::zip_parts({{"word/document.xml", "<!DOCTYPE d [<!ENTITY a 'aaaa'>]><d>&a;</d>"}});
        CHECK(error_of([&] { read_tables(dtd, Format::docx, "list.docx"); }).code() == "LIST_FORMAT");
    }
    SECTION("bad options") {
        auto o = cq_options();
        o.issuer = "Chongqing";
        CHECK(error_of([&] { import_bytes(csv_of(chongqing), Format::csv, o); }).code() == "LIST_OPTION");
        o = cq_options();
        o.recognized = "2024-02-30";
        CHECK(error_of([&] { import_bytes(csv_of(chongqing), Format::csv, o); }).code() == "LIST_OPTION");
    }
}

TEST_CASE("Contract 10: an imported list loads as a registry and keeps its provenance", "[lists]") {
    auto o = cq_options();
    o.kind = "software";
    o.published = "2024-05-12T09:00:00+08:00";
    const ImportResult r = import_bytes(csv_of(chongqing), Format::csv, o);
    const SourceDocument doc = SourceDocument::parse(r.json, "imported.json", SourceDocument::Format::json);
    const Registry registry = Registry::from_document(doc);
    CHECK(registry.size() == 3);
    const Certificate* c = registry.find(default_id_prefix(o.document, o.batch) + "-003");
    REQUIRE(c != nullptr);
    CHECK(c->kind == EntryKind::software);
    CHECK(c->model == "K500");
    CHECK(c->holder_uscc.empty());
    CHECK(c->list_document == "渝经信发〔2024〕25号");
    CHECK(c->list_row == 3);
    CHECK(registry.published_text() == o.published);
}

TEST_CASE("Contract 10: diff lists added, removed, changed and revoked entries", "[lists][diff]") {
    test::TempDir dir;
    const std::string head = R"j({"registry":{"id":"R","version":"1"},"certificates":[)j";
    const std::string a = R"j({"id":"A","issuer":"CN-CQ","product":"数控滚齿机(YK3120)","holder":{"name":"甲"},"recognized_on":"2024-05-12"})j";
    const std::string b = R"j({"id":"B","issuer":"CN-CQ","product":"驼峰重载无人机","holder":{"name":"乙"},"recognized_on":"2024-05-12"})j";
    const std::string b2 = R"j({"id":"B","issuer":"CN-CQ","product":"驼峰重载无人机","holder":{"name":"乙有限公司","uscc":"91500000MA5U000010"},"recognized_on":"2024-05-12"})j";
    const std::string c = R"j({"id":"C","issuer":"CN-CQ","product":"产品丙","holder":{"name":"丙"},"recognized_on":"2024-05-12"})j";
    const std::string a_revoked = R"j({"id":"A","issuer":"CN-CQ","product":"数控滚齿机(YK3120)","holder":{"name":"甲"},"recognized_on":"2024-05-12","status":"revoked"})j";
    const std::string d = R"j({"id":"D","issuer":"CN-CQ","product":"产品丁","holder":{"name":"丁"},"recognized_on":"2024-05-12"})j";
    test::write_file(dir / "old.json", head + a + "," + b + "," + d + "]}");
    test::write_file(dir / "new.json", head + a_revoked + "," + b2 + "," + c + "]}");
    const RegistryDiff diff = diff_registries((dir / "old.json").string(), (dir / "new.json").string());
    REQUIRE(diff.added.size() == 1);
    CHECK(diff.added[0].id == "C");
    REQUIRE(diff.removed.size() == 1);
    CHECK(diff.removed[0].id == "D");
    REQUIRE(diff.revoked.size() == 1);
    CHECK(diff.revoked[0].id == "A");
    CHECK(diff.revoked[0].old_status == "valid");
    CHECK(diff.revoked[0].status == "revoked");
    REQUIRE(diff.changed.size() == 1);
    CHECK(diff.changed[0].id == "B");
    REQUIRE(diff.changed[0].changes.size() == 2);
    CHECK(diff.changed[0].changes[0].field == "holder.name");
    CHECK(diff.changed[0].changes[0].new_json == "\"乙有限公司\"");
    CHECK(diff.changed[0].changes[1].field == "holder.uscc");
    CHECK(diff.changed[0].changes[1].old_json == "null");
    const auto j = nlohmann::json::parse(diff_json(diff));
    CHECK(j["identical"] == false);
    CHECK(j["revoked"][0]["entry"]["status"] == "revoked");
    CHECK(j["added"][0]["product"] == "产品丙");
    // A default written out is no change; the registry's own fields are compared too.
    test::write_file(dir / "explicit.json", head + a.substr(0, a.size() - 1) + R"j(,"status":"valid","kind":"equipment"})j" + "," + b + "," + d + "]}");
    CHECK(diff_registries((dir / "old.json").string(), (dir / "explicit.json").string()).empty());
    test::write_file(dir / "version2.json", R"j({"registry":{"id":"R","version":"2"},"certificates":[)j" + a + "," + b + "," + d + "]}");
    const RegistryDiff header = diff_registries((dir / "old.json").string(), (dir / "version2.json").string());
    REQUIRE(header.header.size() == 1);
    CHECK(header.header[0].field == "version");
    CHECK_FALSE(header.empty());
    // The same registry: nothing.
    CHECK(diff_registries((dir / "old.json").string(), (dir / "old.json").string()).empty());
    // A registry the plugin would refuse is refused here too.
    test::write_file(dir / "bad.json", head + R"j({"id":"A","issuer":"Chongqing","product":"x","holder":{"name":"y"},"recognized_on":"2024-05-12"}]})j");
    CHECK_THROWS_AS(diff_registries((dir / "old.json").string(), (dir / "bad.json").string()), StatusError);
}

TEST_CASE("Contract 10: columns that merely share a word with the list's own never stand in for them", "[lists]") {
    // Seen in held-out lists: a user, a region, a recommending body, a category or a description
    // before the real column.
    const std::string csv =
        "序号,用户单位,企业所在地,推荐单位,产品类别,产品简介,企业名称,产品名称\n"
        "1,某示例用户有限公司（样例）,郑州市,某示例市工信局,电力装备,用于隧道掘进,河南示例重工有限公司（样例）,GRT200-TM20泥水平衡盾构机\n";
    const auto c = certificates(import_bytes(csv, Format::csv));
    REQUIRE(c.size() == 1);
    CHECK(c[0]["holder"]["name"] == "河南示例重工有限公司（样例）");
    CHECK(c[0]["product"] == "GRT200-TM20泥水平衡盾构机");
    // An exact column name wins over one that contains a key word, wherever it stands.
    const auto d = certificates(import_bytes("申报单位联系人,申报单位,产品名称\n张三,河南示例重工有限公司（样例）,盾构机\n", Format::csv));
    CHECK(d[0]["holder"]["name"] == "河南示例重工有限公司（样例）");
}

TEST_CASE("Contract 10: placeholders, totals, joint applicants and 型 in the model column", "[lists]") {
    const std::string csv =
        "序号,企业名称,产品名称,规格型号\n"
        "1,浙江示例泵业有限公司（样例）,智能型高压乳化液泵站（BRW630/31.5）,—\n"
        "2,浙江示例机器人有限公司（样例）,重载六轴工业机器人,/\n"
        "3,浙江示例电机有限公司（样例）,永磁同步电动机,GMX-500型\n"
        "4,\"北京示例甲有限公司（样例）\n北京示例乙研究院（样例）\",高温合金涡轮盘,无\n"
        "合计,,共 4 项,\n";
    const ImportResult r = import_bytes(csv, Format::csv);
    const auto c = certificates(r);
    REQUIRE(c.size() == 4);
    CHECK(c[0]["model"] == "BRW630/31.5");  // a placeholder model: the one in the name
    CHECK(c[1].count("model") == 0);
    CHECK(c[2]["model"] == "GMX-500");
    CHECK(c[3]["holder"]["name"] == "北京示例甲有限公司（样例）、北京示例乙研究院（样例）");
    CHECK(has_warning(r, "LIST_JOINT_HOLDERS", 5));
}

TEST_CASE("Contract 10: a header in two rows, notes after company names, full-width values, grades and versions as models", "[lists]") {
    // Group headings merged over two columns each (Guangdong-shaped), a note after a name, a
    // full-width model, USCC and 序号.
    const test::Rows rows = {
        {"2024年广东省首台（套）重大技术装备名单"},
        {"序号", "申报单位信息", "", "产品信息", "", "所属领域"},
        {"序号", "名称", "统一社会信用代码", "名称", "型号", "所属领域"},
        {"1", "广州示例数控设备有限公司（牵头单位）", "91320000MA1XJT001E", "五轴联动立式加工中心", "ＧＭＵ－６５０", "高端装备"},
        {"２", "漳州示例重工（集团）有限公司", "９１３２００００ＭＡ１ＸＪＴ００２Ｈ", "大型沥青混合料搅拌设备", "", "工程机械"},
    };
    const ImportResult r = import_bytes(test::make_xlsx(rows, merged("A2:A3")), Format::xlsx);
    const auto c = certificates(r);
    REQUIRE(c.size() == 2);
    CHECK(r.header_row == 3);
    CHECK(c[0]["holder"] == nlohmann::json{{"name", "广州示例数控设备有限公司"}, {"uscc", "91320000MA1XJT001E"}});
    CHECK(has_warning(r, "LIST_HOLDER_NOTE", 4));
    CHECK(c[0]["model"] == "GMU-650");
    CHECK(c[0]["product"] == "五轴联动立式加工中心");
    CHECK(c[1]["holder"] == nlohmann::json{{"name", "漳州示例重工（集团）有限公司"}, {"uscc", "91320000MA1XJT002H"}});
    CHECK(c[1]["list"]["row"] == 2);
    // A material's grade and a software's version are their models.
    const auto m = certificates(import_bytes("序号,生产企业,材料名称,牌号/规格\n1,成都示例硅材料有限公司（样例）,高纯电子级多晶硅,EG-Si11N\n", Format::csv));
    CHECK(m[0]["model"] == "EG-Si11N");
    const auto v = certificates(import_bytes("申报单位,软件名称,版本号\n杭州示例云智科技有限公司（样例）,工业互联网平台软件,V3.2\n", Format::csv));
    CHECK(v[0]["model"] == "V3.2");
    // Errors name the list's own 序号 too.
    try {
        import_bytes("序号,企业名称,产品名称\n7,,驼峰重载无人机\n", Format::csv);
        FAIL("imported");
    } catch (const ImportFailed& e) {
        CHECK(e.errors().at(0).message_en == "row 2 (序号 7): the company's name is empty");
    }
}

TEST_CASE("Contract 10: what a review found: merges over empty columns, limits inside workbooks, notes on their own line, repeats before numbering", "[lists][bad-input]") {
    // A merge down an empty column (D2:D3) beside a data row that ends before it.
    const test::Rows rows = {{"序号", "企业名称", "产品名称", "备注"}, {"1", "甲示例有限公司（样例）", "产品A"}, {"2", "乙示例有限公司（样例）", "产品B"}};
    CHECK(certificates(import_bytes(test::make_xlsx(rows, merged("D2:D3")), Format::xlsx)).size() == 2);
    // A limit reached inside a workbook keeps its code and status (it is thrown across expat).
    Limits few;
    few.rows = 2;
    const auto e = error_of([&] { read_tables(test::make_xlsx(chongqing), Format::xlsx, "list.xlsx", few); });
    CHECK(e.code() == "LIST_TOO_LARGE");
    CHECK(e.status() == Status::limit);
    // Copies count: one long shared string in many cells.
    test::Rows wide = {{"企业名称", "产品名称"}};
    for (int i = 0; i < 50; ++i) wide.push_back({std::string(1000, 'x'), "产品"});
    Limits small;
    small.text_bytes = 20'000;
    CHECK(error_of([&] { read_tables(test::make_xlsx(wide), Format::xlsx, "list.xlsx", small); }).code() == "LIST_TOO_LARGE");
    Limits cell;
    cell.cell_bytes = 500;
    CHECK(error_of([&] { read_tables(test::make_docx(wide), Format::docx, "list.docx", cell); }).code() == "LIST_TOO_LARGE");
    // A note on a line of its own is a note, not a second applicant; 集团 alone ends no name.
    CHECK(clean_cell("重庆甲有限公司\n（牵头单位）") == "重庆甲有限公司（牵头单位）");
    CHECK(clean_cell("某示例重工集团\n有限公司") == "某示例重工集团有限公司");
    CHECK(clean_cell("甲示例有限公司（样例）\n乙示例研究院") == "甲示例有限公司（样例）、乙示例研究院");
    const auto noted = certificates(import_bytes("序号,企业名称,产品名称\n1,\"重庆甲示例有限公司\n（牵头单位）\",产品甲\n", Format::csv));
    CHECK(noted[0]["holder"]["name"] == "重庆甲示例有限公司");
    // A repeated row does not renumber the entries after it.
    const auto clean = certificates(import_bytes("序号,企业名称,产品名称\n1,甲,A\n2,乙,B\n3,丙,C\n", Format::csv));
    const auto repeated = certificates(import_bytes("序号,企业名称,产品名称\n1,甲,A\n2,乙,B\n2,乙,B\n3,丙,C\n", Format::csv));
    REQUIRE(repeated.size() == 3);
    CHECK(repeated[2]["id"] == clean[2]["id"]);
    // A tab-separated list whose first line is a title.
    const auto tsv = certificates(import_bytes("附件：2024年名单\n序号\t企业名称\t产品名称\n1\t甲示例有限公司（样例）\t乙产品\n", Format::csv));
    CHECK(tsv[0]["holder"]["name"] == "甲示例有限公司（样例）");
    // A title of two cells above a one-row header with 序号 and 型号: one header row, 序号 kept.
    const auto titled = import_bytes("附件,2024年名单,,\n序号,企业名称,产品名称,型号\n7,甲示例有限公司（样例）,乙产品,YK3120\n", Format::csv);
    CHECK(titled.header_row == 2);
    CHECK(certificates(titled)[0]["list"]["row"] == 7);
}

TEST_CASE("Contract 10: clean_cell keeps names as people read them", "[lists]") {
    CHECK(clean_cell("  重庆示例\n机床有限公司 ") == "重庆示例机床有限公司");
    CHECK(clean_cell("WC-FMD16\u3000绿色智能化瞬时粉末灭菌装置") == "WC-FMD16 绿色智能化瞬时粉末灭菌装置");
    CHECK(clean_cell("企\u00A0业 名 称") == "企业名称");
    CHECK(clean_cell("Heavy  Duty\tDrone") == "Heavy Duty Drone");
}
