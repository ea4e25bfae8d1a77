// A small strict JSON reader and writer (RFC 8259), so that Firstset.dll needs nothing beyond
// mscorlib, System and System.Core. The binding uses it to read error documents and to check that
// every response is JSON; hosts may use it to read responses too.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Firstset
{
    /// <summary>The exception <see cref="Json.Parse"/> throws for text that is not JSON.</summary>
    public sealed class JsonFormatException : FormatException
    {
        /// <summary>Character offset in the text where reading stopped.</summary>
        public int Offset { get; private set; }

        internal JsonFormatException(string message, int offset)
            : base(message + " (at character " + offset.ToString(CultureInfo.InvariantCulture) + ")")
        {
            Offset = offset;
        }
    }

    /// <summary>
    /// Reads and writes JSON. <see cref="Parse"/> returns <c>Dictionary&lt;string, object&gt;</c> for
    /// an object (members in document order), <c>List&lt;object&gt;</c> for an array, <c>string</c>,
    /// <c>long</c> for an integer that fits 64 bits, <c>double</c> for any other number, <c>bool</c>,
    /// or <c>null</c>.
    /// </summary>
    public static class Json
    {
        /// <summary>Nesting deeper than this is refused (firstset's own limit is 32 for requests).</summary>
        public const int MaxDepth = 512;

        /// <summary>Parses one JSON value; anything else (trailing text, bad escapes, lone surrogates,
        /// duplicate member names) throws <see cref="JsonFormatException"/>.</summary>
        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var r = new Reader(text, true);
            return r.Document();
        }

        /// <summary>True when <paramref name="text"/> is one well-formed JSON value.</summary>
        public static bool IsValid(string text)
        {
            if (text == null) return false;
            try
            {
                new Reader(text, false).Document();
                return true;
            }
            catch (JsonFormatException)
            {
                return false;
            }
        }

        // Checks without building the value; throws JsonFormatException.
        internal static void Validate(string text)
        {
            new Reader(text, false).Document();
        }

        /// <summary>The JSON string literal for <paramref name="s"/>, with quotes.</summary>
        public static string Quote(string s)
        {
            if (s == null) return "null";
            var b = new StringBuilder(s.Length + 2);
            WriteString(b, s);
            return b.ToString();
        }

        /// <summary>Writes a value made of dictionaries (string keys), lists/arrays, strings, numbers,
        /// booleans and null as JSON.</summary>
        public static string Serialize(object value)
        {
            var b = new StringBuilder();
            Write(b, value, 0);
            return b.ToString();
        }

        static void Write(StringBuilder b, object v, int depth)
        {
            if (depth > MaxDepth) throw new ArgumentException("value nested too deeply to serialize");
            if (v == null) { b.Append("null"); return; }
            var s = v as string;
            if (s != null) { WriteString(b, s); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is double || v is float)
            {
                double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException("JSON has no NaN or infinity");
                b.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (v is decimal) { b.Append(((decimal)v).ToString(CultureInfo.InvariantCulture)); return; }
            if (v is sbyte || v is byte || v is short || v is ushort || v is int || v is uint || v is long || v is ulong)
            {
                b.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                return;
            }
            var dict = v as IDictionary;
            if (dict != null)
            {
                b.Append('{');
                bool first = true;
                foreach (DictionaryEntry e in dict)
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, Convert.ToString(e.Key, CultureInfo.InvariantCulture));
                    b.Append(':');
                    Write(b, e.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            var list = v as IEnumerable;
            if (list != null)
            {
                b.Append('[');
                bool first = true;
                foreach (object e in list)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Write(b, e, depth + 1);
                }
                b.Append(']');
                return;
            }
            throw new ArgumentException("cannot write a " + v.GetType().FullName + " as JSON");
        }

        static void WriteString(StringBuilder b, string s)
        {
            b.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    case '\b': b.Append("\\b"); break;
                    case '\f': b.Append("\\f"); break;
                    default:
                        if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else b.Append(c);
                        break;
                }
            }
            b.Append('"');
        }

        sealed class Reader
        {
            readonly string s;
            readonly bool build;
            int i;
            int depth;

            public Reader(string text, bool build)
            {
                s = text;
                this.build = build;
            }

            JsonFormatException Fail(string what)
            {
                return new JsonFormatException(what, i);
            }

            public object Document()
            {
                Space();
                object v = Value();
                Space();
                if (i != s.Length) throw Fail("text after the JSON value");
                return v;
            }

            void Space()
            {
                while (i < s.Length)
                {
                    char c = s[i];
                    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
                    else break;
                }
            }

            object Value()
            {
                if (i >= s.Length) throw Fail("unexpected end of the text");
                char c = s[i];
                switch (c)
                {
                    case '{': return Object();
                    case '[': return Array();
                    case '"': return String();
                    case 't': Word("true"); return true;
                    case 'f': Word("false"); return false;
                    case 'n': Word("null"); return null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return Number();
                        throw Fail("unexpected character '" + c + "'");
                }
            }

            void Word(string w)
            {
                if (string.CompareOrdinal(s, i, w, 0, w.Length) != 0) throw Fail("unexpected word");
                i += w.Length;
            }

            object Object()
            {
                if (++depth > MaxDepth) throw Fail("nested too deeply");
                i++;
                var d = build ? new Dictionary<string, object>() : null;
                var names = build ? null : new HashSet<string>();
                Space();
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    depth--;
                    return d;
                }
                while (true)
                {
                    Space();
                    if (i >= s.Length || s[i] != '"') throw Fail("expected a member name");
                    int at = i;
                    string name = (string)String(true);
                    if (build ? d.ContainsKey(name) : !names.Add(name))
                    {
                        i = at;
                        throw Fail("member name \"" + name + "\" given twice");
                    }
                    Space();
                    if (i >= s.Length || s[i] != ':') throw Fail("expected ':'");
                    i++;
                    Space();
                    object v = Value();
                    if (build) d.Add(name, v);
                    Space();
                    if (i >= s.Length) throw Fail("unexpected end of the text in an object");
                    if (s[i] == ',') { i++; continue; }
                    if (s[i] == '}') { i++; break; }
                    throw Fail("expected ',' or '}'");
                }
                depth--;
                return d;
            }

            object Array()
            {
                if (++depth > MaxDepth) throw Fail("nested too deeply");
                i++;
                var l = build ? new List<object>() : null;
                Space();
                if (i < s.Length && s[i] == ']')
                {
                    i++;
                    depth--;
                    return l;
                }
                while (true)
                {
                    Space();
                    object v = Value();
                    if (build) l.Add(v);
                    Space();
                    if (i >= s.Length) throw Fail("unexpected end of the text in an array");
                    if (s[i] == ',') { i++; continue; }
                    if (s[i] == ']') { i++; break; }
                    throw Fail("expected ',' or ']'");
                }
                depth--;
                return l;
            }

            object String(bool always = false)
            {
                i++;  // the opening quote
                StringBuilder b = null;
                int start = i;
                while (true)
                {
                    if (i >= s.Length) throw Fail("unterminated string");
                    char c = s[i];
                    if (c == '"')
                    {
                        string result = null;
                        if (build || always) result = b == null ? s.Substring(start, i - start) : b.Append(s, start, i - start).ToString();
                        i++;
                        return result;
                    }
                    if (c < 0x20) throw Fail("control character in a string");
                    if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) throw Fail("lone surrogate in a string");
                        i += 2;
                        continue;
                    }
                    if (char.IsLowSurrogate(c)) throw Fail("lone surrogate in a string");
                    if (c != '\\')
                    {
                        i++;
                        continue;
                    }
                    if (b == null) b = new StringBuilder();
                    b.Append(s, start, i - start);
                    i++;
                    if (i >= s.Length) throw Fail("unterminated escape");
                    char e = s[i++];
                    switch (e)
                    {
                        case '"': b.Append('"'); break;
                        case '\\': b.Append('\\'); break;
                        case '/': b.Append('/'); break;
                        case 'b': b.Append('\b'); break;
                        case 'f': b.Append('\f'); break;
                        case 'n': b.Append('\n'); break;
                        case 'r': b.Append('\r'); break;
                        case 't': b.Append('\t'); break;
                        case 'u':
                        {
                            char u = Hex4();
                            if (char.IsHighSurrogate(u))
                            {
                                if (i + 6 > s.Length || s[i] != '\\' || s[i + 1] != 'u') throw Fail("lone surrogate escape");
                                i += 2;
                                char low = Hex4();
                                if (!char.IsLowSurrogate(low)) throw Fail("lone surrogate escape");
                                b.Append(u).Append(low);
                            }
                            else if (char.IsLowSurrogate(u))
                            {
                                throw Fail("lone surrogate escape");
                            }
                            else
                            {
                                b.Append(u);
                            }
                            break;
                        }
                        default:
                            i--;
                            throw Fail("unknown escape '\\" + e + "'");
                    }
                    start = i;
                }
            }

            char Hex4()
            {
                if (i + 4 > s.Length) throw Fail("short \\u escape");
                int v = 0;
                for (int k = 0; k < 4; k++)
                {
                    char h = s[i++];
                    int d;
                    if (h >= '0' && h <= '9') d = h - '0';
                    else if (h >= 'a' && h <= 'f') d = h - 'a' + 10;
                    else if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
                    else throw Fail("bad \\u escape");
                    v = v * 16 + d;
                }
                return (char)v;
            }

            object Number()
            {
                int start = i;
                bool integer = true;
                if (s[i] == '-') i++;
                if (i >= s.Length) throw Fail("bad number");
                if (s[i] == '0') i++;
                else if (s[i] >= '1' && s[i] <= '9') Digits();
                else throw Fail("bad number");
                if (i < s.Length && s[i] == '.')
                {
                    integer = false;
                    i++;
                    if (i >= s.Length || s[i] < '0' || s[i] > '9') throw Fail("bad number");
                    Digits();
                }
                if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
                {
                    integer = false;
                    i++;
                    if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
                    if (i >= s.Length || s[i] < '0' || s[i] > '9') throw Fail("bad number");
                    Digits();
                }
                if (!build) return null;
                string t = s.Substring(start, i - start);
                long l;
                if (integer && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
                return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            void Digits()
            {
                while (i < s.Length && s[i] >= '0' && s[i] <= '9') i++;
            }
        }
    }
}
