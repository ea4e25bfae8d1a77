// The one JSON reader (util/json.hpp) and exact decimals (util/decimal.hpp): what it accepts,
// what it refuses and how it says so. Issue 8's defects that began in a reader are named here.
#include <catch2/catch.hpp>

#include <pthread.h>

#include <string>

#include "support.hpp"
#include "util/decimal.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

using namespace firstset;

namespace {

const json::Limits limits{1 << 20, 32};

json::Document parse(const std::string& text) { return json::Document::parse(text, limits, "test document"); }

StatusError refusal(const std::string& text) {
    try {
        parse(text);
    } catch (const StatusError& e) {
        return e;
    }
    FAIL("accepted: " << text);
    throw std::logic_error("unreachable");
}

StatusError yaml_refusal(const std::string& text) {
    try {
        SourceDocument::parse(text, "test.yaml", SourceDocument::Format::yaml);
    } catch (const StatusError& e) {
        return e;
    }
    FAIL("accepted: " << text);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("Issue 8 #1: [0. followed by 400 zeros and 1] is refused as a number out of range, with its place", "[json]") {
    const std::string text = "[0." + std::string(400, '0') + "1]";
    REQUIRE(text.size() == 405);
    const StatusError e = refusal(text);
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "JSON_NUMBER_RANGE");
    CHECK(e.where().line == 1);
    CHECK(e.where().column == 2);
    // The same number in YAML (a registry or pack) is refused the same way, with the file's line.
    const StatusError y = yaml_refusal("registry:\n  x: 0." + std::string(400, '0') + "1\n");
    CHECK(y.code() == "JSON_NUMBER_RANGE");
    CHECK(y.where().file == "test.yaml");
    CHECK(y.where().line == 2);
}

TEST_CASE("Issue 8 #1: 0E-99 is zero and keeps its text, numbers that overflow or underflow are refused", "[json]") {
    const auto d = parse("[0E-99, -0, 1e1, 10.0, 10, 18446744073709551615, -9223372036854775808, 1.5e-300]");
    const auto& a = d.root();
    CHECK(a[0].number() == 0.0);
    CHECK(a[0].literal() == "0E-99");
    CHECK(a[5].uint64() == 18446744073709551615ull);
    CHECK(a[6].int64() == INT64_MIN);
    for (const std::string bad : {"[1e400]", "[-1e400]", "[1e-400]", "[18446744073709551616]", "[-9223372036854775809]"}) {
        INFO(bad);
        CHECK(refusal(bad).code() == "JSON_NUMBER_RANGE");
    }
}

TEST_CASE("Issue 8 #3: an integer is a number written as one: 10.0 and 1e1 are numbers, not integers", "[json]") {
    const auto d = parse("[10, 10.0, 1e1, -3]");
    const auto& a = d.root();
    CHECK(a[0].is_integer());
    CHECK_FALSE(a[1].is_integer());
    CHECK_FALSE(a[2].is_integer());
    CHECK(a[3].is_integer());
    CHECK(a[1].number() == 10.0);
    CHECK_THROWS_AS(a[1].uint64(), json::AccessError);  // never read as 0, nor as 10
    CHECK_THROWS_AS(a[3].uint64(), json::AccessError);  // -3 is no unsigned integer
}

TEST_CASE("Issue 8 #2: a member name given twice is refused anywhere, with the JSON Pointer of the repeat", "[json]") {
    StatusError e = refusal(R"({"kind":"award","kind":"failure_report"})");
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "JSON_DUPLICATE_KEY");
    CHECK(e.where().path == "/kind");
    // Escapes do not hide a repeat; nesting does not; open objects and large ones neither.
    e = refusal(R"({"a":{"b":[1,{"c":1,"\u0063":2}]}})");
    CHECK(e.where().path == "/a/b/1/c");
    std::string big = "{";
    for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    big += "\"k17\":0}";
    e = refusal(big);
    CHECK(e.where().path == "/k17");
    CHECK_NOTHROW(parse(R"({"a":1,"A":2,"a ":3})"));
    // YAML mappings follow the same rule.
    const StatusError y = yaml_refusal("registry:\n  id: a\n  id: b\n");
    CHECK(y.code() == "YAML_DUPLICATE_KEY");
    CHECK(y.where().line == 3);
}

