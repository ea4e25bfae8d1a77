using System;
using System.Collections.Generic;
using System.Globalization;

namespace Firstset
{
    /// <summary>The statuses of the C ABI (enum firstset_status_code in firstset.h).</summary>
    public enum FirstsetStatus
    {
        Ok = 0,
        Argument = 1,
        Parse = 2,
        Schema = 3,
        Config = 4,
        IO = 5,
        Integrity = 6,
        NotFound = 7,
        Limit = 8,
        Internal = 99,
    }

    /// <summary>
    /// A call that did not return status 0. Built from the error document the library returned
    /// (<c>{"error": {"status", "code", "message", "message_zh", "path", "file", "line", "column"}}</c>),
    /// which the binding has already freed with firstset_free. <see cref="Exception.Message"/> is the
    /// English message.
    /// </summary>
    public class FirstsetException : Exception
    {
        readonly int statusValue;
        readonly string codeValue, pathPointer, messageZh, file, errorJson;
        readonly long? line, column;
        readonly IDictionary<string, object> document;

        /// <summary>Builds the exception; <paramref name="errorJson"/> may be null for errors the
        /// binding raises itself (a call after close, an encoding error, a broken response).</summary>
        public FirstsetException(int status, string code, string message, string messageZh = null,
                                 string path = null, string errorJson = null, Exception inner = null)
            : base(message ?? ("firstset status " + StatusNameOf(status)), inner)
        {
            statusValue = status;
            codeValue = code;
            this.messageZh = messageZh;
            this.pathPointer = path;
            this.errorJson = errorJson;
        }

        FirstsetException(int status, IDictionary<string, object> error, string errorJson, IDictionary<string, object> document)
            : base(Text(error, "message") ?? ("firstset status " + StatusNameOf(status)))
        {
            statusValue = status;
            this.errorJson = errorJson;
            this.document = document;
            codeValue = Text(error, "code");
            messageZh = Text(error, "message_zh");
            pathPointer = Text(error, "path");
            file = Text(error, "file");
            line = Number(error, "line");
            column = Number(error, "column");
        }

        /// <summary>The exception for a non-zero status and the error document the library returned
        /// with it. A document that is not the documented JSON gives status 99 (INTERNAL), code
        /// BINDING_BAD_ERROR_DOCUMENT.</summary>
        public static FirstsetException FromErrorDocument(int status, string errorJson)
        {
            if (errorJson == null)
                return new FirstsetException(status, StatusNameOf(status),
                                             "firstset returned status " + StatusNameOf(status) + " without an error document (a bug in libfirstset)",
                                             "firstset 返回了状态 " + StatusNameOf(status) + " 但没有错误文档（libfirstset 的缺陷）");
            object parsed;
            try
            {
                parsed = Json.Parse(errorJson);
            }
            catch (JsonFormatException e)
            {
                return BadErrorDocument(status, errorJson, e.Message, e);
            }
            var doc = parsed as IDictionary<string, object>;
            object inner = null;
            if (doc == null || !doc.TryGetValue("error", out inner) || !(inner is IDictionary<string, object>))
                return BadErrorDocument(status, errorJson, "no \"error\" object", null);
            return new FirstsetException(status, (IDictionary<string, object>)inner, errorJson, doc);
        }

        static FirstsetException BadErrorDocument(int status, string errorJson, string why, Exception inner)
        {
            return new FirstsetException((int)FirstsetStatus.Internal, "BINDING_BAD_ERROR_DOCUMENT",
                                         "firstset returned status " + StatusNameOf(status) + " with an error document that is not valid: " + why +
                                         " (a bug in libfirstset)",
                                         "firstset 返回的错误文档无效（libfirstset 的缺陷）", null, errorJson, inner);
        }

        static string Text(IDictionary<string, object> d, string key)
        {
            object v;
            return d.TryGetValue(key, out v) ? v as string : null;
        }

        static long? Number(IDictionary<string, object> d, string key)
        {
            object v;
            if (d.TryGetValue(key, out v) && v is long) return (long)v;
            return null;
        }

        /// <summary>The status name as the error document spells it: 1 gives "ARGUMENT".</summary>
        public static string StatusNameOf(int status)
        {
            switch (status)
            {
                case 0: return "OK";
                case 1: return "ARGUMENT";
                case 2: return "PARSE";
                case 3: return "SCHEMA";
                case 4: return "CONFIG";
                case 5: return "IO";
                case 6: return "INTEGRITY";
                case 7: return "NOT_FOUND";
                case 8: return "LIMIT";
                case 99: return "INTERNAL";
                default: return status.ToString(CultureInfo.InvariantCulture);
            }
        }

        /// <summary>The status (1 ARGUMENT ... 8 LIMIT, 99 INTERNAL).</summary>
        public int Status { get { return statusValue; } }
        /// <summary>The status as an enum.</summary>
        public FirstsetStatus StatusCode { get { return (FirstsetStatus)statusValue; } }
        /// <summary>"ARGUMENT", "PARSE", ...</summary>
        public string StatusName { get { return StatusNameOf(statusValue); } }
        /// <summary>The stable error code, e.g. "SCHEMA_PATTERN" (docs/errors.md).</summary>
        public string Code { get { return codeValue; } }
        /// <summary>The JSON Pointer into the input where the error is, or null.</summary>
        public string Path { get { return pathPointer; } }
        /// <summary>The English message (the same as Message).</summary>
        public string MessageEn { get { return Message; } }
        /// <summary>The Chinese message.</summary>
        public string MessageZh { get { return messageZh; } }
        /// <summary>For a file: its name, else null.</summary>
        public string File { get { return file; } }
        /// <summary>For a file: the line, else null.</summary>
        public long? Line { get { return line; } }
        /// <summary>For a file: the column, else null.</summary>
        public long? Column { get { return column; } }
        /// <summary>The error document as the library returned it (null for errors the binding raised).</summary>
        public string ErrorJson { get { return errorJson; } }
        /// <summary>The parsed error document (null for errors the binding raised).</summary>
        public IDictionary<string, object> Document { get { return document; } }

        // Lower-case aliases, for programs written from the contract's spelling (Java's status(),
        // code(), path()). Properties: e.status, e.code, e.path, e.message.
#pragma warning disable 3005
        /// <summary>Alias of <see cref="Status"/>.</summary>
        public int status { get { return Status; } }
        /// <summary>Alias of <see cref="Code"/>.</summary>
        public string code { get { return Code; } }
        /// <summary>Alias of <see cref="Path"/>.</summary>
        public string path { get { return Path; } }
        /// <summary>Alias of Message (English).</summary>
        public string message { get { return Message; } }
        /// <summary>Alias of <see cref="MessageZh"/>.</summary>
        public string message_zh { get { return MessageZh; } }
        /// <summary>Alias of <see cref="StatusName"/>.</summary>
        public string status_name { get { return StatusName; } }
#pragma warning restore 3005

        public override string ToString()
        {
            string s = GetType().FullName + ": " + StatusName + " " + (codeValue ?? "") +
                       (pathPointer != null ? " at " + pathPointer : "") + ": " + Message;
            if (InnerException != null) s += " ---> " + InnerException;
            if (StackTrace != null) s += Environment.NewLine + StackTrace;
            return s;
        }
    }
}
