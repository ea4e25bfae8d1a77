package org.firstset;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An engine of libfirstset: one configuration (policy packs, certificate registry, optional
 * ledger) opened with {@code firstset_open}. Requests and responses are UTF-8 JSON text
 * (docs/abi.md); every non-zero status is a {@link FirstsetException}.
 *
 * <p>Thread-safe: any number of threads may call one engine at once. {@link #close()} waits for
 * the calls running on the engine and makes every later call fail with status 1 (ARGUMENT), code
 * {@code ENGINE_CLOSED}; closing again does nothing. An engine that is never closed is closed when
 * it becomes unreachable, but close it (try-with-resources): it holds the ledger's lock.
 *
 * <pre>
 * try (Engine engine = Engine.open(Path.of("config.yaml"))) {
 *     String response = engine.evaluate(requestJson);
 * }
 * </pre>
 */
public final class Engine implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Native.Lib lib;
    private final String config;
    // Calls hold the read lock for their whole native call; close takes the write lock, so it
    // waits for them and no call ever passes a closed handle (on any ABI version).
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** The native handle, closed once: by close() or, for an engine dropped unclosed, by the Cleaner. */
    private static final class Handle implements Runnable {
        private final Native.Lib lib;
        private volatile Pointer engine;

        Handle(Native.Lib lib, Pointer engine) {
            this.lib = lib;
            this.engine = engine;
        }

        @Override
        public synchronized void run() {
            Pointer e = engine;
            engine = null;
            if (e != null) lib.close.invokeVoid(new Object[] {e});
        }

        Pointer get() {
            return engine;
        }
    }

    private Engine(Native.Lib lib, Pointer engine, String config) {
        this.lib = lib;
        this.config = config;
        this.handle = new Handle(lib, engine);
        this.cleanable = CLEANER.register(this, handle);
    }

    /**
     * firstset_open: opens an engine from a YAML configuration file. The path's bytes are given to
     * the library as the file system holds them (UTF-8 for a name in Chinese, whatever the JVM's
     * charset); a relative path is made absolute first.
     *
     * @throws FirstsetException CONFIG, PARSE, SCHEMA, IO, LIMIT, INTEGRITY (a damaged ledger), with
     *         the file, line and JSON Pointer at fault
     */
    public static Engine open(Path config) {
        if (config == null) throw nullArgument("Engine.open", "config");
        return open(Text.pathBytes(config), config.toString());
    }

    /**
     * firstset_open with the path as a String, given to the library as its UTF-8 bytes (relative
     * paths stay relative to the working directory). For a name the JVM's charset cannot hold as a
     * Path (a Chinese name under LANG=C), this is the way to pass it.
     */
    public static Engine open(String configPath) {
        if (configPath == null) throw nullArgument("Engine.open", "configPath");
        return open(Text.encode(configPath, "the configuration path"), configPath);
    }

    private static Engine open(byte[] path, String shown) {
        if (Text.indexOfNul(path) >= 0) {
            throw new FirstsetException(FirstsetException.ARGUMENT, "PATH_INVALID",
                    "a file path cannot hold a NUL character: " + shown.replace("\0", "\\0"),
                    "文件路径不能包含 NUL 字符：" + shown.replace("\0", "\\0"), null);
        }
        Native.Lib lib = Native.lib();
        byte[] z = java.util.Arrays.copyOf(path, path.length + 1);
        PointerByReference engine = new PointerByReference();
        PointerByReference error = new PointerByReference();
        int status = lib.open.invokeInt(new Object[] {z, engine, error});
        byte[] document = lib.take(error.getValue());
        if (status != 0) {
            if (engine.getValue() != null) lib.close.invokeVoid(new Object[] {engine.getValue()});
            throw FirstsetException.fromDocument(status, document);
        }
        if (engine.getValue() == null) {
            throw new FirstsetException(FirstsetException.INTERNAL, "NO_ENGINE",
                    "firstset_open returned status 0 without an engine (a bug in libfirstset)",
                    "firstset_open 返回状态 0 却没有引擎（libfirstset 的缺陷）", null);
        }
        return new Engine(lib, engine.getValue(), shown);
    }

    /**
     * firstset_evaluate (firstset_evaluate_n on ABI 1.5): rules C, D and E for one bid of one
     * tender. request: {"tender": ..., "bid": ...}; answers the evaluate response document.
     */
    public String evaluate(String requestJson) {
        return evaluate(utf8(requestJson, "evaluate", "requestJson"));
    }

    /** evaluate with the request as UTF-8 bytes. */
    public String evaluate(byte[] requestUtf8) {
        return call("evaluate", requestUtf8);
    }

    /**
     * firstset_incentive_n (needs ABI 1.6): the first-purchase reward ceiling (clause （一）, Rule R)
     * or the premium subsidy per insured year (clause （二）, Rule S) for one certificate. Money is
     * a decimal string ("2200000.00"), never a JSON number; a bad amount throws FirstsetException
     * SCHEMA (MONEY_FORMAT, MONEY_NEGATIVE, MONEY_PRECISION, MONEY_RANGE).
     */
    public String incentive(String requestJson) {
        return incentive(utf8(requestJson, "incentive", "requestJson"));
    }

    /** incentive with the request as UTF-8 bytes. */
    public String incentive(byte[] requestUtf8) {
        return call("incentive", requestUtf8);
    }

    /** firstset_lint (firstset_lint_n on 1.5; needs ABI 1.2): audits a tender's evaluation method. */
    public String lint(String tenderJson) {
        return lint(utf8(tenderJson, "lint", "tenderJson"));
    }

    /** lint with the tender as UTF-8 bytes. */
    public String lint(byte[] tenderUtf8) {
        return call("lint", tenderUtf8);
    }

    /**
     * firstset_record (firstset_record_n on 1.5; needs ABI 1.1): appends an award, a failure report
     * or a tolerance decision to the configured ledger, on disk when this returns.
     */
    public String record(String recordJson) {
        return record(utf8(recordJson, "record", "recordJson"));
    }

    /** record with the record as UTF-8 bytes. */
    public String record(byte[] recordUtf8) {
        return call("record", recordUtf8);
    }

    /** firstset_status (needs ABI 1.3): the registry's source and age, the ledger, checkpoints, shipping. */
    public String status() {
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            Pointer e = handleOrThrow();
            lib.require("firstset_status", 3);
            PointerByReference out = new PointerByReference();
            int status = lib.status.invokeInt(new Object[] {e, out});
            return lib.result(status, out.getValue());
        } finally {
            r.unlock();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * firstset_verify (firstset_verify_n on 1.5; needs ABI 1.1): verifies a ledger file, no engine
     * needed. request: {"ledger": "path", "expected_head": {...}} (docs/abi.md section 7).
     */
    public static String verify(String requestJson) {
        return verify(utf8(requestJson, "verify", "requestJson"));
    }

    /** verify with the request as UTF-8 bytes. */
    public static String verify(byte[] requestUtf8) {
        if (requestUtf8 == null) throw nullArgument("verify", "requestUtf8");
        Native.Lib lib = Native.lib();
        lib.require("firstset_verify", 1);
        return lib.document(lib.verifyN, lib.verify, null, requestUtf8, "request");
    }

    /**
     * firstset_close. Waits for the calls running on this engine; later calls throw status 1
     * (ARGUMENT) code ENGINE_CLOSED. Idempotent.
     *
     * @throws IllegalStateException when called from inside a call on this engine (a log handler
     *         running on the calling thread), which could never finish
     */
    @Override
    public void close() {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("Engine.close() called from inside a call on the same engine (a log handler?)");
        }
        ReentrantReadWriteLock.WriteLock w = lock.writeLock();
        w.lock();
        try {
            cleanable.clean();  // runs Handle.run once: firstset_close
        } finally {
            w.unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return handle.get() == null;
    }

    /** The configuration path the engine was opened with. */
    public String configPath() {
        return config;
    }

    /** firstset_version() of the loaded library. */
    public static String version() {
        return Native.version();
    }

    /** firstset_abi_version() of the loaded library: (major &lt;&lt; 16) | minor. */
    public static int abiVersion() {
        return Native.abiVersion();
    }

    @Override
    public String toString() {
        return "firstset Engine(" + config + (isClosed() ? ", closed)" : ")");
    }

    // ---- internals ----

    private String call(String function, byte[] text) {
        if (text == null) throw nullArgument(function, "the document");
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            Pointer e = handleOrThrow();
            switch (function) {
                case "evaluate":
                    return lib.document(lib.evaluateN, lib.evaluate, e, text, "request");
                case "lint":
                    lib.require("firstset_lint", 2);
                    return lib.document(lib.lintN, lib.lint, e, text, "tender");
                case "incentive":
                    lib.require("firstset_incentive", 6);
                    return lib.document(lib.incentiveN, lib.incentive, e, text, "request");
                default:
                    lib.require("firstset_record", 1);
                    return lib.document(lib.recordN, lib.record, e, text, "record");
            }
        } finally {
            r.unlock();
            Reference.reachabilityFence(this);
        }
    }

    /** The open handle (caller holds the read lock), or ARGUMENT ENGINE_CLOSED as 1.5 gives it. */
    private Pointer handleOrThrow() {
        Pointer e = handle.get();
        if (e == null) {
            throw new FirstsetException(FirstsetException.ARGUMENT, "ENGINE_CLOSED",
                    "the engine was closed (Engine.close); open a new one",
                    "引擎已关闭（Engine.close），请重新打开", null);
        }
        return e;
    }

    private static byte[] utf8(String s, String function, String name) {
        if (s == null) throw nullArgument(function, name);
        return Text.encode(s, name);
    }

    private static FirstsetException nullArgument(String function, String name) {
        return new FirstsetException(FirstsetException.ARGUMENT, "ARGUMENT_NULL",
                function + ": " + name + " is null", function + "：" + name + " 为 null", null);
    }
}
