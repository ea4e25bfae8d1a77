package org.firstset;

import java.util.logging.Level;

/** The levels of libfirstset's log callback (enum firstset_log_level) and their java.util.logging levels. */
public enum LogLevel {
    /** FIRSTSET_LOG_DEBUG (1): {@link Level#FINE}. */
    DEBUG(1, Level.FINE),
    /** FIRSTSET_LOG_INFO (2): {@link Level#INFO}. */
    INFO(2, Level.INFO),
    /** FIRSTSET_LOG_WARN (3): {@link Level#WARNING}. */
    WARN(3, Level.WARNING),
    /** FIRSTSET_LOG_ERROR (4): {@link Level#SEVERE}. */
    ERROR(4, Level.SEVERE);

    private final int nativeLevel;
    private final Level javaLevel;

    LogLevel(int nativeLevel, Level javaLevel) {
        this.nativeLevel = nativeLevel;
        this.javaLevel = javaLevel;
    }

    /** The number the library gives: 1 DEBUG, 2 INFO, 3 WARN, 4 ERROR. */
    public int nativeLevel() {
        return nativeLevel;
    }

    /** The java.util.logging level the bridge logs at. */
    public Level javaLevel() {
        return javaLevel;
    }

    /** The level for a number the library gave; below 1 is DEBUG, above 4 ERROR. */
    public static LogLevel of(int nativeLevel) {
        if (nativeLevel <= 1) return DEBUG;
        if (nativeLevel == 2) return INFO;
        if (nativeLevel == 3) return WARN;
        return ERROR;
    }
}