TEST_CASE("Issue 8 #5: a lone surrogate is refused in JSON and in YAML, a surrogate pair is one character", "[json]") {
    for (const std::string bad : {R"(["\udc00"])", R"(["\ud800"])", R"(["\ud800x"])", R"(["\udc00\ud800"])"}) {
        INFO(bad);
        const StatusError e = refusal(bad);
        CHECK(e.status() == Status::parse);
        CHECK(e.code() == "JSON_SYNTAX");
    }
    CHECK(parse(R"(["\ud800\udc00"])").root()[0].str() == "\xF0\x90\x80\x80");
    // Raw bytes of an encoded surrogate (ED B0 80) are not UTF-8 either.
    CHECK(refusal("[\"\xED\xB0\x80\"]").code() == "NOT_UTF8");
    StatusError y = yaml_refusal("registry:\n  id: \"\\udc00\"\n");  // yaml-cpp refuses the escape itself
    CHECK(y.status() == Status::parse);
    CHECK(y.where().line == 2);
    y = yaml_refusal("registry:\n  id: \"\xED\xB0\x80\"\n");  // and the reader the bytes
    CHECK(y.code() == "NOT_UTF8");
    CHECK(y.where().line == 2);
}

TEST_CASE("JSON reader: what is not one well-formed JSON text is PARSE with line and column, depth and size are LIMIT",
          "[json]") {
    for (const std::string bad : {"", "  ", "{", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "[01]", "[1.]", "[-]", "[tru]",
                                  "[nan]", "{\"a\":1}{}", "[1]]", "1 2", "[\"abc]", "[\"a\x01\"]", "[\"\\x\"]"}) {
        INFO(bad);
        const StatusError e = refusal(bad);
        CHECK(e.status() == Status::parse);
        CHECK(e.code() == "JSON_SYNTAX");
    }
    const StatusError u = refusal("{\n  \"a\": \"\xFF\"\n}");
    CHECK(u.code() == "NOT_UTF8");
    CHECK(u.where().line == 2);
    CHECK(u.where().column == 9);
    std::string deep(40, '[');
    deep += std::string(40, ']');
    CHECK(refusal(deep).code() == "INPUT_TOO_DEEP");
    CHECK(refusal(deep).status() == Status::limit);
    CHECK_THROWS_AS(json::Document::parse(std::string(100, ' ') + "1", json::Limits{64, 8}, "x"), StatusError);
    // Scalars at the top level are documents too.
    CHECK(parse("\"x\"").root().str() == "x");
    CHECK(parse(" 5 ").root().is_integer());
}

TEST_CASE("JSON reader: values keep their text and where they are, so a file's error names its line", "[json]") {
    const auto d = parse("{\n  \"a\": [1, \"x\\u00e9\"],\n  \"b\": {\"c\": 2.50}\n}");
    const json::Value& root = d.root();
    CHECK(root["a"][1].str() == "x\xC3\xA9");
    CHECK(root["b"]["c"].literal() == "2.50");
    CHECK(line_column_at(d.source(), d.offset_of("/b/c")) == std::pair<int, int>{3, 9});
    CHECK(line_column_at(d.source(), d.offset_of("/a/1")) == std::pair<int, int>{2, 12});
    // A pointer to nothing names its nearest existing parent.
    CHECK(line_column_at(d.source(), d.offset_of("/b/missing")) == std::pair<int, int>{3, 3});
    CHECK(root.to_json() == "{\"a\":[1,\"x\xC3\xA9\"],\"b\":{\"c\":2.50}}");
}

TEST_CASE("Issue 8 #2: reading a value as what it is not, or a member that is not there, is an error, never a crash",
          "[json]") {
    const auto d = parse(R"({"kind":"award","n":1})");
    const json::Value& root = d.root();
    CHECK_THROWS_AS(root["kind"].boolean(), json::AccessError);
    CHECK_THROWS_AS(root["n"].str(), json::AccessError);
    CHECK_THROWS_AS(root["tender"], json::AccessError);
    CHECK_THROWS_AS(root["n"].items(), json::AccessError);
    const auto [tender, kind] = json::members<2>(root, {"tender", "kind"});
    CHECK_FALSE(tender);
    CHECK_THROWS_AS(tender->str(), json::AccessError);
    CHECK(kind->str() == "award");
    CHECK(root.find("tender") == nullptr);
}

TEST_CASE("JSON reader: check() refuses what parse() refuses and keeps nothing", "[json]") {
    CHECK_NOTHROW(json::check(R"({"a":[1,2,{"b":"c"}]})", limits, "line"));
    CHECK_THROWS_AS(json::check(R"({"a":1,"a":2})", limits, "line"), StatusError);
    CHECK_THROWS_AS(json::check(R"(["\udc00"])", limits, "line"), StatusError);
}

