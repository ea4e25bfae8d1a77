package org.firstset;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/** UTF-8 in and out, whatever the platform's charset: nothing here uses the default charset. */
final class Text {
    private Text() {}

    /** Strict UTF-8 decoding: malformed bytes (overlong forms, surrogates, cut sequences) are refused. */
    static String decode(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8: " + e);
        }
    }

    /**
     * Strict UTF-8 encoding: a lone surrogate in the String (not Unicode text) is refused instead of
     * becoming '?', as String.getBytes would make it.
     */
    static byte[] encode(String s, String what) {
        CharsetEncoder e = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer b = e.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException x) {
            throw new FirstsetException(FirstsetException.PARSE, "NOT_UNICODE",
                    what + " holds a lone UTF-16 surrogate: it is not Unicode text and has no UTF-8 form",
                    what + " 含有不成对的 UTF-16 代理项：不是 Unicode 文本，无法编码为 UTF-8", null);
        }
    }

    /** The index of the first NUL byte, or -1. */
    static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return i;
        return -1;
    }

    /**
     * The bytes of a path as the file system holds them. A Path of the default file system keeps
     * its name as bytes; its URI gives them back exactly (percent-encoded), also when the JVM's
     * charset could not show them (LANG=C) or they are not UTF-8. Relative paths become absolute.
     */
    static byte[] pathBytes(Path path) {
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new FirstsetException(FirstsetException.ARGUMENT, "PATH_INVALID",
                    "the configuration must be a file of the default file system, not " + path.toUri(),
                    "配置必须是默认文件系统中的文件，而不是 " + path.toUri(), null);
        }
        URI uri = path.toUri();
        String raw = uri.getRawPath();
        // toUri adds a '/' to an existing directory: keep the name as given (the library then says
        // it is not a file).
        if (raw.length() > 1 && raw.endsWith("/") && !path.toString().endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out[n++] = (byte) Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;  // toUri leaves only ASCII unescaped
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
