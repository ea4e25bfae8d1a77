using System;
using System.Threading;

namespace Firstset
{
    /// <summary>
    /// An engine opened from a YAML configuration (firstset_open). Thread-safe: any number of threads
    /// may call Evaluate, Lint, Record and Status at once. Dispose/Close closes it (firstset_close);
    /// it waits for calls in flight on other threads, is idempotent, and every call after it throws
    /// <see cref="FirstsetException"/> with status 1 (ARGUMENT), code ENGINE_CLOSED.
    /// Every method that can fail throws FirstsetException built from the library's error document.
    /// Requests are .NET strings (encoded to UTF-8 by the binding) or UTF-8 bytes; responses are the
    /// library's JSON text, decoded as UTF-8.
    /// </summary>
    public sealed class Engine : IDisposable
    {
        readonly NativeApi api;
        readonly string configPath;
        // Calls hold it shared, Close exclusively: firstset_close never overlaps a call on this
        // engine, whatever the library's version (before ABI 1.5 that overlap is undefined behaviour).
        readonly ReaderWriterLockSlim gate = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
        IntPtr handle;
        volatile bool closed;

        /// <summary>Opens an engine (firstset_open). The path is passed as UTF-8 bytes whatever
        /// the locale; a relative path is relative to the process's current directory, relative
        /// paths inside the file to the file's folder.</summary>
        public Engine(string configPath)
        {
            api = NativeLibrary.Api();
            this.configPath = configPath;
            handle = api.OpenEngine(configPath);
        }

        /// <summary>Same as <c>new Engine(configPath)</c>.</summary>
        public static Engine Open(string configPath)
        {
            return new Engine(configPath);
        }

        /// <summary>Alias of <see cref="Open"/>.</summary>
        public static Engine open(string configPath)
        {
            return new Engine(configPath);
        }

        /// <summary>The configuration path the engine was opened with.</summary>
        public string ConfigPath
        {
            get { return configPath; }
        }

        /// <summary>True after Close or Dispose.</summary>
        public bool IsClosed
        {
            get { return closed; }
        }

        /// <summary>firstset_version() of the loaded library (static storage, never freed).</summary>
        public static string Version
        {
            get { return NativeLibrary.Version; }
        }

        /// <summary>firstset_abi_version() of the loaded library.</summary>
        public static uint AbiVersion
        {
            get { return NativeLibrary.AbiVersion; }
        }

        // ---- evaluate -------------------------------------------------------------------------

        /// <summary>firstset_evaluate_n (firstset_evaluate before ABI 1.5): rules C, D and E for one
        /// bid of one tender. requestJson: {"tender": ..., "bid": ...}.</summary>
        public string Evaluate(string requestJson)
        {
            return Request(NativeApi.Call.Evaluate, Utf8.Document(requestJson, "the request"));
        }

        /// <summary>Evaluate with the request as UTF-8 bytes.</summary>
        public string Evaluate(byte[] requestUtf8)
        {
            return Request(NativeApi.Call.Evaluate, requestUtf8, 0, requestUtf8 == null ? 0 : requestUtf8.Length);
        }

        /// <summary>Evaluate with the request as <paramref name="count"/> UTF-8 bytes of an array.</summary>
        public string Evaluate(byte[] requestUtf8, int offset, int count)
        {
            return Request(NativeApi.Call.Evaluate, requestUtf8, offset, count);
        }

        /// <summary>Alias of <see cref="Evaluate(string)"/>.</summary>
        public string evaluate(string requestJson)
        {
            return Evaluate(requestJson);
        }

        /// <summary>Alias of <see cref="Evaluate(byte[])"/>.</summary>
        public string evaluate(byte[] requestUtf8)
        {
            return Evaluate(requestUtf8);
        }

        // ---- incentive (ABI 1.6) --------------------------------------------------------------

        /// <summary>firstset_incentive_n (needs ABI 1.6): the first-purchase reward ceiling (clause
        /// （一）, Rule R) or the premium subsidy per insured year (clause （二）, Rule S) for one
        /// certificate. Money is a decimal string ("2200000.00"), never a JSON number; a bad amount
        /// throws FirstsetException SCHEMA (MONEY_FORMAT, MONEY_NEGATIVE, MONEY_PRECISION, MONEY_RANGE).</summary>
        public string Incentive(string requestJson)
        {
            return Request(NativeApi.Call.Incentive, Utf8.Document(requestJson, "the request"));
        }

        /// <summary>Incentive with the request as UTF-8 bytes.</summary>
        public string Incentive(byte[] requestUtf8)
        {
            return Request(NativeApi.Call.Incentive, requestUtf8, 0, requestUtf8 == null ? 0 : requestUtf8.Length);
        }

        // ---- lint (ABI 1.2) -------------------------------------------------------------------

        /// <summary>firstset_lint_n (firstset_lint before 1.5; needs ABI 1.2): audits a tender's
        /// evaluation method.</summary>
        public string Lint(string tenderJson)
        {
            return Request(NativeApi.Call.Lint, Utf8.Document(tenderJson, "the tender"));
        }

        /// <summary>Lint with the tender as UTF-8 bytes.</summary>
        public string Lint(byte[] tenderUtf8)
        {
            return Request(NativeApi.Call.Lint, tenderUtf8, 0, tenderUtf8 == null ? 0 : tenderUtf8.Length);
        }

        /// <summary>Lint with the tender as <paramref name="count"/> UTF-8 bytes of an array.</summary>
        public string Lint(byte[] tenderUtf8, int offset, int count)
        {
            return Request(NativeApi.Call.Lint, tenderUtf8, offset, count);
        }

