package org.firstset;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict RFC 8259 reader, enough to read error documents and to check that every response is
 * one JSON value (a response that is not would be a bug in libfirstset: INTERNAL). Member names
 * given twice and lone surrogate escapes are refused, as libfirstset's own reader refuses them.
 * Not part of the API: hosts parse responses with their own JSON library.
 */
final class Json {
    private static final int MAX_DEPTH = 512;

    private final String s;
    private final boolean build;
    private int i;

    private Json(String s, boolean build) {
        this.s = s;
        this.build = build;
    }

    /** The value: Map (insertion order), List, String, Long or BigDecimal, Boolean, or null. */
    static Object parse(String text) {
        Json j = new Json(text, true);
        Object v = j.document();
        return v;
    }

    /** Throws IllegalArgumentException unless the text is exactly one JSON value. */
    static void validate(String text) {
        new Json(text, false).document();
    }

    /** Appends s as a JSON string. */
    static void quote(String v, StringBuilder out) {
        out.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c) && !validPair(v, k)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) out.append(v.charAt(++k));
                    }
            }
        }
        out.append('"');
    }

    private static boolean validPair(String v, int k) {
        return Character.isHighSurrogate(v.charAt(k)) && k + 1 < v.length() && Character.isLowSurrogate(v.charAt(k + 1));
    }

    private Object document() {
        space();
        Object v = value(0);
        space();
        if (i != s.length()) throw fail("more after the value");
        return v;
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("not JSON: " + what + " at character " + i);
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private Object value(int depth) {
        if (i >= s.length()) throw fail("a value expected");
        char c = s.charAt(i);
        switch (c) {
            case '{': return object(depth + 1);
            case '[': return array(depth + 1);
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return null;
            default:
                if (c == '-' || c >= '0' && c <= '9') return number();
                throw fail("unexpected character");
        }
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) throw fail("unexpected word");
        i += word.length();
    }

    private Object object(int depth) {
        if (depth > MAX_DEPTH) throw fail("nested too deep");
        i++;
        Map<String, Object> map = build ? new LinkedHashMap<>() : null;
        Set<String> names = build ? null : new HashSet<>();
        space();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return map;
        }
        while (true) {
            space();
            if (i >= s.length() || s.charAt(i) != '"') throw fail("a member name expected");
            String name = string();
            boolean fresh = build ? !map.containsKey(name) : names.add(name);
            if (!fresh) throw fail("member name \"" + name + "\" given twice");
            space();
            if (i >= s.length() || s.charAt(i) != ':') throw fail("':' expected");
            i++;
            space();
            Object v = value(depth);
            if (build) map.put(name, v);
            space();
            if (i >= s.length()) throw fail("'}' expected");
            char c = s.charAt(i++);
            if (c == '}') return map;
            if (c != ',') throw fail("',' or '}' expected");
        }
    }

    private Object array(int depth) {
        if (depth > MAX_DEPTH) throw fail("nested too deep");
        i++;
        List<Object> list = build ? new ArrayList<>() : null;
        space();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return list;
        }
        while (true) {
            space();
            Object v = value(depth);
            if (build) list.add(v);
            space();
            if (i >= s.length()) throw fail("']' expected");
            char c = s.charAt(i++);
            if (c == ']') return list;
            if (c != ',') throw fail("',' or ']' expected");
        }
    }

    private String string() {
        i++;  // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw fail("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw fail("control character in a string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw fail("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"': b.append('"'); break;
                case '\\': b.append('\\'); break;
                case '/': b.append('/'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'u': {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!s.startsWith("\\u", i)) throw fail("lone surrogate escape");
                        i += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) throw fail("lone surrogate escape");
                        b.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw fail("lone surrogate escape");
                    } else {
                        b.append(u);
                    }
                    break;
                }
                default: throw fail("unknown escape");
            }
        }
    }

    private char hex4() {
        if (i + 4 > s.length()) throw fail("short \\u escape");
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i++), 16);
            if (d < 0) throw fail("bad \\u escape");
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() {
        int start = i;
        boolean integer = true;
        if (s.charAt(i) == '-') i++;
        if (i < s.length() && s.charAt(i) == '0') {
            i++;
        } else if (!digits()) {
            throw fail("a digit expected");
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            integer = false;
            if (!digits()) throw fail("a digit expected after '.'");
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            integer = false;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (!digits()) throw fail("a digit expected in the exponent");
        }
        if (!build) return null;
        String text = s.substring(start, i);
        if (integer) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException big) {
                return new BigDecimal(text);
            }
        }
        return new BigDecimal(text);
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i > start;
    }
}
