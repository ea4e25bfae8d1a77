package org.firstset;

import java.util.Collections;
import java.util.Map;

/**
 * A non-zero status of libfirstset, built from the error document the library returned with it
 * (docs/abi.md section 2):
 * <pre>{"error": {"status": "SCHEMA", "code": "...", "message": "...", "message_zh": "...", "path": "/..."}}</pre>
 * The binding raises it too, with its own codes, for what it finds before a native call (a closed
 * engine, a library too old for a function, a library that cannot be found) and for a response
 * that is not UTF-8 JSON (status {@link #INTERNAL}). Unchecked, so that it needs no {@code throws}.
 */
public class FirstsetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int OK = 0;
    public static final int ARGUMENT = 1;
    public static final int PARSE = 2;
    public static final int SCHEMA = 3;
    public static final int CONFIG = 4;
    public static final int IO = 5;
    public static final int INTEGRITY = 6;
    public static final int NOT_FOUND = 7;
    public static final int LIMIT = 8;
    public static final int INTERNAL = 99;

    private final int status;
    private final String code;
    private final String messageZh;
    private final String path;
    private final String file;
    private final int line;
    private final int column;
    private final String errorJson;
    private transient Map<String, Object> document;

    /** An exception with the fields of an error document; {@link #errorJson()} is made from them. */
    public FirstsetException(int status, String code, String message, String messageZh, String path) {
        this(status, code, message, messageZh, path, null, 0, 0, null, null);
    }

    FirstsetException(int status, String code, String message, String messageZh, String path, String file,
                      int line, int column, String errorJson, Throwable cause) {
        super(message == null ? "" : message, cause);
        this.status = status;
        this.code = code == null ? "" : code;
        this.messageZh = messageZh == null ? "" : messageZh;
        this.path = path;
        this.file = file;
        this.line = line;
        this.column = column;
        this.errorJson = errorJson != null ? errorJson : makeDocument();
    }

    /** The status: 1 ARGUMENT ... 8 LIMIT, 99 INTERNAL (the constants of this class). */
    public int status() { return status; }

    /** The stable code, e.g. {@code "SCHEMA_PATTERN"} (docs/errors.md; the binding's own in README.md). */
    public String code() { return code; }

    /** The JSON Pointer into the request the error is about, or null when the document has none. */
    public String path() { return path; }

    /** The English message (the same as {@link #getMessage()}). */
    public String message() { return getMessage(); }

    /** The Chinese message ({@code message_zh}). */
    public String messageZh() { return messageZh; }

    /** The status's name in capitals as the error document gives it, e.g. {@code "SCHEMA"}. */
    public String statusName() { return statusName(status); }

    /** The file at fault (errors about a configuration, pack or registry file), or null. */
    public String file() { return file; }

    /** The line in {@link #file()} (1-based), or 0 when the document gives none. */
    public int line() { return line; }

    /** The column in {@link #file()} (1-based), or 0 when the document gives none. */
    public int column() { return column; }

    /** The error document as the library returned it (or as the binding made it), JSON text. */
    public String errorJson() { return errorJson; }

    /**
     * The error document parsed: JSON objects as {@code Map<String, Object>}, arrays as
     * {@code List<Object>}, strings, {@code Long} or {@code java.math.BigDecimal}, {@code Boolean},
     * and null.
     */
    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> document() {
        if (document == null) {
            try {
                document = Collections.unmodifiableMap((Map<String, Object>) Json.parse(errorJson));
            } catch (RuntimeException e) {
                document = Collections.emptyMap();
            }
        }
        return document;
    }

    // Bean-style spellings of the same.
    public int getStatus() { return status; }
    public String getCode() { return code; }
    public String getPath() { return path; }
    public String getMessageZh() { return messageZh; }
    public String getStatusName() { return statusName(); }
    public String getErrorJson() { return errorJson; }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getName()).append(": ").append(statusName(status))
                .append(' ').append(code);
        if (path != null) s.append(" at ").append(path.isEmpty() ? "\"\"" : path);
        if (file != null) s.append(" in ").append(file).append(line > 0 ? ":" + line : "");
        return s.append(": ").append(getMessage()).toString();
    }

    /** The name of a status as error documents spell it, e.g. 3 -> {@code "SCHEMA"}. */
    public static String statusName(int status) {
        switch (status) {
            case OK: return "OK";
            case ARGUMENT: return "ARGUMENT";
            case PARSE: return "PARSE";
            case SCHEMA: return "SCHEMA";
            case CONFIG: return "CONFIG";
            case IO: return "IO";
            case INTEGRITY: return "INTEGRITY";
            case NOT_FOUND: return "NOT_FOUND";
            case LIMIT: return "LIMIT";
            case INTERNAL: return "INTERNAL";
            default: return "STATUS_" + status;
        }
    }

    private String makeDocument() {
        StringBuilder s = new StringBuilder("{\"error\":{\"status\":");
        Json.quote(statusName(status), s);
        s.append(",\"code\":");
        Json.quote(code, s);
        s.append(",\"message\":");
        Json.quote(getMessage(), s);
        s.append(",\"message_zh\":");
        Json.quote(messageZh, s);
        if (path != null) {
            s.append(",\"path\":");
            Json.quote(path, s);
        }
        if (file != null) {
            s.append(",\"file\":");
            Json.quote(file, s);
        }
        if (line > 0) s.append(",\"line\":").append(line);
        if (column > 0) s.append(",\"column\":").append(column);
        return s.append("}}").toString();
    }

    // ---- made from a returned error document ----

    /**
     * The exception for a non-zero status and the bytes of the error document returned with it
     * (null when the library returned none). A document that is not UTF-8 JSON of the documented
     * shape is a library bug: INTERNAL, naming the status the library gave.
     */
    static FirstsetException fromDocument(int status, byte[] document) {
        if (document == null) {
            return new FirstsetException(INTERNAL, "NO_ERROR_DOCUMENT",
                    "libfirstset returned status " + status + " (" + statusName(status)
                            + ") without an error document (a bug in libfirstset)",
                    "libfirstset 返回状态 " + status + "（" + statusName(status) + "）却没有错误文档（libfirstset 的缺陷）",
                    null);
        }
        String text;
        Object parsed;
        try {
            text = Text.decode(document);
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            return new FirstsetException(INTERNAL, "BAD_ERROR_DOCUMENT",
                    "libfirstset returned status " + status + " (" + statusName(status)
                            + ") with an error document that is not UTF-8 JSON (a bug in libfirstset): " + e.getMessage(),
                    "libfirstset 返回状态 " + status + "（" + statusName(status) + "），但错误文档不是 UTF-8 JSON（libfirstset 的缺陷）",
                    null, null, 0, 0, null, e);
        }
        Object error = parsed instanceof Map ? ((Map<?, ?>) parsed).get("error") : null;
        if (!(error instanceof Map) || !(((Map<?, ?>) error).get("code") instanceof String)) {
            return new FirstsetException(INTERNAL, "BAD_ERROR_DOCUMENT",
                    "libfirstset returned status " + status + " (" + statusName(status)
                            + ") with an error document without error.code (a bug in libfirstset): " + text,
                    "libfirstset 返回状态 " + status + "（" + statusName(status) + "），但错误文档缺少 error.code（libfirstset 的缺陷）",
                    null, null, 0, 0, text, null);
        }
        Map<?, ?> e = (Map<?, ?>) error;
        return new FirstsetException(status, (String) e.get("code"), string(e.get("message")), string(e.get("message_zh")),
                string(e.get("path")), string(e.get("file")), integer(e.get("line")), integer(e.get("column")), text, null);
    }

    private static String string(Object o) { return o instanceof String ? (String) o : null; }

    private static int integer(Object o) {
        if (o instanceof Long && (Long) o > 0 && (Long) o <= Integer.MAX_VALUE) return ((Long) o).intValue();
        return 0;
    }
}
