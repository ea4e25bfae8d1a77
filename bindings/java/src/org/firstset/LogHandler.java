package org.firstset;

/**
 * A host's receiver of libfirstset's log messages ({@link Logging#setHandler}). Called from any
 * thread, the engine's background threads included, and concurrently: return quickly, and do not
 * change {@link Logging} from inside it. An exception it throws is dropped.
 */
@FunctionalInterface
public interface LogHandler {
    /**
     * @param level   the message's level
     * @param code    a stable code, e.g. {@code "ENGINE_OPENED"}, {@code "REGISTRY_REFRESH_FAILED"}
     * @param message the message (English)
     */
    void log(LogLevel level, String code, String message);
}
