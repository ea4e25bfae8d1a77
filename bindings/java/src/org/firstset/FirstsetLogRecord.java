package org.firstset;

import java.util.logging.LogRecord;

/**
 * A libfirstset log message as a java.util.logging record of logger {@value Logging#LOGGER_NAME}.
 * Its message is {@code "[CODE] text"}; the code is also {@link #code()} and the record's source
 * method name, and the source class name is {@code "libfirstset"}. It has no parameters, so no
 * formatter reads the text as a MessageFormat pattern.
 */
public class FirstsetLogRecord extends LogRecord {
    private static final long serialVersionUID = 1L;

    private final LogLevel firstsetLevel;
    private final String code;
    private final String text;

    public FirstsetLogRecord(LogLevel level, String code, String text) {
        super(level.javaLevel(), "[" + code + "] " + text);
        this.firstsetLevel = level;
        this.code = code;
        this.text = text;
        setLoggerName(Logging.LOGGER_NAME);
        setSourceClassName("libfirstset");
        setSourceMethodName(code);
    }

    /** The stable code, e.g. {@code "ENGINE_OPENED"}. */
    public String code() {
        return code;
    }

    /** The message without the code. */
    public String text() {
        return text;
    }

    /** The level as the library gave it. */
    public LogLevel firstsetLevel() {
        return firstsetLevel;
    }

    public String getCode() {
        return code;
    }
}
