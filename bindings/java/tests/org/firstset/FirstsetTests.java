package org.firstset;

import com.sun.jna.Pointer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

/**
 * The Java binding's tests: plain Java, one case per CTest test (bindings/java/CMakeLists.txt):
 * {@code java -cp firstset.jar:firstset-tests.jar:jna.jar org.firstset.FirstsetTests <case>...}.
 * Each failing check prints "FAIL <case>: <check>"; the exit status is 1 when any failed.
 * In package org.firstset to reach the binding's internals (the response checks, the ABI check).
 * Properties: firstset.source (the source tree), firstset.test.dir (for temporary files),
 * firstset.test.zh.parent (the folder holding the configuration with a Chinese name).
 * Environment: FIRSTSET_LIBRARY (the library under test), FIRSTSET_EXPECT_ABI_MINOR (optional).
 */
public final class FirstsetTests {
    private static String current = "";
    private static int failures;
    private static int checks;

    // ---- the framework, such as it is ----

    static void check(boolean ok, String what) {
        checks++;
        if (ok) {
            System.out.println("ok   " + what);
        } else {
            failures++;
            System.out.println("FAIL " + current + ": " + what);
        }
    }

    static void checkEq(Object expected, Object actual, String what) {
        boolean ok = expected == null ? actual == null : expected.equals(actual);
        check(ok, what + (ok ? "" : " (expected " + expected + ", got " + actual + ")"));
    }

    interface Call {
        Object run() throws Exception;
    }

    /** Runs call, which must throw a FirstsetException of this status and code (code null: any). */
    static FirstsetException expectError(int status, String code, String what, Call call) {
        try {
            Object r = call.run();
            check(false, what + ": expected " + FirstsetException.statusName(status) + " " + code + ", got a result: "
                    + shorten(String.valueOf(r)));
            return null;
        } catch (FirstsetException e) {
            boolean ok = e.status() == status && (code == null || code.equals(e.code()));
            check(ok, what + ": " + e.statusName() + " " + e.code() + (ok ? "" : " (expected "
                    + FirstsetException.statusName(status) + " " + code + "): " + e));
            checkErrorDocument(e, what);
            return e;
        } catch (Throwable t) {
            check(false, what + ": expected FirstsetException, got " + t);
            return null;
        }
    }

    /** The exception carries the error document's fields, and the document is well-formed. */
    static void checkErrorDocument(FirstsetException e, String what) {
        Map<String, Object> doc = e.document();
        Object err = doc.get("error");
        check(err instanceof Map, what + ": errorJson() is an error document");
        if (!(err instanceof Map)) return;
        Map<?, ?> m = (Map<?, ?>) err;
        checkEq(e.statusName(), m.get("status"), what + ": document status = statusName()");
        checkEq(e.code(), m.get("code"), what + ": document code = code()");
        checkEq(e.getMessage(), m.get("message"), what + ": document message = getMessage()");
        checkEq(e.messageZh(), m.get("message_zh"), what + ": document message_zh = messageZh()");
        checkEq(e.path(), m.get("path"), what + ": document path = path()");
        check(!e.getMessage().isEmpty() && !e.messageZh().isEmpty(), what + ": English and Chinese messages");
        check(e.code().matches("[A-Z0-9_]+"), what + ": code in capitals");
    }

    static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @SuppressWarnings("unchecked")
    static Object at(Object doc, String pointer) {
        Object v = doc;
        if (pointer.isEmpty()) return v;
        for (String part : pointer.substring(1).split("/", -1)) {
            if (v instanceof Map) v = ((Map<String, Object>) v).get(part);
            else if (v instanceof List) v = ((List<Object>) v).get(Integer.parseInt(part));
            else return null;
        }
        return v;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        Json.quote(s, b);
        return b.toString();
    }

    // ---- fixtures ----

    static Path source(String relative) {
        String root = System.getProperty("firstset.source", System.getenv("FIRSTSET_SOURCE_DIR"));
        if (root == null) throw new IllegalStateException("-Dfirstset.source=<the source tree> is not given");
        return Path.of(root).resolve(relative);
    }

    static String read(String relative) throws IOException {
        return Files.readString(source(relative));  // always UTF-8
    }

    static String sampleRequest() throws IOException {
        return read("examples/requests/evaluate-CQJT-2026-014.json");
    }