TEST_CASE("YAML files: numbers become JSON numbers by the reader's rules, strings stay strings", "[json][yaml]") {
    const auto doc = SourceDocument::parse("a: +5\nb: 007\nc: 5.\nd: .5\ne: 1e1\nf: '12'\ng: 1.50\n", "t.yaml",
                                           SourceDocument::Format::yaml);
    const json::Value& r = doc.root();
    CHECK(r["a"].literal() == "5");
    CHECK(r["b"].literal() == "7");
    CHECK(r["b"].is_integer());
    CHECK(r["c"].literal() == "5.0");
    CHECK_FALSE(r["c"].is_integer());
    CHECK(r["d"].literal() == "0.5");
    CHECK_FALSE(r["e"].is_integer());
    CHECK(r["f"].str() == "12");
    CHECK(r["g"].literal() == "1.50");
    CHECK(yaml_refusal("a: 18446744073709551616\n").code() == "JSON_NUMBER_RANGE");
    CHECK(yaml_refusal("a: 1e999\n").code() == "JSON_NUMBER_RANGE");
}

TEST_CASE("YAML files: aliases cannot multiply values beyond the size of the file", "[json][yaml]") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; ++c, ++prev)
        bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
                ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    const StatusError e = yaml_refusal(bomb);
    CHECK(e.status() == Status::limit);
    CHECK(e.code() == "DOCUMENT_TOO_LARGE");
}

TEST_CASE("Issue 8 #4: exact decimals come from a number's text, never through a double", "[json][decimal]") {
    using P = ScaledDecimal::Problem;
    CHECK(scaled_decimal("10", 2).units == 1000);
    CHECK(scaled_decimal("6.5", 2).units == 650);
    CHECK(scaled_decimal("2.35", 2).units == 235);
    CHECK(scaled_decimal("6.50000", 2).units == 650);
    CHECK(scaled_decimal("1e1", 2).units == 1000);
    CHECK(scaled_decimal("235E-2", 2).units == 235);
    CHECK(scaled_decimal("0E-99", 2).units == 0);
    CHECK(scaled_decimal("-0.01", 2).units == -1);
    CHECK(scaled_decimal("1e-320", 2).problem == P::too_precise);
    CHECK(scaled_decimal("6.505", 2).problem == P::too_precise);
    CHECK(scaled_decimal("0.1", 0).problem == P::too_precise);
    CHECK(scaled_decimal("10.000000000000000001", 2).problem == P::too_precise);
    CHECK(scaled_decimal("1e17", 2).problem == P::too_large);
    CHECK(scaled_decimal("1e999999999999", 2).problem == P::too_large);
    CHECK(scaled_decimal("99999999999999999.99", 2).problem == P::too_large);
    CHECK(scaled_decimal("9999999999999999.99", 2).units == 999999999999999999);
    CHECK(scaled_decimal("1.", 2).problem == P::syntax);
}

TEST_CASE("Issue 8 #5: text handed to a host is UTF-8 whatever reaches the writer", "[json][writer]") {
    std::string out;
    append_escaped(out, std::string("ok \xFF then \xED\xB0\x80 and \xE4\xB8 end \"q\"\n"));
    CHECK(out == "ok \xEF\xBF\xBD then \xEF\xBF\xBD and \xEF\xBF\xBD end \\\"q\\\"\\n");
    CHECK_NOTHROW(parse("[\"" + out + "\"]"));
    std::string plain;
    append_escaped(plain, "中文 text");
    CHECK(plain == "中文 text");
}

TEST_CASE("YAML files: text nested hundreds of levels deep is refused on a host thread with a 128 KiB stack, never a "
          "stack overflow", "[json][yaml][hostile]") {
    struct Job {
        std::string text;
        std::string code;
        static void* run(void* p) {
            auto* job = static_cast<Job*>(p);
            try {
                SourceDocument::parse(job->text, "deep.yaml", SourceDocument::Format::yaml);
                job->code = "accepted";
            } catch (const StatusError& e) {
                job->code = e.code();
            }
            return nullptr;
        }
    };
    for (const std::string& text : {std::string(900, '[') + std::string(900, ']'), [] {
                                        std::string t;
                                        for (int i = 0; i < 900; ++i) t += "- ";
                                        return t + "x\n";
                                    }()}) {
        Job job{text, ""};
        pthread_attr_t attr;
        REQUIRE(pthread_attr_init(&attr) == 0);
        REQUIRE(pthread_attr_setstacksize(&attr, 128 * 1024) == 0);  // as a JVM or musl thread may have
        pthread_t thread;
        REQUIRE(pthread_create(&thread, &attr, &Job::run, &job) == 0);
        pthread_join(thread, nullptr);
        pthread_attr_destroy(&attr);
        CHECK((job.code == "YAML_SYNTAX" || job.code == "DOCUMENT_TOO_DEEP"));
    }
}

