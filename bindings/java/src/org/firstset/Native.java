package org.firstset;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads libfirstset and holds its functions. The library is found by this rule, the first that
 * applies deciding (a rule that applies but fails is an error; the next is not tried):
 * <ol>
 * <li>an explicit path: {@link #load(Path)} called before first use, else the system property
 *     {@value #LIBRARY_PROPERTY} ({@code -Dfirstset.library=/path/to/libfirstset.so.1});</li>
 * <li>the environment variable {@value #LIBRARY_ENV}, the full path of the .so;</li>
 * <li>the system: the name {@value #SYSTEM_NAME} through the dynamic loader (ld.so.cache, so the
 *     Debian package's /usr/lib/x86_64-linux-gnu/libfirstset.so.1; LD_LIBRARY_PATH; JNA's
 *     {@code jna.library.path}).</li>
 * </ol>
 * A failure names each place and what happened there (FirstsetException, status IO, code
 * {@code LIBRARY_NOT_FOUND}). At load the ABI major version must be 1 (else CONFIG
 * {@code LIBRARY_ABI_MAJOR}); functions newer than ABI 1.0 are checked against the minor version
 * before each call (CONFIG {@code ABI_TOO_OLD}).
 */
public final class Native {
    /** The system property naming the library file: {@value}. */
    public static final String LIBRARY_PROPERTY = "firstset.library";
    /** The environment variable naming the library file: {@value}. */
    public static final String LIBRARY_ENV = "FIRSTSET_LIBRARY";
    /** The name given to the dynamic loader when neither is set: {@value}. */
    public static final String SYSTEM_NAME = "libfirstset.so.1";
    /** The ABI major version this binding speaks. */
    public static final int ABI_MAJOR = 1;

    private static volatile Lib lib;

    private Native() {}

    /**
     * Loads the library from this file. Call it before any other use of the binding; calling it
     * again with the same file does nothing, with another file once one is loaded is an
     * IllegalStateException (a process loads libfirstset once: it is linked -z nodelete).
     */
    public static void load(Path library) {
        if (library == null) {
            throw new FirstsetException(FirstsetException.ARGUMENT, "ARGUMENT_NULL", "Native.load: the path is null",
                    "Native.load：路径为 null", null);
        }
        synchronized (Native.class) {
            String file = library.toAbsolutePath().toString();
            if (lib != null) {
                if (!sameFile(lib.file, file)) {
                    throw new IllegalStateException("libfirstset is already loaded from " + lib.file + " (" + lib.source
                            + "); Native.load(" + file + ") must come before the first use of the binding");
                }
                return;
            }
            List<String> tried = new ArrayList<>();
            Lib l = open("Native.load(Path)", file, tried, true);
            Logging.loaded(l);  // before other threads can see the library
            lib = l;
        }
    }

    /** Loads the library by the rule of this class if it is not loaded yet. */
    public static void load() {
        lib();
    }

    /** Whether the library is loaded. */
    public static boolean isLoaded() {
        return lib != null;
    }

    /** The file the library was loaded from, or the name given to the dynamic loader. */
    public static String libraryPath() {
        return lib().file;
    }

    /** Which rule found the library: "Native.load(Path)", "-Dfirstset.library", "FIRSTSET_LIBRARY" or "system". */
    public static String librarySource() {
        return lib().source;
    }

    /** firstset_abi_version(): (major &lt;&lt; 16) | minor, e.g. 0x10005 for 1.5. */
    public static int abiVersion() {
        return lib().abi;
    }

    public static int abiMajor() {
        return lib().abi >>> 16;
    }

    public static int abiMinor() {
        return lib().abi & 0xFFFF;
    }

    /** Whether the loaded library has ABI 1.minor or newer. */
    public static boolean hasAbi(int minor) {
        return abiMinor() >= minor;
    }

    /** firstset_version(): the library's version, e.g. "0.1.0" (static storage in the library: never freed). */
    public static String version() {
        Lib l = lib();
        Pointer p = l.version.invokePointer(new Object[0]);
        if (p == null) return "";
        long n = p.indexOf(0, (byte) 0);
        return Text.decode(p.getByteArray(0, (int) n));
    }

    // ---- loading ----

    static Lib lib() {
        Lib loaded = lib;
        if (loaded != null) return loaded;
        synchronized (Native.class) {
            if (lib != null) return lib;
            List<String> tried = new ArrayList<>();
            Lib l;
            String property = System.getProperty(LIBRARY_PROPERTY);
            String env = System.getenv(LIBRARY_ENV);
            if (property != null && !property.isEmpty()) {
                tried.add("Native.load(Path): not called");
                l = open("-D" + LIBRARY_PROPERTY, property, tried, true);
            } else if (env != null && !env.isEmpty()) {
                tried.add("Native.load(Path): not called");
                tried.add("system property " + LIBRARY_PROPERTY + ": not set");
                l = open(LIBRARY_ENV, env, tried, true);
            } else {
                tried.add("Native.load(Path): not called");
                tried.add("system property " + LIBRARY_PROPERTY + ": not set");
                tried.add("environment variable " + LIBRARY_ENV + ": not set");
                l = open("system", SYSTEM_NAME, tried, false);
            }
            Logging.loaded(l);  // before other threads can see the library
            lib = l;
            return l;
        }
    }

    private static boolean sameFile(String a, String b) {
        try {
            return a.equals(b) || Files.isSameFile(Path.of(a), Path.of(b));
        } catch (Exception e) {
            return false;
        }
    }

    private static Lib open(String source, String name, List<String> tried, boolean isPath) {
        String where = source.equals("system") ? "the system (the dynamic loader, name " + name + ")"
                : source.startsWith("-D") ? "system property " + LIBRARY_PROPERTY + "=" + name
                : source.equals(LIBRARY_ENV) ? "environment variable " + LIBRARY_ENV + "=" + name
                : source + ": " + name;
        if (isPath) {
            Path file;
            try {
                file = Path.of(name);
            } catch (java.nio.file.InvalidPathException e) {
                // the JVM read the name in its charset (LANG=C: ASCII) and lost its other characters
                tried.add(where + ": the name cannot be read in this JVM's charset ("
                        + System.getProperty("sun.jnu.encoding", "?") + "): use an ASCII path or a UTF-8 locale");
                throw notFound(tried, source);
            }
            if (!Files.isRegularFile(file)) {
                tried.add(where + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
                throw notFound(tried, source);
            }
        }
        NativeLibrary nl;
        try {
            nl = NativeLibrary.getInstance(name);
        } catch (UnsatisfiedLinkError e) {
            tried.add(where + ": " + firstLine(e.getMessage()));
            throw notFound(tried, source);
        }
        Lib l = new Lib(source, isPath ? name : describe(nl, name), nl);
        l.check();
        return l;
    }

    /** The file the dynamic loader mapped for a name (from /proc/self/maps), else what JNA says, else the name. */
    private static String describe(NativeLibrary nl, String name) {
        try {
            String maps = new String(Files.readAllBytes(Path.of("/proc/self/maps")), java.nio.charset.StandardCharsets.UTF_8);
            for (String line : maps.split("\n")) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                String file = line.substring(slash);
                if (file.substring(file.lastIndexOf('/') + 1).startsWith("libfirstset.so")) return file;
            }
        } catch (Exception e) {
            // not Linux, or not readable: fall through
        }
        try {
            java.io.File f = nl.getFile();
            return f != null ? f.getPath() : name;
        } catch (RuntimeException e) {
            return name;
        }
    }

    /** The dynamic loader's own words from JNA's message ("Unable to load library 'x':\n<dlerror>\n..."). */
    private static String firstLine(String s) {
        if (s == null) return "cannot be loaded";
        String[] lines = s.split("\n");
        if (lines.length > 1 && lines[0].endsWith(":") && !lines[1].isEmpty()) return lines[1];
        return lines[0];
    }

    private static FirstsetException notFound(List<String> tried, String source) {
        StringBuilder m = new StringBuilder("libfirstset could not be loaded. Tried, in order:");
        for (String t : tried) m.append("\n  - ").append(t);
        m.append("\nFix: install the libfirstset package (it provides /usr/lib/x86_64-linux-gnu/").append(SYSTEM_NAME)
                .append("), or give the full path of the library with Native.load(Path), -D").append(LIBRARY_PROPERTY)
                .append("=/path/to/").append(SYSTEM_NAME).append(" or the environment variable ").append(LIBRARY_ENV).append('.');
        if (!source.equals("system")) m.append(" The first of these that is set is the only place looked at.");
        return new FirstsetException(FirstsetException.IO, "LIBRARY_NOT_FOUND", m.toString(),
                "无法加载 libfirstset，已尝试：" + String.join("；", tried)
                        + "。请安装 libfirstset 软件包，或用 Native.load(Path)、-D" + LIBRARY_PROPERTY + " 或环境变量 "
                        + LIBRARY_ENV + " 指定库文件的完整路径。",
                null);
    }

    /** Refuses a library of another ABI major version (package-private for the tests). */
    static void checkAbi(int abi, String file) {
        if (abi >>> 16 != ABI_MAJOR) {
            throw new FirstsetException(FirstsetException.CONFIG, "LIBRARY_ABI_MAJOR",
                    file + " has ABI version " + (abi >>> 16) + "." + (abi & 0xFFFF) + "; this binding needs ABI major "
                            + ABI_MAJOR + " (a libfirstset.so.1)",
                    file + " 的 ABI 版本为 " + (abi >>> 16) + "." + (abi & 0xFFFF) + "；本绑定需要 ABI 主版本 " + ABI_MAJOR,
                    null);
        }
    }

    /** The error for a function the loaded library is too old for. */
    static FirstsetException tooOld(String function, int minor, int abi, String file) {
        return new FirstsetException(FirstsetException.CONFIG, "ABI_TOO_OLD",
                function + " needs ABI 1." + minor + "; the loaded libfirstset (" + file + ") has ABI "
                        + (abi >>> 16) + "." + (abi & 0xFFFF) + ". Install a newer libfirstset.",
                function + " 需要 ABI 1." + minor + "；已加载的 libfirstset（" + file + "）的 ABI 为 "
                        + (abi >>> 16) + "." + (abi & 0xFFFF) + "，请安装更新的 libfirstset。",
                null);
    }

    // ---- the loaded library ----

    /** The functions of one loaded library. Those newer than its minor version stay null. */
    static final class Lib {
        final String source;
        final String file;
        final NativeLibrary library;
        int abi;
        Function abiVersion, version, open, close, evaluate, free;
        Function record, verify;            // 1.1
        Function lint;                      // 1.2
        Function status;                    // 1.3
        Function evaluateN, lintN, recordN, verifyN, setLogCallback;  // 1.5
        Function incentive, incentiveN;     // 1.6

        Lib(String source, String file, NativeLibrary library) {
            this.source = source;
            this.file = file;
            this.library = library;
        }

        private Function function(String name) {
            try {
                return library.getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                throw new FirstsetException(FirstsetException.CONFIG, "LIBRARY_INCOMPLETE",
                        file + " is not a usable libfirstset: it has no function " + name + " (ABI "
                                + (abi >>> 16) + "." + (abi & 0xFFFF) + ")",
                        file + " 不是可用的 libfirstset：缺少函数 " + name, null);
            }
        }

        void check() {
            try {
                abiVersion = library.getFunction("firstset_abi_version");
            } catch (UnsatisfiedLinkError e) {
                throw new FirstsetException(FirstsetException.CONFIG, "LIBRARY_NOT_FIRSTSET",
                        file + " was loaded but is not libfirstset: it has no function firstset_abi_version",
                        file + " 已加载，但不是 libfirstset：缺少函数 firstset_abi_version", null);
            }
            abi = abiVersion.invokeInt(new Object[0]);
            checkAbi(abi, file);
            int minor = abi & 0xFFFF;
            version = function("firstset_version");
            open = function("firstset_open");
            close = function("firstset_close");
            evaluate = function("firstset_evaluate");
            free = function("firstset_free");
            if (minor >= 1) {
                record = function("firstset_record");
                verify = function("firstset_verify");
            }
            if (minor >= 2) lint = function("firstset_lint");
            if (minor >= 3) status = function("firstset_status");
            if (minor >= 5) {
                evaluateN = function("firstset_evaluate_n");
                lintN = function("firstset_lint_n");
                recordN = function("firstset_record_n");
                verifyN = function("firstset_verify_n");
                setLogCallback = function("firstset_set_log_callback");
            }
            if (minor >= 6) {
                incentive = function("firstset_incentive");
                incentiveN = function("firstset_incentive_n");
            }
        }

        int minor() {
            return abi & 0xFFFF;
        }

        void require(String function, int minor) {
            if (minor() < minor) throw tooOld(function, minor, abi, file);
        }

        void free(Pointer p) {
            if (p != null) free.invokeVoid(new Object[] {p});
        }

        /** The bytes of a returned string, which is freed here whatever happens. */
        byte[] take(Pointer p) {
            if (p == null) return null;
            try {
                long n = p.indexOf(0, (byte) 0);
                if (n > Integer.MAX_VALUE - 8) {
                    throw new FirstsetException(FirstsetException.INTERNAL, "RESPONSE_TOO_LARGE",
                            "libfirstset returned a string of " + n + " bytes, more than a Java array holds",
                            "libfirstset 返回的字符串有 " + n + " 字节，超出 Java 数组的容量", null);
                }
                return p.getByteArray(0, (int) n);
            } finally {
                free(p);
            }
        }

        /**
         * The response for a status and an out string (freed here): the text when the status is 0,
         * else the exception made from the error document.
         */
        String result(int status, Pointer out) {
            byte[] bytes = take(out);
            return result(status, bytes);
        }

        static String result(int status, byte[] bytes) {
            if (status != 0) throw FirstsetException.fromDocument(status, bytes);
            if (bytes == null) {
                throw new FirstsetException(FirstsetException.INTERNAL, "NO_RESPONSE",
                        "libfirstset returned status 0 without a response (a bug in libfirstset)",
                        "libfirstset 返回状态 0 却没有响应（libfirstset 的缺陷）", null);
            }
            String text;
            try {
                text = Text.decode(bytes);
                Json.validate(text);
            } catch (IllegalArgumentException e) {
                throw new FirstsetException(FirstsetException.INTERNAL, "BAD_RESPONSE",
                        "libfirstset returned a response that is not UTF-8 JSON (a bug in libfirstset): " + e.getMessage(),
                        "libfirstset 返回的响应不是 UTF-8 JSON（libfirstset 的缺陷）：" + e.getMessage(),
                        null, null, 0, 0, null, e);
            }
            return text;
        }

        /**
         * Calls a document function: the *_n form with the byte length on ABI 1.5, else the
         * NUL-terminated form with a NUL appended here (a text holding a NUL byte is refused,
         * PARSE, as 1.5 refuses it: the C string would end there and another document be read).
         * engine is null for firstset_verify.
         */
        String document(Function withLength, Function nulTerminated, Pointer engine, byte[] text, String what) {
            PointerByReference out = new PointerByReference();
            int status;
            if (withLength != null) {
                Object size = com.sun.jna.Native.SIZE_T_SIZE == 8 ? (Object) Long.valueOf(text.length)
                                                                  : (Object) Integer.valueOf(text.length);
                status = engine == null ? withLength.invokeInt(new Object[] {text, size, out})
                                        : withLength.invokeInt(new Object[] {engine, text, size, out});
            } else {
                int nul = Text.indexOfNul(text);
                if (nul >= 0) {
                    throw new FirstsetException(FirstsetException.PARSE, "JSON_SYNTAX",
                            "the " + what + " is not well-formed JSON: it holds a NUL byte (byte " + nul
                                    + ") (checked by the binding: this libfirstset reads C strings)",
                            what + " 不是格式正确的 JSON：含有 NUL 字节（第 " + nul + " 字节）", null);
                }
                byte[] z = Arrays.copyOf(text, text.length + 1);  // z[text.length] == 0
                status = engine == null ? nulTerminated.invokeInt(new Object[] {z, out})
                                        : nulTerminated.invokeInt(new Object[] {engine, z, out});
            }
            return result(status, out.getValue());
        }
    }
}
