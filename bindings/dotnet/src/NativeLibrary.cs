// Finding and loading libfirstset.so.1, and the table of its C functions.
//
// How the library is loaded (Mono 6.8 and .NET on Linux alike): the binding calls dlopen() itself on
// the file the rule below chooses, looks each firstset_* function up with dlsym(), and calls it
// through a delegate made by Marshal.GetDelegateForFunctionPointer. There is no
// [DllImport("firstset")] anywhere, so the runtime's own library search (dllmap, MONO_PATH, the
// assembly's folder, name variants) can never pick another copy than the one chosen here, and a
// function newer than the loaded library is simply absent (dlsym gives NULL) instead of an
// EntryPointNotFoundException at an arbitrary moment. The only DllImports are dlopen, dlsym, dlerror
// and dladdr from libdl.so.2, which every glibc system has (since glibc 2.34 a stub over libc.so.6).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Firstset
{
    /// <summary>
    /// Which libfirstset the binding uses, and its versions. The library is found, once per process,
    /// by this rule: (1) the path given to <see cref="Load"/> before the first use; else (2) the
    /// path in the environment variable FIRSTSET_LIBRARY; else (3) the name libfirstset.so.1 through
    /// the system's dynamic loader (the Debian package installs it in /usr/lib/x86_64-linux-gnu;
    /// LD_LIBRARY_PATH and ld.so.cache apply). The first place that is given is the one used: if it
    /// cannot be loaded the binding says so and does not fall back to a later place, so that a
    /// library chosen on purpose is never silently replaced by another one.
    /// </summary>
    public static class NativeLibrary
    {
        /// <summary>The name looked up through the dynamic loader: libfirstset.so.1.</summary>
        public const string SystemLibraryName = "libfirstset.so.1";
        /// <summary>The environment variable naming the library's full path: FIRSTSET_LIBRARY.</summary>
        public const string EnvironmentVariable = "FIRSTSET_LIBRARY";
        /// <summary>The ABI major version this binding speaks: 1.</summary>
        public const int RequiredAbiMajor = 1;

        static readonly object gate = new object();
        static volatile NativeApi api;

        /// <summary>
        /// Loads the library from <paramref name="path"/> now (a path with a '/' is that file; a bare
        /// name goes through the dynamic loader). Call it before the first Engine or Verify. Calling
        /// it again with the same path does nothing; with another path once a library is loaded it
        /// throws InvalidOperationException (a process holds one libfirstset). Throws
        /// <see cref="LibraryLoadException"/> when the file cannot be loaded or is not an ABI 1.x
        /// libfirstset.
        /// </summary>
        public static void Load(string path)
        {
            if (path == null) throw new ArgumentNullException("path");
            if (path.Length == 0) throw new ArgumentException("an empty path", "path");
            lock (gate)
            {
                if (api != null)
                {
                    if (api.RequestedPath == path || api.Path == path) return;
                    throw new InvalidOperationException("libfirstset is already loaded from " + api.Path + " (" + api.Source +
                                                        "); Firstset.NativeLibrary.Load(\"" + path +
                                                        "\") must be called before the first use of the library");
                }
                string error;
                NativeApi loaded = NativeApi.TryOpen(path, "Firstset.NativeLibrary.Load", out error);
                if (loaded == null)
                    throw new LibraryLoadException("libfirstset could not be loaded from the path given to Firstset.NativeLibrary.Load: " +
                                                   path + ": " + error + "." + Environment.NewLine +
                                                   "Fix: give the full path of an ABI " + RequiredAbiMajor +
                                                   ".x libfirstset.so.1 (e.g. /usr/lib/x86_64-linux-gnu/libfirstset.so.1).");
                Publish(loaded);
            }
        }

        /// <summary>Alias of <see cref="Load"/>.</summary>
        public static void load(string path)
        {
            Load(path);
        }

        /// <summary>Loads the library by the rule (if it is not loaded yet) and returns nothing;
        /// throws <see cref="LibraryLoadException"/> naming each place tried when none works.</summary>
        public static void EnsureLoaded()
        {
            Api();
        }

        /// <summary>True once a library is loaded.</summary>
        public static bool IsLoaded
        {
            get { return api != null; }
        }

        /// <summary>The file the library was loaded from (as the dynamic loader resolved it).</summary>
        public static string Path
        {
            get { return Api().Path; }
        }

        /// <summary>Where the library was found: "Firstset.NativeLibrary.Load", "FIRSTSET_LIBRARY" or "system".</summary>
        public static string Source
        {
            get { return Api().Source; }
        }

        /// <summary>firstset_abi_version(): (major &lt;&lt; 16) | minor.</summary>
        public static uint AbiVersion
        {
            get { return Api().Abi; }
        }

        /// <summary>The ABI major version (1).</summary>
        public static int AbiMajor
        {
            get { return (int)(Api().Abi >> 16); }
        }

        /// <summary>The ABI minor version (4 for ABI 1.4, 5 for 1.5, ...).</summary>
        public static int AbiMinor
        {
            get { return (int)(Api().Abi & 0xFFFF); }
        }

        /// <summary>firstset_version(), e.g. "0.1.0". The C string is static storage: it is read, never freed.</summary>
        public static string Version
        {
            get { return Api().Version(); }
        }

        /// <summary>True when the loaded library has ABI 1.<paramref name="minor"/> or newer.</summary>
        public static bool Supports(int minor)
        {
            return (Api().Abi & 0xFFFF) >= minor;
        }

        internal static NativeApi Api()
        {
            NativeApi a = api;
            if (a != null) return a;
            lock (gate)
            {
                if (api != null) return api;
                string error;
                var tried = new StringBuilder();
                tried.Append("  1. an explicit path (Firstset.NativeLibrary.Load): none given").Append(Environment.NewLine);
                string env = Environment.GetEnvironmentVariable(EnvironmentVariable);
                if (!string.IsNullOrEmpty(env))
                {
                    NativeApi loaded = NativeApi.TryOpen(env, EnvironmentVariable, out error);
                    if (loaded == null)
                    {
                        tried.Append("  2. the environment variable " + EnvironmentVariable + "=" + env + ": " + error).Append(Environment.NewLine);
                        tried.Append("  3. the system library " + SystemLibraryName + ": not tried, because " + EnvironmentVariable +
                                     " is set (an explicit choice is never replaced by another library)").Append(Environment.NewLine);
                        throw NotFound(tried.ToString(), "Fix: set " + EnvironmentVariable + " to the full path of libfirstset.so.1, or unset it to use the system library.");
                    }
                    Publish(loaded);
                    return loaded;
                }
                tried.Append("  2. the environment variable " + EnvironmentVariable + ": not set").Append(Environment.NewLine);
                NativeApi sys = NativeApi.TryOpen(SystemLibraryName, "system", out error);
                if (sys == null)
                {
                    tried.Append("  3. the system library " + SystemLibraryName +
                                 " through the dynamic loader (LD_LIBRARY_PATH, /etc/ld.so.cache, /usr/lib/x86_64-linux-gnu): " + error)
                         .Append(Environment.NewLine);
                    throw NotFound(tried.ToString(),
                                   "Fix: install the firstset library package (it puts " + SystemLibraryName + " in /usr/lib/x86_64-linux-gnu), " +
                                   "or set " + EnvironmentVariable + "=/full/path/to/" + SystemLibraryName +
                                   ", or call Firstset.NativeLibrary.Load(\"/full/path/to/" + SystemLibraryName + "\") before the first use.");
                }
                Publish(sys);
                return sys;
            }
        }

        static LibraryLoadException NotFound(string tried, string fix)
        {
            return new LibraryLoadException("libfirstset could not be loaded. Places tried, in order:" + Environment.NewLine + tried + fix);
        }

        static void Publish(NativeApi loaded)
        {
            api = loaded;
            FirstsetLog.OnLibraryLoaded(loaded);
        }
    }

    /// <summary>libfirstset could not be found or loaded, or is not an ABI 1.x libfirstset. The
    /// message names every place tried and how to fix it.</summary>
    public class LibraryLoadException : DllNotFoundException
    {
        public LibraryLoadException(string message) : base(message)
        {
        }
    }

    // The functions of one loaded libfirstset.
    internal sealed unsafe class NativeApi
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint AbiVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr VersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int OpenFn(IntPtr path, out IntPtr engine, out IntPtr errorJson);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void CloseFn(IntPtr engine);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void FreeFn(IntPtr json);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int EngineTextFn(IntPtr engine, IntPtr text, out IntPtr response);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int EngineBytesFn(IntPtr engine, IntPtr data, UIntPtr size, out IntPtr response);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int TextFn(IntPtr text, out IntPtr response);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int BytesFn(IntPtr data, UIntPtr size, out IntPtr response);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int StatusFn(IntPtr engine, out IntPtr response);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate int SetLogCallbackFn(IntPtr callback, IntPtr userData);

        const int RTLD_NOW = 0x002;
        const int RTLD_GLOBAL = 0x100;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")] static extern IntPtr dlopen(byte[] file, int mode);
        [DllImport("libdl.so.2", EntryPoint = "dlsym")] static extern IntPtr dlsym(IntPtr handle, byte[] name);
        [DllImport("libdl.so.2", EntryPoint = "dlerror")] static extern IntPtr dlerror();  // static storage: never freed
        [DllImport("libdl.so.2", EntryPoint = "dladdr")] static extern int dladdr(IntPtr address, out DlInfo info);

        [StructLayout(LayoutKind.Sequential)]
        struct DlInfo
        {
            public IntPtr dli_fname, dli_fbase, dli_sname, dli_saddr;  // const char*: never freed
        }

        internal readonly string RequestedPath, Path, Source;
        internal readonly uint Abi;
        internal readonly int Minor;
        readonly IntPtr versionFn;
        readonly VersionFn version;
        internal readonly OpenFn Open;
        internal readonly CloseFn Close;
        internal readonly FreeFn Free;
        internal readonly EngineTextFn Evaluate, Lint, Record;
        internal readonly EngineBytesFn EvaluateN, LintN, RecordN;
        internal readonly TextFn Verify;
        internal readonly BytesFn VerifyN;
        internal readonly StatusFn Status;
        internal readonly SetLogCallbackFn SetLogCallback;
        internal readonly EngineTextFn Incentive;      // ABI 1.6
        internal readonly EngineBytesFn IncentiveN;

        NativeApi(string requested, string source, IntPtr handle, uint abi)
        {
            RequestedPath = requested;
            Source = source;
            Abi = abi;
            Minor = (int)(abi & 0xFFFF);
            versionFn = Symbol(handle, "firstset_version");
            version = Function<VersionFn>(handle, "firstset_version");
            Open = Function<OpenFn>(handle, "firstset_open");
            Close = Function<CloseFn>(handle, "firstset_close");
            Free = Function<FreeFn>(handle, "firstset_free");
            Evaluate = Function<EngineTextFn>(handle, "firstset_evaluate");
            // Functions newer than 1.0 are looked up only when the ABI minor says they exist.
            if (Minor >= 1)
            {
                Record = Function<EngineTextFn>(handle, "firstset_record");
                Verify = Function<TextFn>(handle, "firstset_verify");
            }
            if (Minor >= 2) Lint = Function<EngineTextFn>(handle, "firstset_lint");
            if (Minor >= 3) Status = Function<StatusFn>(handle, "firstset_status");
            if (Minor >= 5)
            {
                EvaluateN = Function<EngineBytesFn>(handle, "firstset_evaluate_n");
                LintN = Function<EngineBytesFn>(handle, "firstset_lint_n");
                RecordN = Function<EngineBytesFn>(handle, "firstset_record_n");
                VerifyN = Function<BytesFn>(handle, "firstset_verify_n");
                SetLogCallback = Function<SetLogCallbackFn>(handle, "firstset_set_log_callback");
            }
            if (Minor >= 6)
            {
                Incentive = Function<EngineTextFn>(handle, "firstset_incentive");
                IncentiveN = Function<EngineBytesFn>(handle, "firstset_incentive_n");
            }
            Path = FileOf(versionFn) ?? requested;
        }

        // Opens the library at path (a file, or a bare name for the dynamic loader) and checks it;
        // null and a reason when it cannot be used.
        internal static NativeApi TryOpen(string path, string source, out string error)
        {
            error = null;
            IntPtr handle;
            try
            {
                dlerror();  // clear a stale error
                handle = dlopen(Utf8.Terminated(path, "library path"), RTLD_NOW | RTLD_GLOBAL);
            }
            catch (DllNotFoundException e)
            {
                error = "libdl.so.2 (dlopen) is not available: " + e.Message;
                return null;
            }
            if (handle == IntPtr.Zero)
            {
                error = "dlopen failed: " + (Utf8.FromStatic(dlerror()) ?? "unknown error");
                return null;
            }
            IntPtr abiSymbol = dlsym(handle, Utf8.Terminated("firstset_abi_version", "symbol"));
            if (abiSymbol == IntPtr.Zero)
            {
                error = "it is not libfirstset (it has no firstset_abi_version)";
                return null;
            }
            var abiFn = (AbiVersionFn)Marshal.GetDelegateForFunctionPointer(abiSymbol, typeof(AbiVersionFn));
            uint abi = abiFn();
            if ((abi >> 16) != NativeLibrary.RequiredAbiMajor)
            {
                error = "it has ABI " + (abi >> 16) + "." + (abi & 0xFFFF) + ", this binding needs ABI major " + NativeLibrary.RequiredAbiMajor +
                        " (firstset_abi_version() = 0x" + abi.ToString("x") + ")";
                return null;
            }
            try
            {
                return new NativeApi(path, source, handle, abi);
            }
            catch (EntryPointNotFoundException e)
            {
                error = e.Message;
                return null;
            }
        }

        static IntPtr Symbol(IntPtr handle, string name)
        {
            IntPtr p = dlsym(handle, Utf8.Terminated(name, "symbol"));
            if (p == IntPtr.Zero)
                throw new EntryPointNotFoundException("the library reports ABI version but lacks " + name + " (a broken libfirstset)");
            return p;
        }

        static T Function<T>(IntPtr handle, string name) where T : class
        {
            return (T)(object)Marshal.GetDelegateForFunctionPointer(Symbol(handle, name), typeof(T));
        }

        static string FileOf(IntPtr symbol)
        {
            try
            {
                DlInfo info;
                if (dladdr(symbol, out info) != 0 && info.dli_fname != IntPtr.Zero) return Utf8.FromStatic(info.dli_fname);
            }
            catch (Exception)
            {
                // dladdr is a convenience for messages only
            }
            return null;
        }

        // firstset_version(): static storage in the library. Declared as returning IntPtr: a
        // delegate or DllImport returning `string` would make the runtime free() the pointer, which
        // aborts the process (free(): invalid pointer). Decoded by hand, never freed.
        internal string Version()
        {
            return Utf8.FromStatic(version());
        }

        internal void Require(int minor, string function)
        {
            if (Minor < minor)
                throw new NotSupportedException(function + " needs ABI 1." + minor + "; the loaded library " + Path + " has ABI 1." + Minor +
                                                " (firstset " + Version() + "). Install a newer libfirstset.");
        }

        internal enum Call { Evaluate, Lint, Record, Verify, Incentive }

        // One request through the *_n function (ABI 1.5: pointer and length, no NUL needed) or, on
        // an older library, through the NUL-terminated function with a copy that ends in a NUL.
        internal string Request(Call call, IntPtr engine, byte[] data, int offset, int count)
        {
            if (data == null)
                throw new FirstsetException((int)FirstsetStatus.Argument, "ARGUMENT_NULL", "the request is null", "请求为 null");
            if (offset < 0 || count < 0 || offset > data.Length - count)
                throw new ArgumentOutOfRangeException("offset", "offset " + offset + " and count " + count + " are outside the array of " + data.Length + " bytes");
            EngineTextFn text = null;
            EngineBytesFn bytes = null;
            TextFn verifyText = null;
            BytesFn verifyBytes = null;
            switch (call)
            {
                case Call.Evaluate: text = Evaluate; bytes = EvaluateN; break;
                case Call.Lint: Require(2, "firstset_lint"); text = Lint; bytes = LintN; break;
                case Call.Record: Require(1, "firstset_record"); text = Record; bytes = RecordN; break;
                case Call.Verify: Require(1, "firstset_verify"); verifyText = Verify; verifyBytes = VerifyN; break;
                case Call.Incentive: Require(6, "firstset_incentive"); text = Incentive; bytes = IncentiveN; break;
            }
            int status;
            IntPtr response = IntPtr.Zero;
            if (Minor >= 5)
            {
                fixed (byte* p = data)
                {
                    IntPtr at = count == 0 ? IntPtr.Zero : (IntPtr)(p + offset);
                    status = call == Call.Verify ? verifyBytes(at, (UIntPtr)(uint)count, out response)
                                                 : bytes(engine, at, (UIntPtr)(uint)count, out response);
                }
            }
            else
            {
                // ABI 1.4 and older read up to a NUL: a NUL inside the text would cut it short and the
                // library would answer for another document than the one given. The 1.5 library
                // answers such a text with PARSE; so does the binding, without calling the library.
                int nul = Array.IndexOf(data, (byte)0, offset, count);
                if (nul >= 0)
                    throw new FirstsetException((int)FirstsetStatus.Parse, "JSON_SYNTAX",
                                                "the document holds a NUL byte at byte " + (nul - offset) + "; JSON text cannot contain one",
                                                "文档在第 " + (nul - offset) + " 字节处含有 NUL 字节，JSON 文本不能包含它");
                var z = new byte[count + 1];
                Buffer.BlockCopy(data, offset, z, 0, count);
                fixed (byte* p = z)
                {
                    status = call == Call.Verify ? verifyText((IntPtr)p, out response) : text(engine, (IntPtr)p, out response);
                }
            }
            return Take(status, response);
        }

        internal string EngineStatus(IntPtr engine)
        {
            Require(3, "firstset_status");
            IntPtr response;
            int status = Status(engine, out response);
            return Take(status, response);
        }

        // Opens an engine; the error document becomes the exception.
        internal IntPtr OpenEngine(string configPath)
        {
            byte[] path = Utf8.Terminated(configPath, "the configuration path");
            IntPtr engine, error;
            int status;
            fixed (byte* p = path)
            {
                status = Open((IntPtr)p, out engine, out error);
            }
            if (status == 0)
            {
                if (error != IntPtr.Zero) Free(error);
                if (engine == IntPtr.Zero)
                    throw new FirstsetException((int)FirstsetStatus.Internal, "BINDING_NO_ENGINE",
                                                "firstset_open returned OK without an engine (a bug in libfirstset)",
                                                "firstset_open 返回成功却没有引擎（libfirstset 的缺陷）");
                return engine;
            }
            if (engine != IntPtr.Zero) Close(engine);  // not documented to happen; never leak it
            Take(status, error);  // throws
            throw new InvalidOperationException("unreachable");
        }

        // Decodes a string the library returned through an out-parameter and frees it (always,
        // also when decoding fails). A non-zero status becomes the FirstsetException built from
        // the error document; a response that is not UTF-8 JSON becomes status 99 (INTERNAL).
        internal string Take(int status, IntPtr text)
        {
            string decoded;
            try
            {
                if (text == IntPtr.Zero)
                {
                    if (status != 0) throw FirstsetException.FromErrorDocument(status, null);
                    throw new FirstsetException((int)FirstsetStatus.Internal, "BINDING_NO_RESPONSE",
                                                "firstset returned status OK without a response (a bug in libfirstset)",
                                                "firstset 返回成功却没有响应（libfirstset 的缺陷）");
                }
                decoded = Utf8.DecodeStrict(text);
            }
            finally
            {
                if (text != IntPtr.Zero) Free(text);
            }
            if (status != 0) throw FirstsetException.FromErrorDocument(status, decoded);
            Utf8.CheckJson(decoded);
            return decoded;
        }
    }
}
