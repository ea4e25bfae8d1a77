// UTF-8 in and out, whatever the process locale (LANG=C included): strings are encoded to UTF-8
// bytes here and passed as pointers, never marshalled as `string` by the runtime.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Firstset
{
    internal static unsafe class Utf8
    {
        // Throws on lone surrogates (encoding) and on invalid bytes (decoding) instead of
        // replacing them with U+FFFD.
        internal static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);
        static readonly UTF8Encoding Lenient = new UTF8Encoding(false, false);

        // The UTF-8 bytes of a document; a lone UTF-16 surrogate is PARSE NOT_UTF8 (it has no UTF-8
        // form, as the library would say of the bytes of one).
        internal static byte[] Document(string text, string what)
        {
            if (text == null)
                throw new FirstsetException((int)FirstsetStatus.Argument, "ARGUMENT_NULL", what + " is null", what + " 为 null");
            try
            {
                return Strict.GetBytes(text);
            }
            catch (EncoderFallbackException e)
            {
                throw new FirstsetException((int)FirstsetStatus.Parse, "NOT_UTF8",
                                            what + " holds a lone UTF-16 surrogate at index " + e.Index + ": it is not Unicode text and has no UTF-8 form",
                                            what + " 在第 " + e.Index + " 个字符处含有孤立的 UTF-16 代理项，不是 Unicode 文本", null, null, e);
            }
        }

        // A NUL-terminated UTF-8 file name or symbol name. A NUL inside would name another file.
        internal static byte[] Terminated(string text, string what)
        {
            if (text == null)
                throw new FirstsetException((int)FirstsetStatus.Argument, "ARGUMENT_NULL", what + " is null", what + " 为 null");
            if (text.IndexOf('\0') >= 0)
                throw new FirstsetException((int)FirstsetStatus.Argument, "PATH_INVALID", what + " holds a NUL character",
                                            what + " 含有 NUL 字符");
            byte[] bytes;
            try
            {
                bytes = Strict.GetBytes(text);
            }
            catch (EncoderFallbackException e)
            {
                throw new FirstsetException((int)FirstsetStatus.Argument, "PATH_INVALID",
                                            what + " holds a lone UTF-16 surrogate at index " + e.Index + " and has no UTF-8 form",
                                            what + " 含有孤立的 UTF-16 代理项", null, null, e);
            }
            var z = new byte[bytes.Length + 1];
            Buffer.BlockCopy(bytes, 0, z, 0, bytes.Length);
            return z;
        }

        static int Length(IntPtr p)
        {
            byte* b = (byte*)p;
            int n = 0;
            while (b[n] != 0)
            {
                n++;
                if (n < 0) throw new OverflowException("a C string longer than 2 GiB");
            }
            return n;
        }

        // Decodes a C string the library owns in static storage (firstset_version, dlerror):
        // read only, never freed. Invalid bytes become U+FFFD.
        internal static string FromStatic(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            return Lenient.GetString((byte*)p, Length(p));
        }

        // Decodes a C string valid only during a callback; invalid bytes become U+FFFD.
        internal static string Lax(IntPtr p)
        {
            return FromStatic(p);
        }

        // Decodes a response: bytes that are not UTF-8 are a library bug, status 99 (INTERNAL).
        internal static string DecodeStrict(IntPtr p)
        {
            int n = Length(p);
            try
            {
                return Strict.GetString((byte*)p, n);
            }
            catch (DecoderFallbackException e)
            {
                throw new FirstsetException((int)FirstsetStatus.Internal, "BINDING_RESPONSE_NOT_UTF8",
                                            "firstset returned a response that is not UTF-8 (a bug in libfirstset): " + e.Message,
                                            "firstset 返回的响应不是 UTF-8（libfirstset 的缺陷）", null, null, e);
            }
        }

        // A response that is not one JSON value is a library bug, status 99 (INTERNAL).
        internal static void CheckJson(string text)
        {
            try
            {
                Json.Validate(text);
            }
            catch (JsonFormatException e)
            {
                throw new FirstsetException((int)FirstsetStatus.Internal, "BINDING_RESPONSE_NOT_JSON",
                                            "firstset returned a response that is not JSON (a bug in libfirstset): " + e.Message,
                                            "firstset 返回的响应不是 JSON（libfirstset 的缺陷）", null, null, e);
            }
        }
    }
}