    static Path tempDir(String name) throws IOException {
        Path base = Path.of(System.getProperty("firstset.test.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, name + "-");
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // left for the next run
        }
    }

    static Engine sampleEngine() {
        return Engine.open(source("examples/config.yaml"));
    }

    /** A configuration with a ledger in dir (absolute paths to the sample packs and registry). */
    static Path ledgerConfig(Path dir, String extra) throws IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "policies:\n"
                + "  - " + source("criteria/policies/cn-cq-2024-9.yaml") + "\n"
                + "  - " + source("criteria/policies/cn-2023-127.yaml") + "\n"
                + "registry:\n  file: " + source("examples/registry.yaml") + "\n"
                + "ledger:\n  path: " + dir.resolve("ledger.jsonl") + "\n" + extra);
        return config;
    }

    static int expectedMinor() {
        String s = System.getenv("FIRSTSET_EXPECT_ABI_MINOR");
        return s == null || s.isEmpty() ? -1 : Integer.parseInt(s.trim());
    }

    // ---- the cases ----

    static void evaluate_sample() throws Exception {
        try (Engine engine = sampleEngine()) {
            String response = engine.evaluate(sampleRequest());
            Object doc = Json.parse(response);
            checkEq("CQJT-2026-014", at(doc, "/tender"), "response names the tender");
            checkEq("B1", at(doc, "/bid"), "response names bid B1");
            check(at(doc, "/certificates") instanceof List && !((List<?>) at(doc, "/certificates")).isEmpty(),
                    "certificates present");
            checkEq("CQ-STT-2024-0017", at(doc, "/certificates/0/id"), "first certificate CQ-STT-2024-0017");
            checkEq(Boolean.TRUE, at(doc, "/certificates/0/accepted"), "CQ-STT-2024-0017 accepted");
            check(at(doc, "/criteria") instanceof List && ((List<?>) at(doc, "/criteria")).size() == 7,
                    "7 criteria present");
            checkEq("deemed_met", at(doc, "/criteria/3/outcome"), "C4 (track record) deemed met");
            checkEq(10L, at(doc, "/criteria/3/points"), "C4 gets 10 points");
            check(response.contains("评审因素“投标报价”"), "Chinese text of the response decoded as UTF-8");
            // the byte[] overload gives the same answer
            checkEq(response, engine.evaluate(sampleRequest().getBytes(StandardCharsets.UTF_8)),
                    "evaluate(byte[]) = evaluate(String)");
        }
    }

    static void incentive_sample() throws Exception {
        if (Native.abiMinor() < 6) {
            System.out.println("ABI 1." + Native.abiMinor() + ": no firstset_incentive; skipped");
            return;
        }
        try (Engine engine = sampleEngine()) {
            Object reward = Json.parse(engine.incentive("{\"clause\": \"first_purchase_reward\", \"certificate\": \"CQ-STT-2024-0017\","
                    + " \"amount_paid\": \"2200000.00\", \"paid_on\": \"2026-04-20\"}"));
            checkEq(Boolean.TRUE, at(reward, "/eligible"), "eligible within the validity");
            checkEq("660000.00", at(reward, "/max_reward"), "30 % of 2,200,000.00");
            checkEq("REWARD_CEILING", at(reward, "/reasons/0/code"), "reason REWARD_CEILING");
            checkEq("渝经信规范〔2024〕9号（一）", at(reward, "/reasons/0/clause"), "clause （一）");
            Object subsidy = Json.parse(engine.incentive("{\"clause\": \"premium_subsidy\", \"certificate\": \"CQ-STT-2024-0017\", \"years\": ["
                    + "{\"year\": 2025, \"premium\": \"20000.00\", \"insured_amount\": \"1000000.00\", \"claim\": false},"
                    + "{\"year\": 2026, \"premium\": \"20000.00\", \"insured_amount\": \"1000000.00\", \"claim\": false}]}"));
            checkEq("80", at(subsidy, "/years/0/rate_percent"), "first year 80 %");
            checkEq("70", at(subsidy, "/years/1/rate_percent"), "no claim: 70 %");
            checkEq("30000.00", at(subsidy, "/total"), "total");
            expectError(FirstsetException.SCHEMA, "MONEY_NEGATIVE", "a negative amount", () -> engine.incentive(
                    "{\"clause\": \"first_purchase_reward\", \"certificate\": \"X\", \"amount_paid\": \"-1.00\", \"paid_on\": \"2026-04-20\"}"));
        }
    }

    static void lint_sample() throws Exception {
        try (Engine engine = sampleEngine()) {
            Object doc = Json.parse(engine.lint(read("examples/requests/lint-CQJT-2026-014.json")));
            checkEq("CQJT-2026-014", at(doc, "/tender"), "lint names the tender");
            check(at(doc, "/findings") instanceof List, "findings present");
            checkEq(Boolean.FALSE, at(doc, "/passed"), "the sample scores market share: not passed");
            checkEq("SCORE_BY_MARKET_SHARE", at(doc, "/findings/0/code"), "finding SCORE_BY_MARKET_SHARE");
            checkEq("市场占有率", at(doc, "/findings/0/matched"), "matched words in Chinese");
        }
    }

    static void record_and_verify() throws Exception {
        Path dir = tempDir("record");
        Path ledger = dir.resolve("ledger.jsonl");
        try (Engine engine = Engine.open(ledgerConfig(dir, ""))) {
            Object award = Json.parse(engine.record(read("examples/requests/record-award-CQJT-2026-014.json")));
            String awardId = (String) at(award, "/record/id");
            checkEq("award", at(award, "/record/kind"), "award recorded");
            check(awardId != null && awardId.matches("[0-9a-f]{64}"), "award id is a digest");
            check(at(award, "/assessment/conditions_met") instanceof Boolean, "award assessed");
            Object failure = Json.parse(engine.record("{\"kind\": \"failure_report\", \"award\": " + quote(awardId)
                    + ", \"date\": \"2026-09-30\", \"description\": \"主轴停机\", \"severity\": \"minor\"}"));
            checkEq("failure_report", at(failure, "/record/kind"), "failure report recorded");
            Object decision = Json.parse(engine.record("{\"kind\": \"tolerance_decision\", \"award\": " + quote(awardId)
                    + ", \"failure\": " + quote((String) at(failure, "/record/id")) + ", \"exclusions\": {},"
                    + " \"decided_by\": {\"role\": \"主管部门\", \"id\": \"X-1\"}, \"final\": null}"));
            checkEq("tolerance_decision", at(decision, "/record/kind"), "tolerance decision recorded");
            check(at(decision, "/proposed") instanceof String, "decision proposed: " + at(decision, "/proposed"));
            Object seq = at(decision, "/record/seq");
            String head = "{\"seq\": " + seq + ", \"id\": " + quote((String) at(decision, "/record/id")) + "}";
            Object verdict = Json.parse(Engine.verify("{\"ledger\": " + quote(ledger.toString()) + "}"));
            checkEq(Boolean.TRUE, at(verdict, "/ok"), "verify: ok");
            checkEq(seq, at(verdict, "/records"), "verify: every record counted");
            verdict = Json.parse(Engine.verify(("{\"ledger\": " + quote(ledger.toString()) + ", \"expected_head\": " + head + "}")
                    .getBytes(StandardCharsets.UTF_8)));
            checkEq(Boolean.TRUE, at(verdict, "/ok"), "verify(byte[]) with expected_head: ok");
            Object status = Json.parse(engine.status());
            checkEq(seq, at(status, "/ledger/records"), "status: the ledger's records");
        }
        deleteTree(dir);
    }

    static void status_document() throws Exception {
        try (Engine engine = sampleEngine()) {
            Object doc = Json.parse(engine.status());
            checkEq("sample-cq", at(doc, "/registry/id"), "status: registry id");
            check(at(doc, "/registry/certificates") instanceof Long, "status: registry certificate count");
            check(((Map<?, ?>) doc).containsKey("ledger") && at(doc, "/ledger") == null, "status: no ledger configured");
        }
    }

    static void status_argument_after_close() throws Exception {
        Engine engine = sampleEngine();
        engine.close();
        String request = sampleRequest();
        expectError(FirstsetException.ARGUMENT, "ENGINE_CLOSED", "evaluate after close", () -> engine.evaluate(request));
        try (Engine open = sampleEngine()) {
            FirstsetException e = expectError(FirstsetException.ARGUMENT, "ARGUMENT_NULL", "evaluate(null)",
                    () -> open.evaluate((String) null));
            check(e != null && e.status() == 1, "status() == 1");
        }
        expectError(FirstsetException.ARGUMENT, "ARGUMENT_NULL", "Engine.open(null Path)", () -> Engine.open((Path) null));
        expectError(FirstsetException.ARGUMENT, "PATH_INVALID", "a path with a NUL", () -> Engine.open("/tmp/a\0b.yaml"));
    }

    static void status_parse() throws Exception {
        try (Engine engine = sampleEngine()) {
            FirstsetException e = expectError(FirstsetException.PARSE, "JSON_SYNTAX", "evaluate \"{\"", () -> engine.evaluate("{"));
            check(e != null && e.document().toString().contains("line=1"), "the document gives the line");
            expectError(FirstsetException.PARSE, "JSON_SYNTAX", "lint \"{\"", () -> engine.lint("{"));
            expectError(FirstsetException.PARSE, null, "evaluate of a lone surrogate", () -> engine.evaluate("{\"a\": \"\ud800\"}"));
        }
        Path dir = tempDir("parse");
        Files.writeString(dir.resolve("c.yaml"), "policy: [unclosed\n");
        FirstsetException e = expectError(FirstsetException.PARSE, "YAML_SYNTAX", "open of malformed YAML",
                () -> Engine.open(dir.resolve("c.yaml")));
        if (e != null) {
            checkEq(dir.resolve("c.yaml").toString(), e.file(), "file() names the configuration");
            checkEq(2, e.line(), "line() = 2");
        }
        deleteTree(dir);
    }

    static void status_schema() throws Exception {
        try (Engine engine = sampleEngine()) {
            FirstsetException e = expectError(FirstsetException.SCHEMA, null, "evaluate {\"tender\":1}",
                    () -> engine.evaluate("{\"tender\":1}"));
            check(e != null && e.path() != null && e.path().startsWith("/"), "path() is a JSON Pointer: " + (e == null ? null : e.path()));
            String request = sampleRequest().replaceFirst("\"id\": \"CQJT-2026-014\",", "\"id\": \"CQJT-2026-014\", \"备注\": 1,");
            e = expectError(FirstsetException.SCHEMA, "SCHEMA_UNKNOWN_MEMBER", "a member the schema does not know",
                    () -> engine.evaluate(request));
            if (e != null) checkEq("/tender/备注", e.path(), "path() names the member, in Chinese");
        }
    }

    static void status_config() throws Exception {
        Path dir = tempDir("config");
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, "registry: {file: " + source("examples/registry.yaml") + "}\n");
        FirstsetException e = expectError(FirstsetException.CONFIG, "NO_POLICY", "a configuration naming no pack",
                () -> Engine.open(c));
        if (e != null) checkEq(c.toString(), e.file(), "file() names the configuration");
        Files.writeString(c, "policy: " + source("criteria/policies/cn-cq-2024-9.yaml") + "\nregistry: {file: "
                + source("examples/registry.yaml") + ", url: x}\n");
        e = expectError(FirstsetException.CONFIG, null, "registry with file and a bad url", () -> Engine.open(c));
        if (e != null) {
            checkEq("/registry/url", e.path(), "path() = /registry/url");
            checkEq(2, e.line(), "line() = 2");
        }
        try (Engine engine = sampleEngine()) {
            e = expectError(FirstsetException.CONFIG, "NO_LEDGER", "record without a ledger",
                    () -> engine.record(read("examples/requests/record-award-CQJT-2026-014.json")));
            if (e != null) checkEq("/ledger", e.path(), "path() = /ledger");
        }
        deleteTree(dir);
    }

    static void status_io() throws Exception {
        Path dir = tempDir("io");
        Path missing = dir.resolve("none.yaml");
        FirstsetException e = expectError(FirstsetException.IO, "FILE_UNREADABLE", "open of a missing configuration",
                () -> Engine.open(missing));
        if (e != null) checkEq(missing.toString(), e.file(), "file() names it");
        expectError(FirstsetException.IO, null, "verify of a missing ledger",
                () -> Engine.verify("{\"ledger\": " + quote(dir.resolve("none.jsonl").toString()) + "}"));
        Files.writeString(dir.resolve("c.yaml"), "policies: [" + dir.resolve("missing-pack.yaml") + "]\nregistry: {file: "
                + source("examples/registry.yaml") + "}\n");
        expectError(FirstsetException.IO, "FILE_UNREADABLE", "a configuration naming a missing pack",
                () -> Engine.open(dir.resolve("c.yaml")));
        deleteTree(dir);
    }

    static void status_integrity() throws Exception {
        Path dir = tempDir("integrity");
        Path config = ledgerConfig(dir, "");
        Path ledger = dir.resolve("ledger.jsonl");
        try (Engine engine = Engine.open(config)) {
            engine.record(read("examples/requests/record-award-CQJT-2026-014.json"));
        }
        byte[] bytes = Files.readAllBytes(ledger);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.indexOf("\"genesis\"");
        check(at > 0, "the ledger has its genesis record");
        bytes[at + 2] ^= 0x01;  // one bit in the middle of the first record
        Files.write(ledger, bytes);
        expectError(FirstsetException.INTEGRITY, "LEDGER_DAMAGED", "open on a ledger with a bit flipped",
                () -> Engine.open(config));
        Object verdict = Json.parse(Engine.verify("{\"ledger\": " + quote(ledger.toString()) + "}"));
        checkEq(Boolean.FALSE, at(verdict, "/ok"), "verify of the damaged ledger: status 0, ok false");
        checkEq(1L, at(verdict, "/first_bad_seq"), "verify: first_bad_seq 1");
        // garbage put in the middle: between the first and the second record
        bytes[at + 2] ^= 0x01;
        int firstEnd = text.indexOf('\n') + 1;
        byte[] garbage = "{\"garbage\": true}\n".getBytes(StandardCharsets.US_ASCII);
        byte[] withGarbage = new byte[bytes.length + garbage.length];
        System.arraycopy(bytes, 0, withGarbage, 0, firstEnd);
        System.arraycopy(garbage, 0, withGarbage, firstEnd, garbage.length);
        System.arraycopy(bytes, firstEnd, withGarbage, firstEnd + garbage.length, bytes.length - firstEnd);
        Files.write(ledger, withGarbage);
        expectError(FirstsetException.INTEGRITY, "LEDGER_DAMAGED", "open on a ledger with garbage in the middle",
                () -> Engine.open(config));
        deleteTree(dir);
    }

    static void status_not_found() throws Exception {
        Path dir = tempDir("notfound");
        try (Engine engine = Engine.open(ledgerConfig(dir, ""))) {
            String failure = "{\"kind\": \"failure_report\", \"award\": \"" + "a".repeat(64)
                    + "\", \"date\": \"2026-09-30\", \"description\": \"x\", \"severity\": \"minor\"}";
            FirstsetException e = expectError(FirstsetException.NOT_FOUND, "RECORD_NOT_FOUND", "failure report on an unknown award",
                    () -> engine.record(failure));
            if (e != null) checkEq("/award", e.path(), "path() = /award");
        }
        deleteTree(dir);
    }

    static void status_limit() throws Exception {
        byte[] big = new byte[4 * 1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        String bigText = new String(big, StandardCharsets.US_ASCII);
        try (Engine engine = sampleEngine()) {
            expectError(FirstsetException.LIMIT, "INPUT_TOO_LARGE", "evaluate of 4 MiB + 1", () -> engine.evaluate(bigText));
            expectError(FirstsetException.LIMIT, "INPUT_TOO_LARGE", "lint(byte[]) of 4 MiB + 1", () -> engine.lint(big));
            expectError(FirstsetException.LIMIT, "INPUT_TOO_DEEP", "evaluate nested 1000 deep",
                    () -> engine.evaluate("[".repeat(1000) + "]".repeat(1000)));
        }
        expectError(FirstsetException.LIMIT, "INPUT_TOO_LARGE", "verify of 4 MiB + 1", () -> Engine.verify(big));
    }

    static void status_internal_bad_response() {
        Native.Lib lib = Native.lib();
        // Responses that would be library bugs, in memory from malloc (JNA's Native.malloc is
        // malloc), which the binding frees with firstset_free as it frees the library's strings.
        byte[][] bad = {
            {(byte) 0xC3, (byte) 0x28},                        // not UTF-8
            {'{', '"', 'a', '"', ':', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '}'},  // a surrogate encoded
            "{\"a\": 1".getBytes(StandardCharsets.US_ASCII),    // not JSON
            "{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.US_ASCII),  // a name twice
            "{} {}".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] b : bad) {
            Pointer p = malloced(b);
            expectError(FirstsetException.INTERNAL, "BAD_RESPONSE", "status 0 with " + Arrays.toString(b), () -> lib.result(0, p));
        }
        expectError(FirstsetException.INTERNAL, "NO_RESPONSE", "status 0 without a response", () -> lib.result(0, (Pointer) null));
        Pointer p = malloced("{\"error\": {\"status\": \"SCHEMA\"".getBytes(StandardCharsets.US_ASCII));
        expectError(FirstsetException.INTERNAL, "BAD_ERROR_DOCUMENT", "status 3 with a broken error document", () -> lib.result(3, p));
        Pointer q = malloced(new byte[] {(byte) 0xFF});
        expectError(FirstsetException.INTERNAL, "BAD_ERROR_DOCUMENT", "status 3 with a document not UTF-8", () -> lib.result(3, q));
        expectError(FirstsetException.INTERNAL, "NO_ERROR_DOCUMENT", "status 2 without a document", () -> lib.result(2, (Pointer) null));
        Pointer ok = malloced("{\"error\": {\"status\": \"LIMIT\", \"code\": \"X\", \"message\": \"m\", \"message_zh\": \"中\", \"path\": \"/a\"}}"
                .getBytes(StandardCharsets.UTF_8));
        FirstsetException e = expectError(8, "X", "a well-formed error document", () -> lib.result(8, ok));
        if (e != null) checkEq("中", e.messageZh(), "messageZh decoded as UTF-8");
        Pointer good = malloced("{\"ok\": [1, 2.5e3, -0, \"\\ud83d\\ude00\", true, false, null]}".getBytes(StandardCharsets.UTF_8));
        try {
            checkEq("{\"ok\": [1, 2.5e3, -0, \"\\ud83d\\ude00\", true, false, null]}", lib.result(0, good), "a good response passes");
        } catch (FirstsetException x) {
            check(false, "a good response passes: " + x);
        }
    }

    static Pointer malloced(byte[] bytes) {
        long peer = com.sun.jna.Native.malloc(bytes.length + 1);
        Pointer p = new Pointer(peer);
        p.write(0, bytes, 0, bytes.length);
        p.setByte(bytes.length, (byte) 0);
        return p;
    }

    /** Three requests with different answers (the sample, a certificate unknown, an expired one). */
    static List<String> variants() throws IOException {
        String base = sampleRequest();
        List<String> r = new ArrayList<>();
        r.add(base);
        r.add(base.replace("CQ-STT-2024-0017", "CQ-STT-2099-0001"));
        r.add(base.replace("2026-03-16T09:30:00+08:00", "2027-06-01T09:30:00+08:00"));
        return r;
    }

    static void threads_same_answers() throws Exception {
        final int threads = 8, rounds = 100;
        List<String> requests = variants();
        try (Engine engine = sampleEngine()) {
            List<String> expected = new ArrayList<>();
            for (String r : requests) expected.add(engine.evaluate(r));
            check(!expected.get(0).equals(expected.get(1)) && !expected.get(0).equals(expected.get(2))
                    && !expected.get(1).equals(expected.get(2)), "the three requests have different answers");
            AtomicInteger done = new AtomicInteger(), mismatches = new AtomicInteger(), errors = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> pool = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < rounds; i++) {
                            int k = (id + i) % requests.size();
                            if (!engine.evaluate(requests.get(k)).equals(expected.get(k))) mismatches.incrementAndGet();
                            done.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.incrementAndGet();
                        System.out.println("thread " + id + ": " + e);
                    }
                });
                th.start();
                pool.add(th);
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread th : pool) th.join();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            checkEq(threads * rounds, done.get(), threads + " threads x " + rounds + " evaluates done (" + ms + " ms)");
            checkEq(0, mismatches.get(), "every answer identical to the single-thread answer");
            checkEq(0, errors.get(), "no thread failed");
        }
    }

    static void close_while_calls_run() throws Exception {
        final int threads = 6;
        String request = sampleRequest();
        for (int round = 0; round < 3; round++) {
            Engine engine = sampleEngine();
            String expected = engine.evaluate(request);
            AtomicInteger answers = new AtomicInteger(), closedErrors = new AtomicInteger();
            AtomicReference<Throwable> other = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> pool = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            String r = engine.evaluate(request);
                            if (!r.equals(expected)) throw new AssertionError("a different answer");
                            answers.incrementAndGet();
                        }
                    } catch (FirstsetException e) {
                        if (e.status() == FirstsetException.ARGUMENT && e.code().equals("ENGINE_CLOSED")) closedErrors.incrementAndGet();
                        else other.set(e);
                    } catch (Throwable e) {
                        other.set(e);
                    }
                });
                th.start();
                pool.add(th);
            }
            running.await();
            Thread.sleep(150);
            engine.close();
            for (Thread th : pool) th.join(60_000);
            check(answers.get() > 0, "round " + round + ": answers before close: " + answers.get());
            checkEq(threads, closedErrors.get(), "round " + round + ": every thread stopped by ENGINE_CLOSED");
            checkEq(null, other.get(), "round " + round + ": nothing else went wrong");
        }
    }

    @SuppressWarnings("try")  // closing inside try-with-resources is the point
    static void close_twice() throws Exception {
        Engine engine = sampleEngine();
        check(!engine.isClosed(), "open");
        engine.close();
        check(engine.isClosed(), "closed");
        try {
            engine.close();
            check(true, "a second close does nothing");
        } catch (Throwable t) {
            check(false, "a second close does nothing: " + t);
        }
        Engine e2 = sampleEngine();
        try (Engine same = e2) {
            same.close();  // and try-with-resources closes it again
        }
        check(e2.isClosed(), "close inside try-with-resources, then by it");
    }

    static void calls_after_close() throws Exception {
        Engine engine = sampleEngine();
        engine.close();
        String request = sampleRequest();
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        expectError(1, "ENGINE_CLOSED", "evaluate(String)", () -> engine.evaluate(request));
        expectError(1, "ENGINE_CLOSED", "evaluate(byte[])", () -> engine.evaluate(bytes));
        expectError(1, "ENGINE_CLOSED", "lint(String)", () -> engine.lint(request));
        expectError(1, "ENGINE_CLOSED", "lint(byte[])", () -> engine.lint(bytes));
        expectError(1, "ENGINE_CLOSED", "record(String)", () -> engine.record(request));
        expectError(1, "ENGINE_CLOSED", "record(byte[])", () -> engine.record(bytes));
        expectError(1, "ENGINE_CLOSED", "status()", engine::status);
    }

    /** Opens the configuration with Chinese names that CMake made, evaluates and lints in Chinese. */
    static void chineseChecks(Engine engine, String how) throws Exception {
        String response = engine.evaluate(sampleRequest());
        check(response.contains("评审因素“投标报价”"), how + ": the Chinese names of the request come back intact");
        checkEq("B1", at(Json.parse(response), "/bid"), how + ": evaluated bid B1");
        String request = sampleRequest().replaceFirst("\"id\": \"CQJT-2026-014\",", "\"id\": \"CQJT-2026-014\", \"备注\": 1,");
        FirstsetException e = expectError(3, "SCHEMA_UNKNOWN_MEMBER", how + ": a member named in Chinese",
                () -> engine.evaluate(request));
        if (e != null) {
            checkEq("/tender/备注", e.path(), how + ": path() in Chinese");
            check(e.messageZh().contains("此处不允许出现"), how + ": messageZh() in Chinese");
        }
        Object lint = Json.parse(engine.lint(read("examples/requests/lint-CQJT-2026-014.json")));
        checkEq("市场占有率", at(lint, "/findings/0/matched"), how + ": lint matched the Chinese words");
    }

    static Path zhConfig() {
        return Path.of(System.getProperty("firstset.test.zh.parent"), "测试-firstset-配置", "引擎-config.yaml");
    }

    static void utf8_chinese_path_and_text() throws Exception {
        check(Files.isRegularFile(zhConfig()), "the configuration with a Chinese name exists");
        try (Engine engine = Engine.open(zhConfig())) {
            chineseChecks(engine, "open(Path)");
        }
        try (Engine engine = Engine.open(zhConfig().toString())) {
            chineseChecks(engine, "open(String)");
        }
        // a folder made here, with a relative path to the registry in Chinese
        Path dir = tempDir("zh");
        Path sub = Files.createDirectories(dir.resolve("招标 评审（样例）"));
        Files.copy(source("examples/registry.yaml"), sub.resolve("证书登记册.yaml"));
        Files.writeString(sub.resolve("配置.yaml"), "policies: [" + source("criteria/policies/cn-cq-2024-9.yaml")
                + "]\nregistry: {file: 证书登记册.yaml}\nledger: {path: 台账.jsonl}\n");
        try (Engine engine = Engine.open(sub.resolve("配置.yaml"))) {
            chineseChecks(engine, "a folder made by Java");
        }
        check(Files.exists(sub.resolve("台账.jsonl")), "the ledger was made under its Chinese name");
        deleteTree(dir);
    }

    static void utf8_under_lang_c() throws Exception {
        String jnu = System.getProperty("sun.jnu.encoding", "");
        System.out.println("default charset " + Charset.defaultCharset() + ", sun.jnu.encoding " + jnu
                + ", JNA's encoding " + com.sun.jna.Native.DEFAULT_ENCODING);
        check(!Charset.defaultCharset().equals(StandardCharsets.UTF_8) || !jnu.equalsIgnoreCase("UTF-8"),
                "the JVM runs in the C locale (not UTF-8): the trap is armed");
        boolean pathRefused;
        try {
            Path.of("/tmp/中文");
            pathRefused = false;
        } catch (java.nio.file.InvalidPathException e) {
            pathRefused = true;
        }
        System.out.println("note: this JVM " + (pathRefused ? "cannot" : "can") + " make a Path with Chinese characters");
        // open(String): the name's UTF-8 bytes, whatever the JVM's charset
        String zh = System.getProperty("firstset.test.zh.parent") + "/测试-firstset-配置/引擎-config.yaml";
        try (Engine engine = Engine.open(zh)) {
            chineseChecks(engine, "LANG=C open(String)");
        }
        // open(Path) of a Path found by listing the folder: its bytes, which the JVM cannot show
        Path parent = Path.of(System.getProperty("firstset.test.zh.parent"));
        Path config = null;
        try (Stream<Path> dirs = Files.list(parent)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!d.getFileName().toString().contains("-firstset-") || !Files.isDirectory(d)) continue;
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (f.getFileName().toString().endsWith("-config.yaml")) config = f;
                    }
                }
            }
        }
        check(config != null, "the configuration found by listing: " + config);
        if (config != null) {
            try (Engine engine = Engine.open(config)) {
                chineseChecks(engine, "LANG=C open(Path from a listing)");
            }
        }
    }

    static void no_nul_dependency() throws Exception {
        String base = sampleRequest().trim();
        try (Engine engine = sampleEngine()) {
            String expected = engine.evaluate(base);
            int length = base.getBytes(StandardCharsets.UTF_8).length;
            // padded inside the object with spaces to lengths that are multiples of 8 and of 4096:
            // a buffer without a NUL ends exactly at a word or a page there
            int[] lengths = {(length / 8 + 1) * 8, (length / 4096 + 1) * 4096, (length / 4096 + 2) * 4096,
                             16 * 4096, (length / 8 + 3) * 8};
            for (int target : lengths) {
                String padded = base.substring(0, base.length() - 1) + " ".repeat(target - length) + "}";
                byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);
                checkEq(target, bytes.length, "request of " + target + " bytes made");
                checkEq(expected, engine.evaluate(padded), "evaluate(String) of " + target + " bytes: same answer");
                checkEq(expected, engine.evaluate(bytes), "evaluate(byte[]) of " + target + " bytes: same answer");
                byte[] exact = Arrays.copyOf(bytes, bytes.length);  // an array with nothing after it
                checkEq(expected, engine.evaluate(exact), "exactly sized byte[] of " + target + " bytes");
            }
            // a request holding a NUL: PARSE on every ABI (1.5 reads the whole length; 1.4 is
            // protected by the binding), never a request cut at the NUL
            expectError(FirstsetException.PARSE, "JSON_SYNTAX", "a NUL after a complete document",
                    () -> engine.evaluate(base + "\0garbage"));
            expectError(FirstsetException.PARSE, null, "a NUL inside a string",
                    () -> engine.evaluate("{\"tender\": \"a\0b\"}"));
            expectError(FirstsetException.PARSE, null, "an empty request", () -> engine.evaluate(new byte[0]));
            // the same through lint and verify
            String tender = read("examples/requests/lint-CQJT-2026-014.json").trim();
            String lintExpected = engine.lint(tender);
            int tl = tender.getBytes(StandardCharsets.UTF_8).length;
            String lintPadded = tender.substring(0, tender.length() - 1) + " ".repeat(4096 - tl % 4096) + "}";
            checkEq(0, lintPadded.getBytes(StandardCharsets.UTF_8).length % 4096, "lint request of a multiple of 4096");
            checkEq(lintExpected, engine.lint(lintPadded), "lint of a multiple of 4096: same answer");
            expectError(FirstsetException.PARSE, null, "verify with a NUL", () -> Engine.verify("{}\0{\"ledger\": \"x\"}"));
        }
    }

    static void version_and_abi() {
        int abi = Native.abiVersion();
        checkEq(1, Native.abiMajor(), "ABI major 1");
        check(Native.abiMinor() >= 4, "ABI minor >= 4: " + Native.abiMinor());
        checkEq((1 << 16) | Native.abiMinor(), abi, "abiVersion() = (1 << 16) | minor");
        int expected = expectedMinor();
        if (expected >= 0) checkEq(expected, Native.abiMinor(), "ABI minor as FIRSTSET_EXPECT_ABI_MINOR says");
        String version = Native.version();
        check(version.matches("\\d+\\.\\d+\\.\\d+.*"), "version() is x.y.z: " + version);
        checkEq(version, Engine.version(), "Engine.version() = Native.version()");
        checkEq(version, Native.version(), "version() again (static storage, not freed)");
        checkEq(abi, Engine.abiVersion(), "Engine.abiVersion()");
        check(Native.hasAbi(4) && !Native.hasAbi(Native.abiMinor() + 1), "hasAbi()");
        System.out.println("library " + Native.libraryPath() + " (" + Native.librarySource() + "), version " + version
                + ", ABI " + Native.abiMajor() + "." + Native.abiMinor());
        expectError(FirstsetException.CONFIG, "LIBRARY_ABI_MAJOR", "a library of ABI 2.0 is refused",
                () -> { Native.checkAbi(0x20000, "libfirstset.so.2"); return null; });
        expectError(FirstsetException.CONFIG, "LIBRARY_ABI_MAJOR", "a library of ABI 0.9 is refused",
                () -> { Native.checkAbi(0x00009, "libfirstset.so.0"); return null; });
        try {
            Native.checkAbi(0x10000 | 77, "future");
            check(true, "a newer minor is accepted");
        } catch (FirstsetException e) {
            check(false, "a newer minor is accepted: " + e);
        }
        // a function newer than the library: the binding's ABI_TOO_OLD, before any call
        Native.Lib lib = Native.lib();
        expectError(FirstsetException.CONFIG, "ABI_TOO_OLD", "a function of ABI 1." + (lib.minor() + 1),
                () -> { lib.require("firstset_future", lib.minor() + 1); return null; });
        if (lib.minor() < 5) {
            FirstsetException e = expectError(FirstsetException.CONFIG, "ABI_TOO_OLD", "the log callback on ABI 1." + lib.minor(),
                    () -> { Logging.setHandler((l, c, m) -> { }); return null; });
            check(e != null && e.getMessage().contains("needs ABI 1.5"), "the message says it needs ABI 1.5");
        }
    }

    static void openAndDrop(Path config) {
        Engine dropped = Engine.open(config);
        check(!dropped.isClosed(), "an engine opened and dropped without close");
    }

    static void unclosed_engine_closed_when_collected() throws Exception {
        Path dir = tempDir("gc");
        Path config = ledgerConfig(dir, "");
        try (Engine first = Engine.open(config)) {
            expectError(FirstsetException.IO, "LEDGER_LOCKED", "a second engine on an open ledger", () -> Engine.open(config));
            check(!first.isClosed(), "the first engine is open");
        }
        openAndDrop(config);
        boolean reopened = false;
        for (int i = 0; i < 100 && !reopened; i++) {
            System.gc();
            Thread.sleep(20);
            try (Engine again = Engine.open(config)) {
                reopened = !again.isClosed();
            } catch (FirstsetException e) {
                if (!e.code().equals("LEDGER_LOCKED")) throw e;
            }
        }
        check(reopened, "the dropped engine was closed once collected: its ledger opens again");
        deleteTree(dir);
    }

    /** In a child: threads open engines that log at info while the main thread calls System.exit. */
    static void exitWhileLogging() throws Exception {
        Path dir = tempDir("exit");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "policies: [" + source("criteria/policies/cn-cq-2024-9.yaml") + "]\nregistry: {file: "
                + source("examples/registry.yaml") + "}\nlog: {level: info}\n");
        AtomicInteger messages = new AtomicInteger();
        Logging.setHandler((level, code, message) -> messages.incrementAndGet());
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                while (true) {
                    try (Engine e = Engine.open(config)) {
                        e.evaluate(sampleRequest());
                    } catch (Exception ignored) {
                        // exiting
                    }
                }
            });
            th.setDaemon(t % 2 == 0);
            th.start();
        }
        while (messages.get() < 20) Thread.sleep(5);
        System.out.println("EXITING after " + messages.get() + " messages");
        System.exit(0);
    }

    static void log_callback_unset_at_exit() throws Exception {
        if (Native.abiMinor() < 5) {
            check(expectedMinor() == Native.abiMinor(), "the log callback needs ABI 1.5 (FIRSTSET_EXPECT_ABI_MINOR=4 for a 1.4 library)");
            return;
        }
        for (int i = 0; i < 5; i++) {
            Child c = child(env(), jvm("-Dfirstset.test.dir=" + System.getProperty("firstset.test.dir")), "probe-exit");
            check(c.exit == 0 && c.out.contains("EXITING") && !c.out.contains("fatal error") && !c.out.contains("SIGSEGV"),
                    "run " + i + ": System.exit while engines log: exit 0, no crash (" + c.exit + ") " + shorten(c.out.trim()));
        }
    }

    // ---- the library-finding rule, in child JVMs ----

    static final class Child {
        int exit;
        String out;
    }

    /** Runs FirstsetTests <args> in a child JVM with the environment changed as given (null value: removed). */
    static Child child(Map<String, String> env, List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FirstsetTests.class.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue() == null) pb.environment().remove(e.getKey());
            else pb.environment().put(e.getKey(), e.getValue());
        }
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        Child c = new Child();
        c.exit = p.waitFor();
        c.out = out.toString(StandardCharsets.UTF_8);
        return c;
    }

    static String library() {
        String lib = System.getenv("FIRSTSET_LIBRARY");
        if (lib == null) throw new IllegalStateException("FIRSTSET_LIBRARY (the library under test) is not set");
        return lib;
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    /** In a child: loads (Native.load(args[0]) when given), prints where from, or the error. */
    static void probe(String[] args) {
        try {
            if (args.length > 1) Native.load(Path.of(args[1]));
            System.out.println("LOADED source=" + Native.librarySource() + " path=" + Native.libraryPath() + " abi="
                    + Native.abiMajor() + "." + Native.abiMinor());
            try (Engine e = Engine.open(source("examples/config.yaml"))) {
                System.out.println(e.isClosed() ? "CLOSED?" : "OPENED");
            }
            System.exit(0);
        } catch (FirstsetException e) {
            System.out.println("ERROR status=" + e.status() + " code=" + e.code());
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }

    static List<String> jvm(String... extra) {
        List<String> l = new ArrayList<>();
        l.add("-Dfirstset.source=" + System.getProperty("firstset.source"));
        l.addAll(Arrays.asList(extra));
        return l;
    }

    static void library_explicit_path() throws Exception {
        String lib = library();
        // -Dfirstset.library wins over FIRSTSET_LIBRARY
        Child c = child(env("FIRSTSET_LIBRARY", "/nonexistent/env/libfirstset.so.1"), jvm("-Dfirstset.library=" + lib), "probe");
        check(c.exit == 0 && c.out.contains("LOADED source=-Dfirstset.library path=" + lib) && c.out.contains("OPENED"),
                "-Dfirstset.library is used before FIRSTSET_LIBRARY: " + c.out.trim());
        // Native.load(Path) wins over both
        c = child(env("FIRSTSET_LIBRARY", "/nonexistent/env/libfirstset.so.1"), jvm("-Dfirstset.library=/nonexistent/prop.so"),
                "probe", lib);
        check(c.exit == 0 && c.out.contains("LOADED source=Native.load(Path)") && c.out.contains("OPENED"),
                "Native.load(Path) is used before both: " + c.out.trim());
        // a property naming a missing file is an error that says so (the environment is not tried)
        c = child(env("FIRSTSET_LIBRARY", lib), jvm("-Dfirstset.library=/nonexistent/prop/libfirstset.so.1"), "probe");
        check(c.exit == 3 && c.out.contains("code=LIBRARY_NOT_FOUND") && c.out.contains("/nonexistent/prop/libfirstset.so.1: no such file"),
                "a missing -Dfirstset.library file is named: " + c.out.trim());
        // in this process: loaded already, Native.load of the same file is fine, of another is refused
        Native.load();
        try {
            Native.load(Path.of(Native.libraryPath()));
            check(true, "Native.load(the loaded file) again does nothing");
        } catch (RuntimeException e) {
            check(false, "Native.load(the loaded file) again does nothing: " + e);
        }
        try {
            Native.load(Path.of("/nonexistent/other/libfirstset.so.1"));
            check(false, "Native.load(another file) after use is refused");
        } catch (IllegalStateException e) {
            check(e.getMessage().contains("already loaded"), "Native.load(another file) after use is refused: " + e.getMessage());
        }
        // a file that is not libfirstset
        Path notFirstset = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
        c = child(env(), jvm("-Dfirstset.library=" + notFirstset), "probe");
        check(c.exit == 3 && c.out.contains("code=LIBRARY_NOT_FIRSTSET"), "a library that is not libfirstset is refused: " + c.out.trim());
    }

    static void library_env_variable() throws Exception {
        String lib = library();
        Child c = child(env("FIRSTSET_LIBRARY", lib), jvm(), "probe");
        check(c.exit == 0 && c.out.contains("LOADED source=FIRSTSET_LIBRARY path=" + lib) && c.out.contains("OPENED"),
                "FIRSTSET_LIBRARY is used: " + c.out.trim());
        c = child(env("FIRSTSET_LIBRARY", Path.of(lib).getParent().toString()), jvm(), "probe");
        check(c.exit == 3 && c.out.contains("code=LIBRARY_NOT_FOUND") && c.out.contains("not a regular file"),
                "FIRSTSET_LIBRARY naming a folder: " + c.out.trim());
        // the system rule: the dynamic loader finds the name through LD_LIBRARY_PATH too
        Path folder = Path.of(lib).toAbsolutePath().getParent();
        if (Files.exists(folder.resolve("libfirstset.so.1"))) {
            c = child(env("FIRSTSET_LIBRARY", null, "LD_LIBRARY_PATH", folder.toString()), jvm(), "probe");
            check(c.exit == 0 && c.out.contains("LOADED source=system") && c.out.contains("OPENED"),
                    "no variable: the dynamic loader finds libfirstset.so.1 (here through LD_LIBRARY_PATH): " + c.out.trim());
        }
    }

    static void library_not_found_message() throws Exception {
        Child c = child(env("FIRSTSET_LIBRARY", "/nonexistent/dir/libfirstset.so.1"), jvm(), "probe");
        check(c.exit == 3, "a missing FIRSTSET_LIBRARY file fails");
        check(c.out.contains("code=LIBRARY_NOT_FOUND") && c.out.contains("status=5"), "FirstsetException IO LIBRARY_NOT_FOUND");
        check(c.out.contains("environment variable FIRSTSET_LIBRARY=/nonexistent/dir/libfirstset.so.1: no such file"),
                "the message names the variable, its value and what went wrong");
        check(c.out.contains("Native.load(Path): not called") && c.out.contains("system property firstset.library: not set"),
                "the message names the places before it");
        check(c.out.contains("Fix:"), "the message says how to fix it");
        System.out.println(c.out);
        // nothing set: the system's dynamic loader, with LD_LIBRARY_PATH pointing nowhere useful
        c = child(env("FIRSTSET_LIBRARY", null, "LD_LIBRARY_PATH", null), jvm(), "probe");
        if (c.exit == 0) {
            check(c.out.contains("LOADED source=system"), "libfirstset.so.1 is installed on this system and was found: " + c.out.trim());
        } else {
            check(c.out.contains("code=LIBRARY_NOT_FOUND"), "no library anywhere: LIBRARY_NOT_FOUND");
            check(c.out.contains("environment variable FIRSTSET_LIBRARY: not set")
                    && c.out.contains("the system (the dynamic loader, name libfirstset.so.1)"),
                    "the message names all three places");
            System.out.println(c.out);
        }
    }

    // ---- logging ----

    static final class Collector extends Handler {
        final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    static void log_callback_to_java_logging() throws Exception {
        int minor = Native.abiMinor();
        if (minor < 5) {
            if (expectedMinor() == minor) {
                System.out.println("ABI 1." + minor + " as FIRSTSET_EXPECT_ABI_MINOR says: no log callback; checking the refusal");
                checkEq("stderr (ABI before 1.5)", Logging.mode(), "mode() says why");
                check(!Logging.isAvailable(), "isAvailable() false");
                FirstsetException e = expectError(FirstsetException.CONFIG, "ABI_TOO_OLD", "Logging.setHandler on 1." + minor,
                        () -> { Logging.setHandler((l, c, m) -> { }); return null; });
                check(e != null && e.getMessage().contains("needs ABI 1.5"), "the message says it needs ABI 1.5");
                expectError(FirstsetException.CONFIG, "ABI_TOO_OLD", "Logging.useJavaLogging on 1." + minor,
                        () -> { Logging.useJavaLogging(); return null; });
                return;
            }
            check(false, "the log callback needs ABI 1.5; the library has 1." + minor
                    + " (set FIRSTSET_EXPECT_ABI_MINOR=4 to test a 1.4 library)");
            return;
        }
        Path dir = tempDir("log");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "policies: [" + source("criteria/policies/cn-cq-2024-9.yaml") + "]\nregistry: {file: "
                + source("examples/registry.yaml") + "}\nlog: {level: info}\n");
        checkEq("java", Logging.mode(), "java.util.logging by default");
        Collector collector = new Collector();
        java.util.logging.Logger logger = Logging.logger();
        checkEq("org.firstset", logger.getName(), "Logger org.firstset");
        logger.addHandler(collector);
        logger.setUseParentHandlers(false);
        for (int i = 0; i < 3; i++) System.gc();  // the native callback must survive collections
        try (Engine engine = Engine.open(config)) {
            engine.evaluate(sampleRequest());
        }
        LogRecord opened = null;
        synchronized (collector.records) {
            for (LogRecord r : collector.records) {
                if (r instanceof FirstsetLogRecord && ((FirstsetLogRecord) r).code().equals("ENGINE_OPENED")) opened = r;
            }
        }
        check(opened != null, "an engine opened with log level info logs ENGINE_OPENED into java.util.logging: "
                + collector.records.size() + " records");
        if (opened != null) {
            FirstsetLogRecord f = (FirstsetLogRecord) opened;
            checkEq(Level.INFO, opened.getLevel(), "level INFO");
            checkEq(LogLevel.INFO, f.firstsetLevel(), "firstsetLevel() INFO");
            checkEq("org.firstset", opened.getLoggerName(), "logger name");
            check(opened.getMessage().startsWith("[ENGINE_OPENED] opened"), "the code in the text: " + opened.getMessage());
            check(f.text().startsWith("opened") && f.text().contains("渝经信规范〔2024〕9号"), "the text, Chinese intact: " + f.text());
            checkEq("ENGINE_OPENED", opened.getSourceMethodName(), "the code as the source method name");
        }
        // the host's own handler
        List<String> mine = Collections.synchronizedList(new ArrayList<>());
        Logging.setHandler((level, code, message) -> mine.add(level + " " + code + " " + message));
        checkEq("handler", Logging.mode(), "mode handler");
        int before = collector.records.size();
        try (Engine engine = Engine.open(config)) {
            check(engine != null, "opened with the host's handler");
        }
        check(mine.stream().anyMatch(s -> s.startsWith("INFO ENGINE_OPENED opened")), "the host's handler got INFO ENGINE_OPENED");
        checkEq(before, collector.records.size(), "java.util.logging got nothing meanwhile");
        // a handler that throws, and one that tries to change Logging from inside
        AtomicReference<Throwable> inside = new AtomicReference<>();
        Logging.setHandler((level, code, message) -> {
            try {
                Logging.off();
            } catch (IllegalStateException e) {
                inside.set(e);
            }
            throw new RuntimeException("a host handler that throws");
        });
        try (Engine engine = Engine.open(config)) {
            check(!engine.isClosed(), "a throwing handler does not disturb the engine");
        }
        check(inside.get() != null, "Logging cannot be changed from inside a handler: " + inside.get());
        // off: nothing anywhere
        mine.clear();
        Logging.off();
        checkEq("off", Logging.mode(), "mode off");
        try (Engine engine = Engine.open(config)) {
            check(engine != null, "opened with logging off");
        }
        checkEq(before, collector.records.size(), "off: java.util.logging got nothing");
        // standard error, then back
        Logging.useStandardError();
        checkEq("stderr", Logging.mode(), "mode stderr");
        try (Engine engine = Engine.open(config)) {
            check(engine != null, "opened with messages on standard error");
        }
        checkEq(before, collector.records.size(), "stderr: java.util.logging got nothing");
        Logging.useJavaLogging();
        for (int i = 0; i < 3; i++) System.gc();
        try (Engine engine = Engine.open(config)) {
            check(engine != null, "opened again");
        }
        check(collector.records.size() > before, "back to java.util.logging");
        // a logger level above INFO filters
        logger.setLevel(Level.WARNING);
        int n = collector.records.size();
        try (Engine engine = Engine.open(config)) {
            check(engine != null, "opened with the Logger at WARNING");
        }
        checkEq(n, collector.records.size(), "the Logger's level filters INFO");
        logger.setLevel(null);
        deleteTree(dir);
    }

    // ---- responses freed ----

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static void responses_freed() throws Exception {
        String request = sampleRequest();
        try (Engine engine = sampleEngine()) {
            Runnable round = () -> {
                for (int i = 0; i < 2000; i++) engine.evaluate(request);
                for (int i = 0; i < 20000; i++) {
                    try {
                        engine.evaluate("{\"tender\": ");
                    } catch (FirstsetException expected) {
                        // the error document, freed
                    }
                }
            };
            round.run();  // warm up: the JIT, the heap (pre-touched), malloc's arenas
            System.gc();
            long before = rssKiB();
            long t0 = System.nanoTime();
            for (int k = 0; k < 4; k++) round.run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.gc();
            long after = rssKiB();
            long responseBytes = 8000L * engine.evaluate(request).getBytes(StandardCharsets.UTF_8).length;
            long errorBytes = 80000L * 250;
            System.out.println("RSS " + before + " KiB -> " + after + " KiB after 8000 evaluates and 80000 errors in " + ms
                    + " ms; unfreed they would hold " + (responseBytes + errorBytes) / 1024 + " KiB");
            check(after - before < (responseBytes + errorBytes) / 1024 / 3,
                    "RSS grew " + (after - before) + " KiB, far less than the strings would hold unfreed");
        }
    }

    // ---- main ----

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("probe")) {
            probe(args);
            return;
        }
        if (args.length > 0 && args[0].equals("probe-exit")) {
            exitWhileLogging();
            return;
        }
        if (args.length == 0) {
            System.out.println("usage: FirstsetTests <case>...");
            System.exit(2);
        }
        for (String name : args) {
            current = name;
            System.out.println("== " + name);
            try {
                FirstsetTests.class.getDeclaredMethod(name).invoke(null);
            } catch (NoSuchMethodException e) {
                check(false, "no such case: " + name);
            } catch (java.lang.reflect.InvocationTargetException e) {
                failures++;
                System.out.println("FAIL " + name + ": threw " + e.getCause());
                e.getCause().printStackTrace(System.out);
            }
        }
        System.out.println(checks + " checks, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
