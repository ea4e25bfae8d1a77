// The bridge from the library's log (firstset_set_log_callback, ABI 1.5) to .NET logging.
using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Firstset
{
    /// <summary>The levels of firstset_log_level.</summary>
    public enum FirstsetLogLevel
    {
        Debug = 1,
        Info = 2,
        Warn = 3,
        Error = 4,
    }

    /// <summary>One message of the library's log.</summary>
    public sealed class FirstsetLogEventArgs : EventArgs
    {
        internal FirstsetLogEventArgs(int level, string code, string message)
        {
            NativeLevel = level;
            Code = code ?? "";
            Message = message ?? "";
            Timestamp = DateTime.UtcNow;
        }

        /// <summary>The level as the library gave it (1 DEBUG, 2 INFO, 3 WARN, 4 ERROR).</summary>
        public int NativeLevel { get; private set; }

        /// <summary>The level; a number the enum does not name is kept as is.</summary>
        public FirstsetLogLevel Level
        {
            get { return (FirstsetLogLevel)NativeLevel; }
        }

        /// <summary>The stable code, e.g. "ENGINE_OPENED", "REGISTRY_REFRESH_FAILED".</summary>
        public string Code { get; private set; }

        /// <summary>The message (UTF-8 from the library, decoded).</summary>
        public string Message { get; private set; }

        /// <summary>When the binding received it (UTC).</summary>
        public DateTime Timestamp { get; private set; }

        /// <summary>The level as System.Diagnostics sees it: DEBUG Verbose, INFO Information,
        /// WARN Warning, ERROR Error (anything above 4 Critical).</summary>
        public TraceEventType TraceEventType
        {
            get
            {
                switch (NativeLevel)
                {
                    case 1: return TraceEventType.Verbose;
                    case 2: return TraceEventType.Information;
                    case 3: return TraceEventType.Warning;
                    case 4: return TraceEventType.Error;
                    default: return NativeLevel > 4 ? TraceEventType.Critical : TraceEventType.Verbose;
                }
            }
        }

        /// <summary>"CODE: message", as written to Trace.</summary>
        public string Text
        {
            get { return Code + ": " + Message; }
        }

        public override string ToString()
        {
            return "firstset " + Level.ToString().ToUpperInvariant() + " " + Text;
        }
    }

    /// <summary>
    /// Routes the library's log messages into .NET (ABI 1.5 libraries). When the library is loaded
    /// the binding installs its callback (firstset_set_log_callback) unless <see cref="AutoInstall"/>
    /// was set to false before; each message then raises <see cref="Message"/> and, while
    /// <see cref="TraceEnabled"/> is true (the default), is written to the listeners of
    /// System.Diagnostics.Trace (source "firstset", the level as TraceEventType, the native level as
    /// event id, "CODE: message" as text). Messages come from any thread, including the engine's
    /// background threads, and concurrently: handlers must be thread-safe, quick, and must not open
    /// or close engines. At process exit (AppDomain.ProcessExit) the callback is removed, so no
    /// message arrives in a runtime that is shutting down.
    /// Turning it off: <see cref="Uninstall"/> gives the library back its own log (standard error or
    /// the configuration's log file); TraceEnabled = false with no Message handler drops the messages.
    /// </summary>
    public static class FirstsetLog
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        delegate void LogFn(IntPtr userData, int level, IntPtr code, IntPtr message);

        // The delegate the library calls and the pointer made from it. Static, so the garbage
        // collector never frees the thunk the library holds.
        static readonly LogFn callback = OnNativeMessage;
        static readonly IntPtr callbackPointer = Marshal.GetFunctionPointerForDelegate(callback);
        static readonly object gate = new object();
        static volatile bool autoInstall = true;
        static volatile bool traceEnabled = true;
        static volatile bool installed;
        static bool exitHooked;
        static long delivered;

        /// <summary>Raised for each message, on the thread the library logs from.</summary>
        public static event EventHandler<FirstsetLogEventArgs> Message;

        /// <summary>Write each message to System.Diagnostics.Trace (default true).</summary>
        public static bool TraceEnabled
        {
            get { return traceEnabled; }
            set { traceEnabled = value; }
        }

        /// <summary>Install the bridge when the library is loaded (default true; set before the first use).</summary>
        public static bool AutoInstall
        {
            get { return autoInstall; }
            set { autoInstall = value; }
        }

        /// <summary>True while the bridge is the library's log callback.</summary>
        public static bool IsInstalled
        {
            get { return installed; }
        }

        /// <summary>Messages delivered since the process started.</summary>
        public static long Delivered
        {
            get { return Interlocked.Read(ref delivered); }
        }

        /// <summary>Installs the bridge (loading the library by the rule if needed). Throws
        /// NotSupportedException ("needs ABI 1.5") on an older library, which has no log callback
        /// and writes its log to standard error or its log file.</summary>
        public static void Install()
        {
            NativeApi api = NativeLibrary.Api();
            api.Require(5, "firstset_set_log_callback (the log bridge)");
            lock (gate)
            {
                autoInstall = true;
                Set(api, true);
            }
        }

        /// <summary>Removes the bridge: the library logs to standard error (or its configured log
        /// file) again. When it returns no handler is running or will run. Also stops the bridge
        /// from being installed when the library is loaded later.</summary>
        public static void Uninstall()
        {
            lock (gate)
            {
                autoInstall = false;
                if (!installed || !NativeLibrary.IsLoaded) return;
                Set(NativeLibrary.Api(), false);
            }
        }

        internal static void OnLibraryLoaded(NativeApi api)
        {
            if (!autoInstall || api.Minor < 5) return;
            try
            {
                lock (gate)
                {
                    if (autoInstall) Set(api, true);
                }
            }
            catch (Exception e)
            {
                // The library works without the bridge: its log goes to standard error then.
                Console.Error.WriteLine("firstset: the log bridge could not be installed: " + e.Message);
            }
        }

        static void Set(NativeApi api, bool on)
        {
            if (on && !exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += OnExit;
                AppDomain.CurrentDomain.DomainUnload += OnExit;
                exitHooked = true;
            }
            int status = api.SetLogCallback(on ? callbackPointer : IntPtr.Zero, IntPtr.Zero);
            if (status != 0)
                throw new FirstsetException(status, "LOG_CALLBACK_REFUSED",
                                            "firstset_set_log_callback returned " + FirstsetException.StatusNameOf(status) +
                                            " (it must not be called from inside a log handler)",
                                            "firstset_set_log_callback 失败（不得在日志回调中调用）");
            installed = on;
        }

        static void OnExit(object sender, EventArgs e)
        {
            try
            {
                lock (gate)
                {
                    if (installed && NativeLibrary.IsLoaded) Set(NativeLibrary.Api(), false);
                }
            }
            catch (Exception)
            {
                // the process is ending
            }
        }

        // Called by the library, from any thread. Never lets an exception return into C.
        static void OnNativeMessage(IntPtr userData, int level, IntPtr code, IntPtr message)
        {
            try
            {
                var e = new FirstsetLogEventArgs(level, Utf8.Lax(code), Utf8.Lax(message));
                Interlocked.Increment(ref delivered);
                Dispatch(e);
            }
            catch (Exception x)
            {
                try
                {
                    Console.Error.WriteLine("firstset: a log handler threw " + x.GetType().FullName + ": " + x.Message);
                }
                catch (Exception)
                {
                    // nothing left to report to
                }
            }
        }

        // Delivers one message to the handlers and to Trace (also used by the tests).
        internal static void Dispatch(FirstsetLogEventArgs e)
        {
            EventHandler<FirstsetLogEventArgs> handlers = Message;
            if (handlers != null)
            {
                foreach (EventHandler<FirstsetLogEventArgs> h in handlers.GetInvocationList())
                {
                    try
                    {
                        h(null, e);
                    }
                    catch (Exception x)
                    {
                        Console.Error.WriteLine("firstset: a FirstsetLog.Message handler threw " + x.GetType().FullName + ": " + x.Message);
                    }
                }
            }
            if (traceEnabled) ToTrace(e);
        }

        static void ToTrace(FirstsetLogEventArgs e)
        {
            TraceListenerCollection listeners = Trace.Listeners;
            var cache = new TraceEventCache();
            string text = e.Text;
            lock (listeners)
            {
                foreach (TraceListener l in listeners)
                {
                    if (l.IsThreadSafe)
                    {
                        l.TraceEvent(cache, "firstset", e.TraceEventType, e.NativeLevel, text);
                        if (Trace.AutoFlush) l.Flush();
                    }
                    else
                    {
                        lock (l)
                        {
                            l.TraceEvent(cache, "firstset", e.TraceEventType, e.NativeLevel, text);
                            if (Trace.AutoFlush) l.Flush();
                        }
                    }
                }
            }
        }
    }
}