TEST_CASE("Issue 9 #3: the one writer: field(key, value) for every value type, member names from outside escaped",
          "[json][writer]") {
    TextBuffer out;
    JsonOut w(out);
    const json::Document doc = json::Document::parse(std::string_view(R"({"a\"b":[1.50,true,null,"x\u0001"],"n":-0,"e":1e2})"),
                                                     json::Limits{1 << 20, 64}, "doc");
    w.begin_object();
    w.field("s", std::string_view("引号\"与\\反斜杠"))
        .field("none", std::optional<std::string_view>())
        .field("some", std::optional<std::string_view>("v"))
        .field("neg", std::int64_t{INT64_MIN})
        .field("big", std::uint64_t{UINT64_MAX})
        .field("zero", 0)
        .field("flag", false)
        .field("null", nullptr)
        .field("raw", RawJson{"[1,2]"})
        .field("escaped", EscapedText{"a\\nb"});
    w.begin_array("list");
    w.value("x");
    w.value(std::uint64_t{7});
    w.end_array();
    w.field("copy", doc.root());  // a document read earlier: names escaped, numbers as written
    for (const json::Member& m : doc.root().members()) w.field(m);
    w.end_object();
    const std::string expected =
        R"({"s":"引号\"与\\反斜杠","none":null,"some":"v","neg":-9223372036854775808,"big":18446744073709551615,)"
        R"("zero":0,"flag":false,"null":null,"raw":[1,2],"escaped":"a\nb","list":["x",7],)"
        R"("copy":{"a\"b":[1.50,true,null,"x\u0001"],"n":-0,"e":1e2},"a\"b":[1.50,true,null,"x\u0001"],"n":-0,"e":1e2})";
    CHECK(out.str() == expected);
    // What it wrote reads back with the one reader (valid JSON, valid UTF-8).
    CHECK_NOTHROW(json::Document::parse(out.str(), json::Limits{1 << 20, 64}, "written"));
    // Bytes that are not UTF-8 never reach a host: U+FFFD instead.
    TextBuffer bad;
    JsonOut b(bad);
    b.value(std::string_view("a\xFF" "b"));
    CHECK(bad.str() == "\"a\xEF\xBF\xBD" "b\"");
}

TEST_CASE("JSON reader: what RapidJSON's reader alone would refuse or let through is read by JSON's rules",
          "[json]") {
    // Zero with an exponent past 308, and more than 308 digits before a negative exponent, are
    // numbers JSON allows (RapidJSON refuses them as too big); their text is kept as written.
    const auto d = parse("[0e999, -0E+400, 0.000e309, 1" + std::string(320, '0') + "e-300]");
    const json::Value& a = d.root();
    CHECK(a[0].literal() == "0e999");
    CHECK(a[0].number() == 0.0);
    CHECK(a[1].literal() == "-0E+400");
    CHECK(a[2].offset() == 17);
    CHECK(a[3].number() == 1e20);
    CHECK(a[3].offset() == 28);
    // A lone low surrogate escaped in a name (RapidJSON writes it out as ED B0 80); a name whose
    // colon is missing is reported as that first.
    StatusError e = refusal(R"({"\udc00":1})");
    CHECK(e.code() == "JSON_SYNTAX");
    CHECK(e.where().offset == 1);
    e = refusal(R"({"\udc00" 1})");
    CHECK(e.code() == "JSON_SYNTAX");
    CHECK(e.where().offset == 10);
    // A NUL byte is no end of the text.
    e = refusal(std::string("[1]\0", 4));
    CHECK(e.code() == "JSON_SYNTAX");
    CHECK(e.where().offset == 3);
    CHECK(refusal(std::string("[\"a\0\"]", 6)).where().offset == 3);
    // A repeat through an escape, and a malformed number named by its whole token.
    e = refusal("{\"a\\u00e9\":1,\"a\xC3\xA9\":2}");
    CHECK(e.code() == "JSON_DUPLICATE_KEY");
    CHECK(e.where().offset == 13);
    CHECK(refusal("[1e400x]").code() == "JSON_SYNTAX");
    CHECK(refusal("[1e400\f]").code() == "JSON_NUMBER_RANGE");
    // Values of a document that is moved keep pointing at its text, short ones too.
    json::Document moved = parse("[\"ab\",1.5]");
    json::Document doc = std::move(moved);
    CHECK(doc.root()[0].str() == "ab");
    CHECK(doc.root()[1].literal() == "1.5");
    CHECK(doc.source() == "[\"ab\",1.5]");
}

TEST_CASE("JSON reader: RapidJSON's stack is used from its first push without arithmetic on a null pointer "
          "(clang's UndefinedBehaviorSanitizer stopped every fuzz harness at the first parse)", "[json][hostile]") {
    // Each parse starts with an empty stack; its first push is a container's state, a number's
    // text or a string's text. Under the sanitizers (scripts/test's clang build) each is checked.
    CHECK(parse("[]").root().size() == 0);
    CHECK(parse("{\"a\":1}").root()["a"].literal() == "1");
    CHECK(parse("7").root().literal() == "7");
    CHECK(parse("\"x\\n\"").root().str() == "x\n");
    CHECK_NOTHROW(json::check("{\"k\":[\"v\",2]}", limits, "line"));
}
