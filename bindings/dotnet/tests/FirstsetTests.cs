// Tests of the .NET binding, run by CTest under mono: `mono FirstsetTests.exe <case>`.
// Environment: FIRSTSET_LIBRARY (the library under test; some cases unset it or spawn children),
// FIRSTSET_SOURCE_DIR (the source tree, for examples/ and criteria/), FIRSTSET_EXPECT_ABI_MINOR
// (optional: "4" when the library under test is ABI 1.4, so the 1.5-only cases check the refusal).
// Each failing check prints "FAIL <case>: <check>"; the process exits 1 if any failed.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Firstset;

static class FirstsetTests
{
    static string caseName = "";
    static int failures, checks;
    static string source;
    static readonly List<string> cleanup = new List<string>();

    static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: FirstsetTests.exe <case> [args]; cases: " + string.Join(" ", Cases().Keys));
            return 2;
        }
        caseName = args[0];
        source = Environment.GetEnvironmentVariable("FIRSTSET_SOURCE_DIR") ?? "";
        Action<string[]> body;
        if (!Cases().TryGetValue(caseName, out body))
        {
            Console.Error.WriteLine("unknown case " + caseName);
            return 2;
        }
        try
        {
            body(args.Skip(1).ToArray());
        }
        catch (Exception e)
        {
            Fail("unexpected exception: " + e);
        }
        finally
        {
            foreach (string d in cleanup)
            {
                try
                {
                    if (Directory.Exists(d)) Directory.Delete(d, true);
                }
                catch (Exception)
                {
                }
            }
        }
        if (caseName.StartsWith("child_")) return failures == 0 ? 0 : 1;
        Console.WriteLine((failures == 0 ? "PASS " : "FAILED ") + caseName + ": " + (checks - failures) + "/" + checks + " checks passed");
        return failures == 0 ? 0 : 1;
    }

    static Dictionary<string, Action<string[]>> Cases()
    {
        return new Dictionary<string, Action<string[]>>
        {
            {"evaluate_sample", a => EvaluateSample()},
            {"error_argument", a => ErrorArgument()},
            {"error_parse", a => ErrorParse()},
            {"error_schema", a => ErrorSchema()},
            {"error_config", a => ErrorConfig()},
            {"error_io", a => ErrorIo()},
            {"error_not_found", a => ErrorNotFound()},
            {"error_limit", a => ErrorLimit()},
            {"error_integrity", a => ErrorIntegrity()},
            {"error_internal_bad_response", a => ErrorInternal()},
            {"lint", a => LintSample()},
            {"incentive", a => IncentiveSample()},
            {"record_verify", a => RecordVerify()},
            {"status", a => StatusDocument()},
            {"threads", a => Threads()},
            {"close_during_calls", a => CloseDuringCalls()},
            {"chinese_lang_c", a => ChineseUnderLangC()},
            {"no_nul_trap", a => NoNulTrap()},
            {"close_twice", a => CloseTwice()},
            {"strings_freed", a => StringsFreed()},
            {"after_close", a => AfterClose()},
            {"version", a => VersionFunctions()},
            {"library_explicit", a => LibraryExplicit(a)},
            {"library_env", a => LibraryEnv()},
            {"library_system", a => LibrarySystem()},
            {"library_not_found", a => LibraryNotFound()},
            {"log_callback", a => LogCallback()},
            {"json_reader", a => JsonReader()},
            {"log_unset_at_exit", a => LogUnsetAtExit()},
            {"child_load", a => ChildLoad(a)},
            {"child_exit_log", a => ChildExitLog(a)},
        };
    }

    // ---- checks ---------------------------------------------------------------------------------

    static void Fail(string what)
    {
        failures++;
        checks++;
        Console.WriteLine("FAIL " + caseName + ": " + what);
    }

    static bool Check(bool ok, string what)
    {
        if (!ok)
        {
            Fail(what);
            return false;
        }
        checks++;
        return true;
    }

    static bool Equal<T>(T expected, T actual, string what)
    {
        return Check(EqualityComparer<T>.Default.Equals(expected, actual), what + " (expected <" + expected + ">, got <" + actual + ">)");
    }

    // Runs f, expecting a FirstsetException; checks its status and code (code null: any).
    static FirstsetException Expect(int status, string code, Action f, string what)
    {
        try
        {
            f();
        }
        catch (FirstsetException e)
        {
            Equal(status, e.Status, what + ": status");
            Equal(FirstsetException.StatusNameOf(status), e.StatusName, what + ": status name");
            if (code != null) Equal(code, e.Code, what + ": code");
            Check(!string.IsNullOrEmpty(e.Message), what + ": an English message");
            Check(!string.IsNullOrEmpty(e.MessageZh), what + ": a Chinese message");
            Equal(e.Status, e.status, what + ": alias status");
            Equal(e.Code, e.code, what + ": alias code");
            Equal(e.Path, e.path, what + ": alias path");
            return e;
        }
        catch (Exception e)
        {
            Fail(what + ": expected FirstsetException " + FirstsetException.StatusNameOf(status) + " " + code + ", got " + e);
            return null;
        }
        Fail(what + ": expected FirstsetException " + FirstsetException.StatusNameOf(status) + " " + code + ", got no exception");
        return null;
    }

    // Also checks the error document the exception carries (freed by the binding, kept as text).
    static FirstsetException ExpectDocument(int status, string code, Action f, string what)
    {
        FirstsetException e = Expect(status, code, f, what);
        if (e == null) return null;
        if (Check(e.ErrorJson != null && e.Document != null, what + ": the error document is kept"))
        {
            var error = Get(e.Document, "error") as IDictionary<string, object>;
            if (Check(error != null, what + ": the document has \"error\""))
            {
                Equal(e.StatusName, (string)Get(error, "status"), what + ": document status");
                Equal(e.Code, (string)Get(error, "code"), what + ": document code");
            }
        }
        return e;
    }

    static object Get(object node, params object[] path)
    {
        foreach (object p in path)
        {
            if (node == null) return null;
            var key = p as string;
            if (key != null)
            {
                var d = node as IDictionary<string, object>;
                object v;
                if (d == null || !d.TryGetValue(key, out v)) return null;
                node = v;
            }
            else
            {
                var l = node as IList<object>;
                int i = (int)p;
                if (l == null || i >= l.Count) return null;
                node = l[i];
            }
        }
        return node;
    }

    static IDictionary<string, object> Parse(string json)
    {
        return (IDictionary<string, object>)Json.Parse(json);
    }

    // ---- fixtures -------------------------------------------------------------------------------

    static string Src(string relative)
    {
        return Path.Combine(source, relative);
    }

    static string Read(string relative)
    {
        return File.ReadAllText(Src(relative), Encoding.UTF8);
    }

    static string SampleRequest
    {
        get { return Read("examples/requests/evaluate-CQJT-2026-014.json"); }
    }

    static string Config
    {
        get { return Src("examples/config.yaml"); }
    }

    static string TempDir(string name = "t")
    {
        string d = Path.Combine(Path.GetTempPath(), "firstset-dotnet-" + name + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(d);
        cleanup.Add(d);
        return d;
    }

    // A configuration with absolute paths (and a ledger when given), written into dir.
    static string WriteConfig(string dir, string ledger = null, string logLevel = "warn", string extra = "")
    {
        var b = new StringBuilder();
        b.Append("policies:\n");
        b.Append("  - ").Append(Json.Quote(Path.GetFullPath(Src("criteria/policies/cn-cq-2024-9.yaml")))).Append('\n');
        b.Append("  - ").Append(Json.Quote(Path.GetFullPath(Src("criteria/policies/cn-2023-127.yaml")))).Append('\n');
        b.Append("registry: {file: ").Append(Json.Quote(Path.GetFullPath(Src("examples/registry.yaml")))).Append("}\n");
        if (ledger != null) b.Append("ledger: {path: ").Append(Json.Quote(ledger)).Append("}\n");
        b.Append("log: {level: ").Append(logLevel).Append("}\n");
        b.Append(extra);
        string file = Path.Combine(dir, "config.yaml");
        File.WriteAllText(file, b.ToString(), new UTF8Encoding(false));
        return file;
    }

    static int ExpectedMinor()
    {
        string s = Environment.GetEnvironmentVariable("FIRSTSET_EXPECT_ABI_MINOR");
        int m;
        return s != null && int.TryParse(s, out m) ? m : -1;
    }

    // ---- cases ----------------------------------------------------------------------------------

    static void EvaluateSample()
    {
        using (Engine engine = Engine.Open(Config))
        {
            string response = engine.Evaluate(SampleRequest);
            var doc = Parse(response);
            Equal("B1", (string)Get(doc, "bid"), "the response is for bid B1");
            Equal("CQJT-2026-014", (string)Get(doc, "tender"), "the response is for the sample tender");
            var certificates = Get(doc, "certificates") as IList<object>;
            Check(certificates != null && certificates.Count == 2, "two certificates in the response");
            Equal("CQ-STT-2024-0017", (string)Get(doc, "certificates", 0, "id"), "the first certificate");
            var criteria = Get(doc, "criteria") as IList<object>;
            Check(criteria != null && criteria.Count == 7, "seven criteria in the response");
            Check(criteria != null && criteria.Any(c => (string)Get(c, "outcome") == "deemed_met"), "a criterion deemed met");
            // the same through the other spellings and overloads
            Equal(response, engine.evaluate(SampleRequest), "evaluate (alias) gives the same answer");
            Equal(response, engine.Evaluate(Encoding.UTF8.GetBytes(SampleRequest)), "Evaluate(byte[]) gives the same answer");
        }
        using (var e2 = new Engine(Config))
        using (Engine e3 = Engine.open(Config))
        {
            Equal(e2.Evaluate(SampleRequest), e3.evaluate(SampleRequest), "new Engine and Engine.open agree");
        }
    }

    static void ErrorArgument()
    {
        Engine engine = new Engine(Config);
        engine.Dispose();
        FirstsetException e = Expect(1, "ENGINE_CLOSED", () => engine.Evaluate(SampleRequest), "evaluate after close");
        if (e != null) Equal(FirstsetStatus.Argument, e.StatusCode, "status enum ARGUMENT");
        using (var open = new Engine(Config))
        {
            Expect(1, "ARGUMENT_NULL", () => open.Evaluate((string)null), "a null request");
            Expect(1, "ARGUMENT_NULL", () => open.Evaluate((byte[])null), "a null byte[] request");
        }
        Expect(1, "ARGUMENT_NULL", () => new Engine(null), "a null configuration path");
        Expect(1, "PATH_INVALID", () => new Engine(Config + "\0.txt"), "a configuration path with a NUL");
    }

    static void ErrorParse()
    {
        using (var engine = new Engine(Config))
        {
            FirstsetException e = ExpectDocument(2, "JSON_SYNTAX", () => engine.Evaluate("{"), "evaluate \"{\"");
            if (e != null) Equal(1L, e.Line, "the error's line");
            ExpectDocument(2, null, () => engine.Lint("{\"id\": \"T\",\n \"criteria\": [}"), "lint of broken JSON");
        }
        string dir = TempDir("parse");
        string bad = Path.Combine(dir, "c.yaml");
        File.WriteAllText(bad, "policy: [unclosed\n");
        FirstsetException c = ExpectDocument(2, null, () => new Engine(bad), "a configuration that is not YAML");
        if (c != null) Equal(2L, c.Line, "the YAML error's line");
    }

    static void ErrorSchema()
    {
        using (var engine = new Engine(Config))
        {
            FirstsetException e = ExpectDocument(3, null, () => engine.Evaluate("{\"tender\":1}"), "evaluate {\"tender\":1}");
            if (e != null) Check(e.Path != null && e.Path.StartsWith("/"), "a JSON Pointer for {\"tender\":1}: " + e.Path);
            string request = SampleRequest.Replace("\"model\": \"ＹＫ－３１２０\"", "\"model\": 3120");
            if (Check(request != SampleRequest, "the sample has the model to change"))
            {
                e = ExpectDocument(3, "SCHEMA_TYPE", () => engine.Evaluate(request), "a number for a model");
                if (e != null) Equal("/bid/offers/0/model", e.Path, "the path of the bad model");
            }
        }
    }

    static void ErrorConfig()
    {
        string dir = TempDir("config");
        string pack = Path.GetFullPath(Src("criteria/policies/cn-cq-2024-9.yaml"));
        string registry = Path.GetFullPath(Src("examples/registry.yaml"));
        string file = Path.Combine(dir, "c.yaml");
        File.WriteAllText(file, "policy: " + Json.Quote(pack) + "\nregistry: {file: " + Json.Quote(registry) + ", url: x}\n");
        FirstsetException e = ExpectDocument(4, null, () => new Engine(file), "a registry with both file and url");
        if (e != null)
        {
            Equal("/registry/url", e.Path, "the path of the CONFIG error");
            Equal(2L, e.Line, "the line of the CONFIG error");
            Check(e.File != null && e.File.EndsWith("c.yaml"), "the file of the CONFIG error: " + e.File);
        }
        File.WriteAllText(file, "registry: {file: " + Json.Quote(registry) + "}\n");
        ExpectDocument(4, "NO_POLICY", () => new Engine(file), "a configuration without a policy");
    }

    static void ErrorIo()
    {
        string missing = Path.Combine(TempDir("io"), "no-such-config.yaml");
        FirstsetException e = ExpectDocument(5, null, () => new Engine(missing), "opening a configuration that does not exist");
        if (e != null) Check((e.File ?? e.Message).Contains("no-such-config.yaml"), "the IO error names the file");
        ExpectDocument(5, null, () => Engine.Verify("{\"ledger\": " + Json.Quote(missing + ".jsonl") + "}"), "verify of a missing ledger");
    }

    static void ErrorNotFound()
    {
        string dir = TempDir("notfound");
        using (var engine = new Engine(WriteConfig(dir, Path.Combine(dir, "ledger.jsonl"))))
        {
            string failure = "{\"kind\": \"failure_report\", \"award\": \"" + new string('a', 64) +
                             "\", \"date\": \"2026-09-30\", \"description\": \"停机\", \"severity\": \"minor\"}";
            FirstsetException e = ExpectDocument(7, "RECORD_NOT_FOUND", () => engine.Record(failure), "a failure report about an unknown award");
            if (e != null) Equal("/award", e.Path, "the path of NOT_FOUND");
        }
    }

    static void ErrorLimit()
    {
        using (var engine = new Engine(Config))
        {
            string big = "{\"tender\": \"" + new string('x', 4 * 1024 * 1024) + "\"}";
            ExpectDocument(8, "INPUT_TOO_LARGE", () => engine.Evaluate(big), "a request over 4 MiB");
            var bytes = new byte[4 * 1024 * 1024 + 1];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)' ';
            ExpectDocument(8, "INPUT_TOO_LARGE", () => engine.Lint(bytes), "a tender of 4 MiB + 1 bytes");
            ExpectDocument(8, "INPUT_TOO_LARGE", () => Engine.Verify(bytes), "a verify request of 4 MiB + 1 bytes");
            string deep = new string('[', 1000) + new string(']', 1000);
            ExpectDocument(8, null, () => engine.Evaluate(deep), "a request nested 1000 deep");
        }
    }

    static void ErrorIntegrity()
    {
        string dir = TempDir("integrity");
        string ledger = Path.Combine(dir, "ledger.jsonl");
        string config = WriteConfig(dir, ledger);
        using (var engine = new Engine(config))
        {
            engine.Evaluate(SampleRequest);  // an evaluation record after the genesis record
        }
        byte[] bytes = File.ReadAllBytes(ledger);
        string text = Encoding.UTF8.GetString(bytes);
        int at = text.IndexOf("\"genesis\"", StringComparison.Ordinal);
        if (!Check(at > 0, "the ledger has a genesis record")) return;
        bytes[Encoding.UTF8.GetByteCount(text.Substring(0, at)) + 2] ^= 0x01;
        File.WriteAllBytes(ledger, bytes);
        ExpectDocument(6, "LEDGER_DAMAGED", () => new Engine(config), "opening a damaged ledger");
        // verify answers with status 0 and its verdict
        var verdict = Parse(Engine.Verify("{\"ledger\": " + Json.Quote(ledger) + "}"));
        Equal(false, (bool)Get(verdict, "ok"), "verify finds the damage");
        Equal(1L, Get(verdict, "first_bad_seq") as long? ?? -1, "the first bad record");
    }

    // A response that is not UTF-8 or not JSON would be a library bug: the binding raises status 99
    // (INTERNAL) instead of returning mojibake or crashing, and still frees the string. The library
    // cannot be made to produce one, so the test hands the binding's decoder malloc'd strings.
    [DllImport("libc.so.6")] static extern IntPtr malloc(UIntPtr size);

    static IntPtr CString(byte[] bytes)
    {
        IntPtr p = malloc((UIntPtr)(uint)(bytes.Length + 1));
        Marshal.Copy(bytes, 0, p, bytes.Length);
        Marshal.WriteByte(p, bytes.Length, 0);
        return p;
    }

    static void ErrorInternal()
    {
        NativeLibrary.EnsureLoaded();
        var api = typeof(NativeLibrary).GetMethod("Api", BindingFlags.NonPublic | BindingFlags.Static).Invoke(null, null);
        MethodInfo take = api.GetType().GetMethod("Take", BindingFlags.NonPublic | BindingFlags.Instance);
        Func<int, byte[], string> run = (status, bytes) =>
        {
            try
            {
                return (string)take.Invoke(api, new object[] {status, CString(bytes)});
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException;
            }
        };
        Expect(99, "BINDING_RESPONSE_NOT_UTF8", () => run(0, new byte[] {(byte)'"', 0xFF, 0xFE, (byte)'"'}), "a response that is not UTF-8");
        Expect(99, "BINDING_RESPONSE_NOT_UTF8", () => run(0, new byte[] {(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'}), "a response with an encoded surrogate");
        Expect(99, "BINDING_RESPONSE_NOT_JSON", () => run(0, Encoding.UTF8.GetBytes("{\"ok\": tru")), "a response that is not JSON");
        Expect(99, "BINDING_BAD_ERROR_DOCUMENT", () => run(3, Encoding.UTF8.GetBytes("not json")), "an error document that is not JSON");
        Expect(99, "BINDING_BAD_ERROR_DOCUMENT", () => run(3, Encoding.UTF8.GetBytes("{\"status\": 3}")), "an error document without \"error\"");
        Equal("{\"ok\": true}", run(0, Encoding.UTF8.GetBytes("{\"ok\": true}")), "a valid response passes");
        // A lone surrogate in a .NET string has no UTF-8 form: PARSE, before the library is called.
        using (var engine = new Engine(Config))
        {
            Expect(2, "NOT_UTF8", () => engine.Evaluate("{\"tender\": \"\uD800\"}"), "a request with a lone surrogate");
        }
    }

    static void IncentiveSample()
    {
        if (NativeLibrary.AbiMinor < 6) { Console.WriteLine("ABI 1." + NativeLibrary.AbiMinor + ": no firstset_incentive; skipped"); return; }
        using (var engine = new Engine(Config))
        {
            var reward = Parse(engine.Incentive("{\"clause\": \"first_purchase_reward\", \"certificate\": \"CQ-STT-2024-0017\", \"amount_paid\": \"2200000.00\", \"paid_on\": \"2026-04-20\"}"));
            Equal(true, Get(reward, "eligible") as bool? ?? false, "eligible within the validity");
            Equal("660000.00", (string)Get(reward, "max_reward"), "30 % of 2,200,000.00");
            Equal("REWARD_CEILING", (string)Get(reward, "reasons", 0, "code"), "reason REWARD_CEILING");
            Equal("渝经信规范〔2024〕9号（一）", (string)Get(reward, "reasons", 0, "clause"), "clause （一）");
            var subsidy = Parse(engine.Incentive("{\"clause\": \"premium_subsidy\", \"certificate\": \"CQ-STT-2024-0017\", \"years\": ["
                + "{\"year\": 2025, \"premium\": \"20000.00\", \"insured_amount\": \"1000000.00\", \"claim\": false},"
                + "{\"year\": 2026, \"premium\": \"20000.00\", \"insured_amount\": \"1000000.00\", \"claim\": false}]}"));
            Equal("80", (string)Get(subsidy, "years", 0, "rate_percent"), "first year 80 %");
            Equal("70", (string)Get(subsidy, "years", 1, "rate_percent"), "no claim: 70 %");
            Equal("30000.00", (string)Get(subsidy, "total"), "total");
            Expect((int)FirstsetStatus.Schema, "MONEY_NEGATIVE", () => engine.Incentive(
                "{\"clause\": \"first_purchase_reward\", \"certificate\": \"X\", \"amount_paid\": \"-1.00\", \"paid_on\": \"2026-04-20\"}"), "a negative amount");
        }
    }

    static void LintSample()
    {
        using (var engine = new Engine(Config))
        {
            string tender = Read("examples/requests/lint-CQJT-2026-014.json");
            var doc = Parse(engine.Lint(tender));
            Equal("CQJT-2026-014", (string)Get(doc, "tender"), "the lint response names the tender");
            var findings = Get(doc, "findings") as IList<object>;
            Check(findings != null && findings.Count > 0, "lint has findings");
            Check(Get(doc, "passed") is bool, "lint says passed");
            Equal(false, Get(doc, "passed") as bool? ?? true, "the sample tender does not pass (it scores market share)");
            Check(findings != null && findings.Any(f => (string)Get(f, "code") == "SCORE_BY_MARKET_SHARE"), "SCORE_BY_MARKET_SHARE found");
            Equal(engine.Lint(tender), engine.lint(Encoding.UTF8.GetBytes(tender)), "lint (alias, bytes) agrees");
        }
    }

    static void RecordVerify()
    {
        string dir = TempDir("record");
        string ledger = Path.Combine(dir, "ledger.jsonl");
        using (var engine = new Engine(WriteConfig(dir, ledger)))
        {
            var award = Parse(engine.Record(Read("examples/requests/record-award-CQJT-2026-014.json")));
            string awardId = (string)Get(award, "record", "id");
            Check(awardId != null && awardId.Length == 64, "the award has a record id");
            Equal("award", (string)Get(award, "record", "kind"), "the record is an award");
            Check(Get(award, "assessment", "conditions_met") is bool, "the award has an assessment");
            var failure = Parse(engine.record("{\"kind\": \"failure_report\", \"award\": " + Json.Quote(awardId) +
                                              ", \"date\": \"2026-09-30\", \"description\": \"主轴停机\", \"severity\": \"minor\"}"));
            string failureId = (string)Get(failure, "record", "id");
            var decision = Parse(engine.Record("{\"kind\": \"tolerance_decision\", \"award\": " + Json.Quote(awardId) +
                                               ", \"failure\": " + Json.Quote(failureId) +
                                               ", \"exclusions\": {}, \"decided_by\": {\"role\": \"主管部门\", \"id\": \"X-1\"}, \"final\": null}"));
            string proposed = (string)Get(decision, "proposed");
            Check(proposed == "exempt" || proposed == "not_exempt" || proposed == "review", "a tolerance proposal: " + proposed);
            long seq = (long)Get(decision, "record", "seq");
            string head = "{\"seq\": " + seq + ", \"id\": " + Json.Quote((string)Get(decision, "record", "id")) + "}";
            var status = Parse(engine.Status());
            Equal(seq, Get(status, "ledger", "records") as long? ?? -1, "status counts the records");
            var verdict = Parse(Engine.Verify("{\"ledger\": " + Json.Quote(ledger) + ", \"expected_head\": " + head + "}"));
            Equal(true, Get(verdict, "ok") as bool? ?? false, "verify: ok");
            Equal(seq, Get(verdict, "records") as long? ?? -1, "verify: the number of records");
            Equal(seq, Get(verdict, "head", "seq") as long? ?? -1, "verify: the head");
            var verdict2 = Parse(Engine.verify(Encoding.UTF8.GetBytes("{\"ledger\": " + Json.Quote(ledger) + "}")));
            Equal(true, Get(verdict2, "ok") as bool? ?? false, "verify (alias, bytes): ok");
        }
    }

    static void StatusDocument()
    {
        using (var engine = new Engine(Config))
        {
            var doc = Parse(engine.Status());
            Equal("sample-cq", (string)Get(doc, "registry", "id"), "status names the registry");
            Check((Get(doc, "registry", "certificates") as long? ?? 0) > 0, "status counts the certificates");
            Check(doc.ContainsKey("ledger") && doc["ledger"] == null, "no ledger: null");
            Equal(engine.Status(), engine.status(), "status (alias) agrees");
        }
    }

    // 8 threads x 100 evaluates on one engine, with three different requests, give what one thread gets.
    static void Threads()
    {
        const int threads = 8, rounds = 100;
        using (var engine = new Engine(Config))
        {
            string sample = SampleRequest;
            var requests = new[]
            {
                sample,
                sample.Replace("\"first_set_certificate\": \"CQ-STT-2024-0017\"", "\"first_set_certificate\": \"CQ-STT-2099-9999\""),
                sample.Replace("2026-03-16T09:30:00+08:00", "2027-05-11T16:00:00Z"),
            };
            string[] expected = requests.Select(r => engine.Evaluate(r)).ToArray();
            Check(expected[0] != expected[1] && expected[0] != expected[2], "the three requests have different answers");
            int mismatches = 0, done = 0, errors = 0;
            var pool = new List<Thread>();
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                var th = new Thread(() =>
                {
                    for (int i = 0; i < rounds; i++)
                    {
                        int k = (id + i) % requests.Length;
                        try
                        {
                            if (engine.Evaluate(requests[k]) != expected[k]) Interlocked.Increment(ref mismatches);
                        }
                        catch (Exception e)
                        {
                            Interlocked.Increment(ref errors);
                            Console.WriteLine("thread " + id + ": " + e.Message);
                        }
                        Interlocked.Increment(ref done);
                    }
                });
                pool.Add(th);
                th.Start();
            }
            foreach (Thread th in pool) th.Join();
            Equal(threads * rounds, done, "every evaluate ran");
            Equal(0, errors, "no evaluate failed");
            Equal(0, mismatches, "every answer equals the single-thread answer");
            Console.WriteLine("threads: " + threads + " x " + rounds + " = " + done + " evaluates, " + mismatches + " mismatches");
        }
    }

    // Close while 8 threads are calling: each thread calls until it sees ENGINE_CLOSED; every call
    // before either answers correctly or throws ENGINE_CLOSED; no crash, no other error.
    static void CloseDuringCalls()
    {
        for (int round = 0; round < 3; round++)
        {
            var engine = new Engine(Config);
            string request = SampleRequest;
            string expected = engine.Evaluate(request);
            int ok = 0, closedErrors = 0, other = 0, stopped = 0;
            var start = new ManualResetEvent(false);
            var pool = new List<Thread>();
            for (int t = 0; t < 8; t++)
            {
                var th = new Thread(() =>
                {
                    start.WaitOne();
                    for (int i = 0; i < 1000000; i++)
                    {
                        try
                        {
                            string r = (i % 3 == 2) ? engine.Status() : engine.Evaluate(request);
                            if (i % 3 != 2 && r != expected) Interlocked.Increment(ref other);
                            else Interlocked.Increment(ref ok);
                        }
                        catch (FirstsetException e)
                        {
                            if (e.Status == 1 && e.Code == "ENGINE_CLOSED")
                            {
                                Interlocked.Increment(ref closedErrors);
                                Interlocked.Increment(ref stopped);
                                return;
                            }
                            Interlocked.Increment(ref other);
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine("unexpected: " + e);
                            Interlocked.Increment(ref other);
                        }
                    }
                });
                pool.Add(th);
                th.Start();
            }
            start.Set();
            Thread.Sleep(50 + 50 * round);
            engine.Dispose();
            foreach (Thread th in pool) th.Join();
            Equal(0, other, "round " + round + ": only right answers and ENGINE_CLOSED");
            Equal(8, stopped, "round " + round + ": every thread ended with ENGINE_CLOSED");
            Check(ok > 0, "round " + round + ": calls answered before the close");
            Console.WriteLine("round " + round + ": " + ok + " answered, then " + closedErrors + " ENGINE_CLOSED");
        }
    }

    // Under LANG=C and LC_ALL=C (set by the CTest test): a configuration in a folder with a Chinese
    // name, Chinese request text, Chinese in responses and error documents, all intact.
    static void ChineseUnderLangC()
    {
        Equal("C", Environment.GetEnvironmentVariable("LC_ALL"), "the test runs under LC_ALL=C");
        Equal("C", Environment.GetEnvironmentVariable("LANG"), "the test runs under LANG=C");
        string dir = Path.Combine(TempDir("zh"), "评标配置（样例）");
        Directory.CreateDirectory(dir);
        string ledger = Path.Combine(dir, "决策日志.jsonl");
        string config = WriteConfig(dir, ledger);
        Check(File.Exists(config), "the configuration was written under the Chinese folder");
        using (var engine = new Engine(config))
        {
            Equal(config, engine.ConfigPath, "the engine keeps its path");
            var doc = Parse(engine.Evaluate(SampleRequest));
            Equal("B1", (string)Get(doc, "bid"), "evaluate under LANG=C");
            Equal("渝经信规范〔2024〕9号", (string)Get(doc, "policy", "document"), "the Chinese policy document name comes back intact");
            // a Chinese name changed in the request changes the answer: the text got through
            string renamed = SampleRequest.Replace("\"name\": \"重庆示例机床有限公司（样例）\"", "\"name\": \"另一家公司（样例）\"");
            if (Check(renamed != SampleRequest, "the sample names the manufacturer"))
                Check(engine.Evaluate(renamed) != engine.Evaluate(SampleRequest), "a changed Chinese name changes the answer");
            var status = Parse(engine.Status());
            Equal(ledger, (string)Get(status, "ledger", "path"), "the ledger path in Chinese comes back intact");
            FirstsetException e = Expect(3, null, () => engine.Evaluate("{\"tender\": {\"id\": \"测试\"}, \"bid\": 1}"), "a schema error");
            if (e != null) Check(e.MessageZh.Any(c => c >= 0x4E00 && c <= 0x9FFF), "the Chinese message decodes: " + e.MessageZh);
        }
        var verdict = Parse(Engine.Verify("{\"ledger\": " + Json.Quote(ledger) + "}"));
        Equal(true, Get(verdict, "ok") as bool? ?? false, "verify a ledger with a Chinese path");
        Equal(ledger, (string)Get(verdict, "ledger"), "verify names the Chinese path");
        string missing = Path.Combine(dir, "不存在的配置.yaml");
        FirstsetException io = Expect(5, null, () => new Engine(missing), "a missing configuration with a Chinese name");
        if (io != null) Check((io.File ?? "") == missing || io.Message.Contains("不存在的配置.yaml"), "the IO error names the Chinese path: " + io.File);
    }

    // Requests as bytes with a length: no NUL needed, none read past the end.
    static void NoNulTrap()
    {
        using (var engine = new Engine(Config))
        {
            string request = SampleRequest.Trim();
            string expected = engine.Evaluate(request);
            foreach (int size in new[] {8192, 4096 * 3})
            {
                // pad with JSON whitespace to exactly size UTF-8 bytes (a multiple of 8 and of 4096)
                int have = Encoding.UTF8.GetByteCount(request);
                if (!Check(have < size, "the sample is shorter than " + size)) continue;
                string padded = request + new string(' ', size - have);
                byte[] bytes = Encoding.UTF8.GetBytes(padded);
                Equal(size, bytes.Length, "the padded request is " + size + " bytes");
                Equal(expected, engine.Evaluate(padded), "a string of " + size + " UTF-8 bytes");
                Equal(expected, engine.Evaluate(bytes), "a byte[] of " + size + " bytes");
                // the request inside a larger array, with non-JSON bytes on both sides and no NUL after it
                var framed = new byte[size + 16];
                for (int i = 0; i < framed.Length; i++) framed[i] = (byte)'}';
                Buffer.BlockCopy(bytes, 0, framed, 8, size);
                Equal(expected, engine.Evaluate(framed, 8, size), "a slice of " + size + " bytes between garbage");
            }
            // the UTF-8 length, not the UTF-16 length, is passed (Chinese: 3 bytes a character)
            Check(Encoding.UTF8.GetByteCount(request) > request.Length, "the sample has multi-byte characters");
            // an embedded NUL is PARSE whatever the library version (1.4 would otherwise read "{}")
            Expect(2, "JSON_SYNTAX", () => engine.Evaluate(request + "\0garbage"), "a request with a NUL after the JSON");
            Expect(2, null, () => engine.Evaluate(""), "an empty request");
            Expect(2, null, () => engine.Evaluate(new byte[0]), "an empty byte[]");
            Expect(2, null, () => engine.Evaluate(Encoding.UTF8.GetBytes(request), 0, 10), "a request cut short by count");
        }
    }

    static long ResidentKiB()
    {
        foreach (string line in File.ReadAllLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Substring(6).Trim().Split(' ')[0]);
        return -1;
    }

    // Every string the library returns is freed with firstset_free, responses and error documents
    // alike: many calls must not grow the process by anything like what they returned.
    static void StringsFreed()
    {
        using (var engine = new Engine(Config))
        {
            string request = SampleRequest;
            int responseBytes = Encoding.UTF8.GetByteCount(engine.Evaluate(request));
            for (int i = 0; i < 2000; i++) engine.Evaluate(request);
            GC.Collect();
            long before = ResidentKiB();
            const int calls = 20000;
            for (int i = 0; i < calls; i++) engine.Evaluate(request);
            GC.Collect();
            long grown = ResidentKiB() - before;
            long returned = (long)calls * responseBytes / 1024;
            Console.WriteLine("evaluate: " + calls + " responses of " + responseBytes + " bytes (" + returned + " KiB), resident size grew " + grown + " KiB");
            Check(grown < returned / 4, "responses are freed (grew " + grown + " KiB for " + returned + " KiB returned)");

            int errorBytes = 0;
            try
            {
                engine.Evaluate("{");
            }
            catch (FirstsetException e)
            {
                errorBytes = Encoding.UTF8.GetByteCount(e.ErrorJson);
            }
            for (int i = 0; i < 2000; i++) Swallow(() => engine.Evaluate("{"));
            GC.Collect();
            before = ResidentKiB();
            const int errors = 100000;
            for (int i = 0; i < errors; i++) Swallow(() => engine.Evaluate("{"));
            GC.Collect();
            grown = ResidentKiB() - before;
            returned = (long)errors * errorBytes / 1024;
            Console.WriteLine("errors: " + errors + " error documents of " + errorBytes + " bytes (" + returned + " KiB), resident size grew " + grown + " KiB");
            Check(grown < returned / 4, "error documents are freed (grew " + grown + " KiB for " + returned + " KiB returned)");
        }
    }

    static void Swallow(Action f)
    {
        try
        {
            f();
        }
        catch (FirstsetException)
        {
        }
    }

    static void CloseTwice()
    {
        var engine = new Engine(Config);
        Check(!engine.IsClosed, "open");
        engine.Close();
        Check(engine.IsClosed, "closed");
        engine.Close();
        engine.close();
        engine.Dispose();
        Check(engine.IsClosed, "still closed, no error");
        using (var e2 = new Engine(Config))
        {
            e2.Dispose();
        }  // Dispose again at the end of using
        Check(true, "using after Dispose");
        // many engines opened and closed
        for (int i = 0; i < 20; i++)
        {
            using (var e = new Engine(Config)) e.Status();
        }
        Check(true, "20 engines opened and closed");
    }

    static void AfterClose()
    {
        var engine = new Engine(Config);
        engine.Dispose();
        string request = SampleRequest;
        byte[] bytes = Encoding.UTF8.GetBytes(request);
        var calls = new Dictionary<string, Action>
        {
            {"Evaluate(string)", () => engine.Evaluate(request)},
            {"Evaluate(byte[])", () => engine.Evaluate(bytes)},
            {"Evaluate(byte[], offset, count)", () => engine.Evaluate(bytes, 0, bytes.Length)},
            {"evaluate", () => engine.evaluate(request)},
            {"Lint", () => engine.Lint(request)},
            {"lint", () => engine.lint(bytes)},
            {"Record", () => engine.Record(request)},
            {"record", () => engine.record(bytes)},
            {"Status", () => engine.Status()},
            {"status", () => engine.status()},
        };
        foreach (var kv in calls) Expect(1, "ENGINE_CLOSED", kv.Value, kv.Key + " after close");
    }

    static void VersionFunctions()
    {
        string version = NativeLibrary.Version;
        Check(version != null && System.Text.RegularExpressions.Regex.IsMatch(version, @"^\d+\.\d+\.\d+"), "firstset_version: " + version);
        // firstset_version returns static storage: if the binding let the runtime free it, the
        // process would abort (free(): invalid pointer) on the first call. Call it many times, with
        // collections in between.
        for (int i = 0; i < 10000; i++)
        {
            if (i % 1000 == 0) GC.Collect();
            if (NativeLibrary.Version != version)
            {
                Fail("firstset_version changed on call " + i);
                break;
            }
        }
        Equal(version, Engine.Version, "Engine.Version");
        Equal(1, NativeLibrary.AbiMajor, "ABI major 1");
        Equal(NativeLibrary.AbiVersion, Engine.AbiVersion, "Engine.AbiVersion");
        Equal((uint)((NativeLibrary.AbiMajor << 16) | NativeLibrary.AbiMinor), NativeLibrary.AbiVersion, "abi = major << 16 | minor");
        int expect = ExpectedMinor();
        if (expect >= 0) Equal(expect, NativeLibrary.AbiMinor, "the ABI minor FIRSTSET_EXPECT_ABI_MINOR says");
        else Check(NativeLibrary.AbiMinor >= 5, "ABI 1.5 or newer (set FIRSTSET_EXPECT_ABI_MINOR for an older library): 1." + NativeLibrary.AbiMinor);
        Check(NativeLibrary.Supports(4), "Supports(4)");
        Equal(NativeLibrary.AbiMinor >= 5, NativeLibrary.Supports(5), "Supports(5)");
        Check(File.Exists(NativeLibrary.Path), "the library's file is known: " + NativeLibrary.Path);
        Console.WriteLine("libfirstset " + version + ", ABI 0x" + NativeLibrary.AbiVersion.ToString("x") + ", " + NativeLibrary.Path + " (" + NativeLibrary.Source + ")");
    }

    // The explicit path wins over FIRSTSET_LIBRARY (the CTest test sets that to a file that does not exist).
    static void LibraryExplicit(string[] args)
    {
        string path = args.Length > 0 ? args[0] : null;
        if (!Check(path != null, "the library path is given as an argument")) return;
        Check(!NativeLibrary.IsLoaded, "nothing loaded before Load");
        NativeLibrary.Load(path);
        Check(NativeLibrary.IsLoaded, "loaded");
        Equal("Firstset.NativeLibrary.Load", NativeLibrary.Source, "the source is the explicit path");
        Equal(Path.GetFullPath(path), Path.GetFullPath(NativeLibrary.Path), "the path loaded");
        NativeLibrary.Load(path);  // again: no-op
        NativeLibrary.load(path);
        try
        {
            NativeLibrary.Load("/nonexistent/other/libfirstset.so.1");
            Fail("Load of another path after the first use must throw");
        }
        catch (InvalidOperationException e)
        {
            Check(e.Message.Contains(NativeLibrary.Path), "the error names the loaded library");
        }
        using (var engine = new Engine(Config))
        {
            Equal("B1", (string)Get(Parse(engine.Evaluate(SampleRequest)), "bid"), "evaluate through the explicit library");
        }
    }

    static void LibraryEnv()
    {
        string env = Environment.GetEnvironmentVariable(NativeLibrary.EnvironmentVariable);
        if (!Check(!string.IsNullOrEmpty(env), "FIRSTSET_LIBRARY is set")) return;
        using (var engine = new Engine(Config))
        {
            Equal("B1", (string)Get(Parse(engine.Evaluate(SampleRequest)), "bid"), "evaluate through FIRSTSET_LIBRARY");
        }
        Equal(NativeLibrary.EnvironmentVariable, NativeLibrary.Source, "the source is FIRSTSET_LIBRARY");
        Equal(Path.GetFullPath(env), Path.GetFullPath(NativeLibrary.Path), "the path loaded");
    }

    // ---- children: the rule in fresh processes --------------------------------------------------

    static string Mono()
    {
        return Process.GetCurrentProcess().MainModule.FileName;
    }

    // Runs this program's case child_load in a new process with env changes (null value: unset).
    static string Child(Dictionary<string, string> env, string mode, string arg, out int exit, string childCase = "child_load")
    {
        var psi = new ProcessStartInfo(Mono(), "--debug \"" + Assembly.GetExecutingAssembly().Location + "\" " + childCase + " " + mode +
                                               (arg != null ? " \"" + arg + "\"" : ""))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var kv in env)
        {
            if (kv.Value == null) psi.EnvironmentVariables.Remove(kv.Key);
            else psi.EnvironmentVariables[kv.Key] = kv.Value;
        }
        using (Process p = Process.Start(psi))
        {
            string err = null;
            var errThread = new Thread(() => err = p.StandardError.ReadToEnd());
            errThread.Start();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            errThread.Join();
            exit = p.ExitCode;
            return output + err;
        }
    }

    static void ChildLoad(string[] args)
    {
        try
        {
            if (args[0] == "explicit") NativeLibrary.Load(args[1]);
            if (args[0] == "logoff") FirstsetLog.AutoInstall = false;
            using (var engine = new Engine(Path.Combine(Environment.GetEnvironmentVariable("FIRSTSET_SOURCE_DIR"), "examples/config.yaml")))
                engine.Status();
            Console.WriteLine("LOADED " + NativeLibrary.Source + " " + NativeLibrary.Path);
        }
        catch (LibraryLoadException e)
        {
            Console.WriteLine("NOTFOUND " + e.Message);
            failures++;
        }
    }

    static string LibraryUnderTest()
    {
        string lib = Environment.GetEnvironmentVariable(NativeLibrary.EnvironmentVariable);
        if (string.IsNullOrEmpty(lib)) throw new InvalidOperationException("the test needs FIRSTSET_LIBRARY");
        return Path.GetFullPath(lib);
    }

    // A folder holding libfirstset.so.1 as a symbolic link to the library under test.
    static string FolderWithSoname()
    {
        string dir = TempDir("ld");
        var ln = Process.Start(new ProcessStartInfo("ln", "-s \"" + LibraryUnderTest() + "\" \"" + Path.Combine(dir, NativeLibrary.SystemLibraryName) + "\"")
        {
            UseShellExecute = false
        });
        ln.WaitForExit();
        Check(ln.ExitCode == 0 && File.Exists(Path.Combine(dir, NativeLibrary.SystemLibraryName)), "a folder with libfirstset.so.1");
        return dir;
    }

    static bool SystemHasLibrary()
    {
        foreach (string d in new[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib", "/usr/local/lib", "/lib"})
            if (File.Exists(Path.Combine(d, NativeLibrary.SystemLibraryName))) return true;
        return false;
    }

    // Neither an explicit path nor FIRSTSET_LIBRARY: the name libfirstset.so.1 through the dynamic
    // loader, here found through LD_LIBRARY_PATH (the Debian package puts it in the default path).
    static void LibrarySystem()
    {
        string dir = FolderWithSoname();
        int exit;
        string output = Child(new Dictionary<string, string>
        {
            {NativeLibrary.EnvironmentVariable, null},
            {"LD_LIBRARY_PATH", dir},
        }, "rule", null, out exit);
        Equal(0, exit, "the child loads the library by its name: " + output.Trim());
        Check(output.StartsWith("LOADED system "), "the source is the system: " + output.Trim());
        if (!SystemHasLibrary())
            Check(output.Contains(dir), "the library came from LD_LIBRARY_PATH");
    }

    static void LibraryNotFound()
    {
        int exit;
        string empty = TempDir("empty");
        // FIRSTSET_LIBRARY naming a missing file: that is the error, the system is not tried.
        string output = Child(new Dictionary<string, string>
        {
            {NativeLibrary.EnvironmentVariable, "/nonexistent/firstset/libfirstset.so.1"},
            {"LD_LIBRARY_PATH", FolderWithSoname()},
        }, "rule", null, out exit);
        Check(exit != 0 && output.StartsWith("NOTFOUND"), "a missing FIRSTSET_LIBRARY file fails: " + output.Trim());
        Check(output.Contains("/nonexistent/firstset/libfirstset.so.1"), "the error names the FIRSTSET_LIBRARY path");
        Check(output.Contains("No such file"), "the error gives dlopen's reason");
        Check(output.Contains("not tried"), "the error says the system library was not tried");
        Check(output.Contains("Fix:"), "the error says how to fix it");
        // nothing given and nothing on the loader's path
        if (SystemHasLibrary())
        {
            Console.WriteLine("note: this system has libfirstset.so.1 installed; the 'no library anywhere' case cannot be provoked");
        }
        else
        {
            output = Child(new Dictionary<string, string>
            {
                {NativeLibrary.EnvironmentVariable, null},
                {"LD_LIBRARY_PATH", empty},
            }, "rule", null, out exit);
            Check(exit != 0 && output.StartsWith("NOTFOUND"), "no library anywhere fails: " + output.Trim());
            Check(output.Contains("Firstset.NativeLibrary.Load): none given"), "the error names the explicit path as not given");
            Check(output.Contains("FIRSTSET_LIBRARY: not set"), "the error names FIRSTSET_LIBRARY as not set");
            Check(output.Contains("libfirstset.so.1") && output.Contains("dynamic loader"), "the error names the system library");
            Check(output.Contains("Fix:"), "the error says how to fix it");
        }
        // an explicit path that does not exist, or is not libfirstset
        output = Child(new Dictionary<string, string>(), "explicit", "/nonexistent/libfirstset.so.1", out exit);
        Check(exit != 0 && output.Contains("/nonexistent/libfirstset.so.1") && output.Contains("Firstset.NativeLibrary.Load"),
              "a bad explicit path fails and is named: " + output.Trim());
        try
        {
            NativeLibrary.Load("libz.so.1");
            Fail("a library that is not libfirstset must be refused");
        }
        catch (LibraryLoadException e)
        {
            Check(e.Message.Contains("not libfirstset"), "libz is refused as not libfirstset: " + e.Message);
        }
        Check(!NativeLibrary.IsLoaded, "a refused library is not used");
        try
        {
            NativeLibrary.Load(empty);
            Fail("a folder must be refused");
        }
        catch (LibraryLoadException e)
        {
            Check(e is DllNotFoundException, "LibraryLoadException is a DllNotFoundException");
        }
        // after failures the right library still loads
        NativeLibrary.Load(LibraryUnderTest());
        Check(NativeLibrary.IsLoaded, "a good path after failed ones loads");
    }

    // ---- logging --------------------------------------------------------------------------------

    sealed class CollectingListener : TraceListener
    {
        public readonly List<string> Events = new List<string>();

        public override void TraceEvent(TraceEventCache cache, string source, TraceEventType type, int id, string message)
        {
            lock (Events) Events.Add(source + "|" + type + "|" + id + "|" + message);
        }

        public override void Write(string message)
        {
        }

        public override void WriteLine(string message)
        {
        }
    }

    static void LogCallback()
    {
        NativeLibrary.EnsureLoaded();
        int expect = ExpectedMinor();
        if (NativeLibrary.AbiMinor < 5)
        {
            // ABI 1.4: no log callback. The test passes only when told to expect that library.
            if (!Check(expect >= 0 && expect < 5, "the log bridge needs ABI 1.5; this library is 1." + NativeLibrary.AbiMinor +
                                                  " (set FIRSTSET_EXPECT_ABI_MINOR=4 to test the refusal)"))
                return;
            Check(!FirstsetLog.IsInstalled, "no bridge on an ABI 1." + NativeLibrary.AbiMinor + " library");
            try
            {
                FirstsetLog.Install();
                Fail("Install on an old library must throw");
            }
            catch (NotSupportedException e)
            {
                Check(e.Message.Contains("needs ABI 1.5"), "the refusal says it needs ABI 1.5: " + e.Message);
            }
            return;
        }
        Check(FirstsetLog.IsInstalled, "the bridge is installed when the library is loaded");
        var listener = new CollectingListener();
        Trace.Listeners.Add(listener);
        var received = new List<FirstsetLogEventArgs>();
        EventHandler<FirstsetLogEventArgs> handler = (s, e) =>
        {
            lock (received) received.Add(e);
        };
        FirstsetLog.Message += handler;
        string dir = TempDir("log");
        string config = WriteConfig(dir, null, "info");
        // the delegate the library holds must survive collections
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using (var engine = new Engine(config))
        {
            engine.Evaluate(SampleRequest);
        }
        FirstsetLogEventArgs opened;
        lock (received) opened = received.FirstOrDefault(e => e.Message.Contains("opened"));
        if (Check(opened != null, "an \"opened\" message arrived (" + received.Count + " messages)"))
        {
            Equal(FirstsetLogLevel.Info, opened.Level, "its level is INFO");
            Equal(2, opened.NativeLevel, "its native level is 2");
            Check(!string.IsNullOrEmpty(opened.Code) && opened.Code.All(c => c == '_' || char.IsUpper(c) || char.IsDigit(c)),
                  "it has a code: " + opened.Code);
            Equal(TraceEventType.Information, opened.TraceEventType, "it maps to TraceEventType.Information");
            Console.WriteLine("received: " + opened);
            string traced;
            lock (listener.Events) traced = listener.Events.FirstOrDefault(t => t.Contains("opened"));
            if (Check(traced != null, "the message reached System.Diagnostics.Trace"))
                Check(traced.StartsWith("firstset|Information|2|" + opened.Code + ": "), "Trace got source, level and code: " + traced);
        }
        // Messages from several threads at once (engines opened concurrently).
        int before;
        lock (received) before = received.Count(e => e.Message.Contains("opened"));
        var pool = Enumerable.Range(0, 4).Select(i => new Thread(() =>
        {
            using (var e = new Engine(config)) e.Status();
        })).ToList();
        pool.ForEach(t => t.Start());
        pool.ForEach(t => t.Join());
        lock (received) Equal(before + 4, received.Count(e => e.Message.Contains("opened")), "four engines opened on four threads logged four times");
        // Trace off: the handler still gets messages, Trace does not.
        FirstsetLog.TraceEnabled = false;
        int traceCount;
        lock (listener.Events) traceCount = listener.Events.Count;
        using (new Engine(config))
        {
        }
        lock (listener.Events) Equal(traceCount, listener.Events.Count, "TraceEnabled = false keeps messages out of Trace");
        FirstsetLog.TraceEnabled = true;
        // Uninstalled: the library logs to standard error again; nothing arrives here.
        FirstsetLog.Uninstall();
        Check(!FirstsetLog.IsInstalled, "uninstalled");
        int count;
        lock (received) count = received.Count;
        using (new Engine(config))
        {
        }
        lock (received) Equal(count, received.Count, "no message after Uninstall");
        FirstsetLog.Install();
        Check(FirstsetLog.IsInstalled, "installed again");
        using (new Engine(config))
        {
        }
        lock (received) Check(received.Count > count, "messages again after Install");
        FirstsetLog.Message -= handler;
        // A handler that throws does not disturb the library or the other handlers.
        EventHandler<FirstsetLogEventArgs> thrower = (s, e) => { throw new InvalidOperationException("handler failure (expected by the test)"); };
        FirstsetLog.Message += thrower;
        using (var engine = new Engine(config))
        {
            Equal("B1", (string)Get(Parse(engine.Evaluate(SampleRequest)), "bid"), "evaluate with a throwing log handler");
        }
        FirstsetLog.Message -= thrower;
        Check(FirstsetLog.Delivered > 0, "messages delivered: " + FirstsetLog.Delivered);
    }

    // At process exit the bridge removes itself (AppDomain.ProcessExit), so no message is delivered
    // into a runtime that is shutting down: a child opens an engine that logs at info from a
    // ProcessExit handler registered after the bridge's; that message goes to the library's
    // standard error, not to the .NET handler.
    static void LogUnsetAtExit()
    {
        NativeLibrary.EnsureLoaded();
        if (NativeLibrary.AbiMinor < 5)
        {
            int expect = ExpectedMinor();
            Check(expect >= 0 && expect < 5, "the log bridge needs ABI 1.5; this library is 1." + NativeLibrary.AbiMinor);
            return;
        }
        string config = WriteConfig(TempDir("exitlog"), null, "info");
        int exit;
        string output = Child(new Dictionary<string, string>(), "-", config, out exit, "child_exit_log");
        Equal(0, exit, "the child exits normally: " + output);
        Check(output.Contains("HANDLER ENGINE_OPENED"), "before exit the message reaches the .NET handler");
        int marker = output.IndexOf("AT-EXIT installed=False", StringComparison.Ordinal);
        if (Check(marker >= 0, "at exit the bridge is uninstalled: " + output))
        {
            string after = output.Substring(marker);
            Check(!after.Contains("HANDLER"), "no message reaches .NET after the bridge is removed");
            Check(after.Contains("opened"), "the library logs to standard error instead");
        }
    }

    static void ChildExitLog(string[] args)
    {
        string config = args[1];
        FirstsetLog.TraceEnabled = false;
        FirstsetLog.Message += (s, e) => Console.WriteLine("HANDLER " + e.Code);
        using (new Engine(config))
        {
        }
        AppDomain.CurrentDomain.ProcessExit += (s, e) =>
        {
            Console.WriteLine("AT-EXIT installed=" + FirstsetLog.IsInstalled);
            Console.Out.Flush();
            using (new Engine(config))
            {
            }
            Console.WriteLine("AT-EXIT done");
        };
    }

    static void JsonReader()
    {
        var doc = Parse("{\"a\": [1, -2.5e3, \"\\u4e2d\\ud83d\\ude00\", true, null], \"b\": {}}");
        Equal(1L, (long)Get(doc, "a", 0), "an integer");
        Equal(-2500.0, (double)Get(doc, "a", 1), "a double");
        Equal("中😀", (string)Get(doc, "a", 2), "escapes and a surrogate pair");
        Equal(true, (bool)Get(doc, "a", 3), "true");
        Check(Get(doc, "a", 4) == null, "null");
        foreach (string bad in new[] {"{", "{\"a\":1,}", "[1 2]", "\"\\ud800\"", "{\"a\":1,\"a\":2}", "01", "1.", "tru", "\"\u0001\"", "{} x", ""})
            Check(!Json.IsValid(bad), "invalid: " + bad);
        Equal("{\"k\":[1,\"v\\n\",null,true]}", Json.Serialize(new Dictionary<string, object> {{"k", new object[] {1, "v\n", null, true}}}), "serialize");
    }
}
