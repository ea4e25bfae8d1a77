package org.firstset;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Where libfirstset's log messages go (ABI 1.5, firstset_set_log_callback). When the binding
 * loads a 1.5 library it sets a log callback that passes each message to the java.util.logging
 * Logger {@value #LOGGER_NAME} as a {@link FirstsetLogRecord} (level DEBUG → FINE, INFO → INFO,
 * WARN → WARNING, ERROR → SEVERE; message {@code "[CODE] text"}; the code also in
 * {@link FirstsetLogRecord#code()}). A host may send them to its own {@link LogHandler}, drop them,
 * or give them back to the library's standard error output. The system property
 * {@value #MODE_PROPERTY} chooses at load: {@code java} (the default), {@code off} or
 * {@code stderr}.
 *
 * <p>Which messages there are is set by each engine's configuration ({@code log: {level: info}});
 * a log file named there is written too. The callback is process-wide; the binding keeps its native
 * callback object for the life of the process and unsets it in a shutdown hook, so that no message
 * arrives into a JVM that is shutting down. On a library older than ABI 1.5 the library writes to
 * standard error and the methods of this class that would set a callback throw FirstsetException
 * (CONFIG, ABI_TOO_OLD: "needs ABI 1.5").
 */
public final class Logging {
    /** The java.util.logging Logger the messages go to: {@value}. */
    public static final String LOGGER_NAME = "org.firstset";
    /** The system property choosing where messages go when the library loads: {@value} = java | off | stderr. */
    public static final String MODE_PROPERTY = "firstset.log";

    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    private static final LogHandler JAVA_LOGGING = Logging::toJavaLogging;
    private static final ThreadLocal<Boolean> IN_CALLBACK = new ThreadLocal<>();

    // Read by the callback without a lock; set under the class lock.
    private static volatile LogHandler handler = JAVA_LOGGING;  // null: messages dropped
    private static volatile String mode = "java";
    private static volatile boolean shuttingDown;
    // Guarded by Logging.class.
    private static Bridge bridge;        // the native callback: made once, referenced for ever (never collected)
    private static boolean installed;    // whether the library has our callback
    private static boolean hooked;       // the shutdown hook is registered
    private static Native.Lib library;

    private Logging() {}

    /** The Logger {@value #LOGGER_NAME}: set its level and handlers as for any other. */
    public static Logger logger() {
        return LOGGER;
    }

    /** The handler that passes messages to java.util.logging (the default), for hosts that wrap it. */
    public static LogHandler javaLoggingHandler() {
        return JAVA_LOGGING;
    }

    /** Sends messages to the Logger {@value #LOGGER_NAME} (the default). Needs ABI 1.5. */
    public static void useJavaLogging() {
        route(JAVA_LOGGING, "java");
    }

    /** Sends messages to the host's handler instead (null: back to java.util.logging). Needs ABI 1.5. */
    public static void setHandler(LogHandler logHandler) {
        if (logHandler == null) useJavaLogging();
        else route(logHandler, "handler");
    }

    /** Drops every message (the callback stays set; nothing is written to standard error). Needs ABI 1.5. */
    public static void off() {
        route(null, "off");
    }

    /**
     * Unsets the callback: the library writes messages to standard error as without a binding
     * (on a library older than 1.5 it always does; then this does nothing).
     */
    public static void useStandardError() {
        refuseInsideCallback();
        Native.Lib lib = Native.lib();
        synchronized (Logging.class) {
            if (lib.minor() >= 5 && installed) {
                int status = lib.setLogCallback.invokeInt(new Object[] {null, null});
                if (status != 0) throw refused(status);
                installed = false;
            }
            handler = null;
            mode = "stderr";
        }
    }

    /**
     * Where messages go now: "java", "handler", "off", "stderr", or "stderr (ABI before 1.5)" on an
     * older library. Loads the library if it is not loaded.
     */
    public static String mode() {
        Native.lib();
        return mode;
    }

    /** Whether the loaded library can pass its messages to Java (ABI 1.5 or newer). */
    public static boolean isAvailable() {
        return Native.lib().minor() >= 5;
    }

    // ---- internals ----

    private static void route(LogHandler h, String m) {
        // Before the class lock: a thread holding it may be waiting in firstset_set_log_callback
        // for this very callback to return.
        refuseInsideCallback();
        Native.Lib lib = Native.lib();  // outside the class lock: loading calls loaded() below
        synchronized (Logging.class) {
            lib.require("firstset_set_log_callback", 5);
            handler = h;
            mode = m;
            if (!installed) install(lib);
        }
    }

    /** Called by Native once the library is loaded: sets the callback as the property says. */
    static synchronized void loaded(Native.Lib lib) {
        library = lib;
        if (lib.minor() < 5) {
            handler = null;
            mode = "stderr (ABI before 1.5)";
            return;
        }
        String wanted = System.getProperty(MODE_PROPERTY, "java").trim();
        switch (wanted) {
            case "stderr":
                handler = null;
                mode = "stderr";
                return;
            case "off":
                handler = null;
                mode = "off";
                break;
            default:
                handler = JAVA_LOGGING;
                mode = "java";
                if (!wanted.equals("java") && !wanted.isEmpty()) {
                    LOGGER.warning("system property " + MODE_PROPERTY + "=" + wanted
                            + " is not java, off or stderr: messages go to java.util.logging");
                }
        }
        try {
            install(lib);
        } catch (RuntimeException e) {
            LOGGER.warning("libfirstset's messages stay on standard error: " + e.getMessage());
            handler = null;
            mode = "stderr";
        }
    }

    private static void install(Native.Lib lib) {
        if (shuttingDown) return;
        if (bridge == null) {
            Bridge b = new Bridge();
            // Threads of the library's own (registry refresh, checkpoints, shipping) are attached to
            // the JVM as daemon threads for a callback and detached after it.
            com.sun.jna.Native.setCallbackThreadInitializer(b, new CallbackThreadInitializer(true, true, "firstset-log"));
            bridge = b;
        }
        int status = lib.setLogCallback.invokeInt(new Object[] {bridge, null});
        if (status != 0) throw refused(status);
        installed = true;
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Logging::shutdown, "firstset-log-shutdown"));
            hooked = true;
        }
    }

    /**
     * The shutdown hook: unsets the callback, so that the library's threads write to standard
     * error from now on instead of calling into a JVM being torn down. firstset_set_log_callback
     * waits for callbacks running; a handler that never returns (one that called System.exit)
     * is not waited for beyond five seconds.
     */
    private static void shutdown() {
        shuttingDown = true;
        Thread unset = new Thread(() -> {
            synchronized (Logging.class) {
                if (installed && library != null) {
                    library.setLogCallback.invokeInt(new Object[] {null, null});
                    installed = false;
                }
                handler = null;
                mode = "stderr";
            }
        }, "firstset-log-unset");
        unset.setDaemon(true);
        unset.start();
        try {
            unset.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void refuseInsideCallback() {
        if (IN_CALLBACK.get() != null) {
            throw new IllegalStateException("org.firstset.Logging cannot be changed from inside a log handler "
                    + "(firstset_set_log_callback must not be called from the callback)");
        }
    }

    private static FirstsetException refused(int status) {
        return new FirstsetException(status, "LOG_CALLBACK_REFUSED",
                "firstset_set_log_callback returned status " + status,
                "firstset_set_log_callback 返回状态 " + status, null);
    }

    private static void toJavaLogging(LogLevel level, String code, String message) {
        if (!LOGGER.isLoggable(level.javaLevel())) return;
        LOGGER.log(new FirstsetLogRecord(level, code, message));
    }

    private static String text(Pointer p) {
        if (p == null) return "";
        long n = p.indexOf(0, (byte) 0);
        return new String(p.getByteArray(0, (int) Math.min(n, Integer.MAX_VALUE - 8)), StandardCharsets.UTF_8);
    }

    /** The signature of firstset_log_fn: strings as pointers, decoded here as UTF-8 (never by JNA). */
    public interface NativeCallback extends com.sun.jna.Callback {
        void invoke(Pointer userData, int level, Pointer code, Pointer message);
    }

    private static final class Bridge implements NativeCallback {
        @Override
        public void invoke(Pointer userData, int level, Pointer code, Pointer message) {
            LogHandler h = handler;
            if (h == null || shuttingDown) return;
            IN_CALLBACK.set(Boolean.TRUE);
            try {
                h.log(LogLevel.of(level), text(code), text(message));
            } catch (Throwable t) {
                // nothing may propagate into the library's thread
            } finally {
                IN_CALLBACK.remove();
            }
        }
    }
}