        /// <summary>Alias of <see cref="Lint(string)"/>.</summary>
        public string lint(string tenderJson)
        {
            return Lint(tenderJson);
        }

        /// <summary>Alias of <see cref="Lint(byte[])"/>.</summary>
        public string lint(byte[] tenderUtf8)
        {
            return Lint(tenderUtf8);
        }

        // ---- record (ABI 1.1) -----------------------------------------------------------------

        /// <summary>firstset_record_n (firstset_record before 1.5; needs ABI 1.1): appends an award,
        /// a failure report or a tolerance decision to the engine's ledger.</summary>
        public string Record(string recordJson)
        {
            return Request(NativeApi.Call.Record, Utf8.Document(recordJson, "the record"));
        }

        /// <summary>Record with the record as UTF-8 bytes.</summary>
        public string Record(byte[] recordUtf8)
        {
            return Request(NativeApi.Call.Record, recordUtf8, 0, recordUtf8 == null ? 0 : recordUtf8.Length);
        }

        /// <summary>Record with the record as <paramref name="count"/> UTF-8 bytes of an array.</summary>
        public string Record(byte[] recordUtf8, int offset, int count)
        {
            return Request(NativeApi.Call.Record, recordUtf8, offset, count);
        }

        /// <summary>Alias of <see cref="Record(string)"/>.</summary>
        public string record(string recordJson)
        {
            return Record(recordJson);
        }

        /// <summary>Alias of <see cref="Record(byte[])"/>.</summary>
        public string record(byte[] recordUtf8)
        {
            return Record(recordUtf8);
        }

        // ---- status (ABI 1.3) -----------------------------------------------------------------

        /// <summary>firstset_status (needs ABI 1.3): the registry, ledger, checkpoint and shipping state.</summary>
        public string Status()
        {
            gate.EnterReadLock();
            try
            {
                return api.EngineStatus(Handle());
            }
            finally
            {
                gate.ExitReadLock();
            }
        }

        /// <summary>Alias of <see cref="Status()"/>.</summary>
        public string status()
        {
            return Status();
        }

        // ---- verify (ABI 1.1, no engine) ------------------------------------------------------

        /// <summary>firstset_verify_n (firstset_verify before 1.5; needs ABI 1.1): verifies a ledger
        /// file; needs no engine. requestJson: {"ledger": path, "expected_head": {...}}.</summary>
        public static string Verify(string requestJson)
        {
            NativeApi a = NativeLibrary.Api();
            byte[] bytes = Utf8.Document(requestJson, "the request");
            return a.Request(NativeApi.Call.Verify, IntPtr.Zero, bytes, 0, bytes.Length);
        }

        /// <summary>Verify with the request as UTF-8 bytes.</summary>
        public static string Verify(byte[] requestUtf8)
        {
            return NativeLibrary.Api().Request(NativeApi.Call.Verify, IntPtr.Zero, requestUtf8, 0, requestUtf8 == null ? 0 : requestUtf8.Length);
        }

        /// <summary>Verify with the request as <paramref name="count"/> UTF-8 bytes of an array.</summary>
        public static string Verify(byte[] requestUtf8, int offset, int count)
        {
            return NativeLibrary.Api().Request(NativeApi.Call.Verify, IntPtr.Zero, requestUtf8, offset, count);
        }

        /// <summary>Alias of <see cref="Verify(string)"/>.</summary>
        public static string verify(string requestJson)
        {
            return Verify(requestJson);
        }

        /// <summary>Alias of <see cref="Verify(byte[])"/>.</summary>
        public static string verify(byte[] requestUtf8)
        {
            return Verify(requestUtf8);
        }

        // ---- close ----------------------------------------------------------------------------

        /// <summary>Closes the engine (firstset_close). Waits for calls in flight on other threads;
        /// a second call does nothing. Must not be called from inside a call on this engine (a log
        /// handler): that throws LockRecursionException.</summary>
        public void Close()
        {
            if (closed) return;
            gate.EnterWriteLock();
            try
            {
                if (closed) return;
                closed = true;
                IntPtr h = handle;
                handle = IntPtr.Zero;
                api.Close(h);
            }
            finally
            {
                gate.ExitWriteLock();
            }
            GC.SuppressFinalize(this);
        }

        /// <summary>Alias of <see cref="Close"/>.</summary>
        public void close()
        {
            Close();
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }

        /// <summary>An engine never closed is closed when it is collected (not during process exit).</summary>
        ~Engine()
        {
            // No call can be running: the engine is unreachable. At process exit the library is left
            // alone (its background threads may log into a runtime that is going away).
            if (closed || handle == IntPtr.Zero || Environment.HasShutdownStarted) return;
            closed = true;
            try
            {
                api.Close(handle);
            }
            catch (Exception)
            {
                // nothing can be done in a finalizer
            }
            handle = IntPtr.Zero;
        }

        // ---- the calls ------------------------------------------------------------------------

        // Inside the read lock: the handle, or ENGINE_CLOSED.
        IntPtr Handle()
        {
            if (closed)
                throw new FirstsetException((int)FirstsetStatus.Argument, "ENGINE_CLOSED",
                                            "the engine was closed (Engine.Close/Dispose); open a new one",
                                            "引擎已关闭（Engine.Close/Dispose），请重新打开");
            return handle;
        }

        string Request(NativeApi.Call call, byte[] data)
        {
            return Request(call, data, 0, data.Length);
        }

        string Request(NativeApi.Call call, byte[] data, int offset, int count)
        {
            gate.EnterReadLock();
            try
            {
                IntPtr h = Handle();
                return api.Request(call, h, data, offset, count);
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }
}
