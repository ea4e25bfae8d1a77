"""Finding and loading libfirstset.so.1, and every C declaration of the binding (ctypes).

Rule (README.md, "Finding the library"):
  (a) the path given to firstset.load_library(path) before first use, else
  (b) the environment variable FIRSTSET_LIBRARY (the full path of the .so), else
  (c) the name libfirstset.so.1 through the dynamic loader (Debian: /usr/lib/x86_64-linux-gnu).
The first of (a), (b) that is given is the only place tried; (c) only when neither is.
"""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Any, Optional, Tuple, Union

from ._errors import AbiVersionError, Error, InternalError, LibraryError, Status

SONAME = "libfirstset.so.1"
ENV_VAR = "FIRSTSET_LIBRARY"
ABI_MAJOR = 1

# The ABI minor version each function needs (firstset.h).
NEEDS = {
    "firstset_record": 1, "firstset_verify": 1,
    "firstset_lint": 2,
    "firstset_status": 3,
    "firstset_evaluate_n": 5, "firstset_lint_n": 5, "firstset_record_n": 5, "firstset_verify_n": 5,
    "firstset_set_log_callback": 5,
    "firstset_incentive": 6, "firstset_incentive_n": 6,
}

_c_out = ctypes.POINTER(ctypes.c_void_p)   # char** : filled with a malloc'd string we must free

# typedef void (*firstset_log_fn)(void* user_data, int level, const char* code, const char* message);
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p)

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def encode_path(path: Any) -> bytes:
    """A path as the bytes the file system sees: os.fsencode, and UTF-8 where the interpreter's
    file system encoding cannot hold the name (e.g. ASCII under LC_ALL=C with PYTHONUTF8=0)."""
    if isinstance(path, (bytes, bytearray)):
        return bytes(path)
    path = os.fspath(path)
    if isinstance(path, bytes):
        return path
    if not isinstance(path, str):
        raise TypeError("a path must be str, bytes or os.PathLike, not %s" % type(path).__name__)
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")


def _display(path: bytes) -> str:
    return path.decode("utf-8", "backslashreplace")


class Library:
    """One loaded libfirstset.so.1 with its declarations. Get it with firstset.load_library()."""

    def __init__(self, cdll: Any, name: Union[str, bytes], source: str) -> None:
        self.cdll = cdll
        self.path_bytes = encode_path(name)             # what was given to dlopen
        self.path = name if isinstance(name, str) else _display(name)
        self.source = source        # "load_library", "FIRSTSET_LIBRARY" or "system"
        try:
            f = cdll.firstset_abi_version
        except AttributeError:
            raise LibraryError(
                Status.CONFIG, "LIBRARY_NOT_FIRSTSET",
                "%s (%s) has no firstset_abi_version: it is not libfirstset" % (self.path, source),
                "%s 不是 firstset 库（没有 firstset_abi_version）" % self.path) from None
        f.argtypes = []
        f.restype = ctypes.c_uint32
        self.abi_version = int(f())
        self.abi_major = self.abi_version >> 16
        self.abi_minor = self.abi_version & 0xFFFF
        if self.abi_major != ABI_MAJOR:
            raise LibraryError(
                Status.CONFIG, "LIBRARY_ABI_MAJOR",
                "%s (%s) has ABI version %d.%d; this binding needs ABI major version %d. Install a "
                "libfirstset.so.1 of major version %d, or a binding for version %d"
                % (self.path, source, self.abi_major, self.abi_minor, ABI_MAJOR, ABI_MAJOR, self.abi_major),
                "%s 的 ABI 版本为 %d.%d；本绑定需要 ABI 主版本 %d"
                % (self.path, self.abi_major, self.abi_minor, ABI_MAJOR))

        # ABI 1.0. firstset_version returns static storage: c_char_p copies it and never frees it.
        self._version = self._declare("firstset_version", [], ctypes.c_char_p)
        self._open = self._declare("firstset_open", [ctypes.c_char_p, _c_out, _c_out], ctypes.c_int)
        self._close = self._declare("firstset_close", [ctypes.c_void_p], None)
        self._evaluate = self._declare("firstset_evaluate", [ctypes.c_void_p, ctypes.c_char_p, _c_out],
                                       ctypes.c_int)
        # Owned strings come back as void* (never c_char_p, which would lose the pointer to free).
        self._free = self._declare("firstset_free", [ctypes.c_void_p], None)
        # Newer functions are looked up only when the library's minor version has them.
        self._record = self._verify = self._lint = self._status = None
        self._evaluate_n = self._lint_n = self._record_n = self._verify_n = None
        self._set_log_callback = None
        self._incentive = self._incentive_n = None
        doc = [ctypes.c_void_p, ctypes.c_char_p, _c_out]
        doc_n = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, _c_out]
        if self.abi_minor >= 1:
            self._record = self._declare("firstset_record", doc, ctypes.c_int)
            self._verify = self._declare("firstset_verify", [ctypes.c_char_p, _c_out], ctypes.c_int)
        if self.abi_minor >= 2:
            self._lint = self._declare("firstset_lint", doc, ctypes.c_int)
        if self.abi_minor >= 3:
            self._status = self._declare("firstset_status", [ctypes.c_void_p, _c_out], ctypes.c_int)
        if self.abi_minor >= 5:
            self._evaluate_n = self._declare("firstset_evaluate_n", doc_n, ctypes.c_int)
            self._lint_n = self._declare("firstset_lint_n", doc_n, ctypes.c_int)
            self._record_n = self._declare("firstset_record_n", doc_n, ctypes.c_int)
            self._verify_n = self._declare("firstset_verify_n", [ctypes.c_char_p, ctypes.c_size_t, _c_out],
                                           ctypes.c_int)
            self._set_log_callback = self._declare("firstset_set_log_callback", [LOG_FN, ctypes.c_void_p],
                                                   ctypes.c_int)
        if self.abi_minor >= 6:
            self._incentive = self._declare("firstset_incentive", doc, ctypes.c_int)
            self._incentive_n = self._declare("firstset_incentive_n", doc_n, ctypes.c_int)
        self.version = self._version().decode("utf-8", "replace")
        # The file the dynamic loader actually mapped (a name like libfirstset.so.1 resolved).
        self.file = _mapped_file(f) or self.path

    def _declare(self, name: str, argtypes: list, restype: Any) -> Any:
        try:
            f = getattr(self.cdll, name)
        except AttributeError:
            raise LibraryError(
                Status.CONFIG, "LIBRARY_SYMBOL_MISSING",
                "%s says ABI %d.%d but has no %s: a broken or foreign library"
                % (self.path, self.abi_major, self.abi_minor, name),
                "%s 声明 ABI %d.%d 却没有 %s" % (self.path, self.abi_major, self.abi_minor, name)) from None
        f.argtypes = argtypes
        f.restype = restype
        return f

    # -- version checks -------------------------------------------------------------------

    @property
    def has_n(self) -> bool:
        """Whether the *_n functions (document + length, ABI 1.5) are there."""
        return self.abi_minor >= 5

    def require(self, function: str) -> None:
        """Raises AbiVersionError unless the library's minor version has `function`."""
        minor = NEEDS.get(function, 0)
        if self.abi_minor < minor:
            err = AbiVersionError(
                Status.CONFIG, "ABI_TOO_OLD",
                "%s needs ABI 1.%d; the loaded library %s is ABI %d.%d (version %s). Install a newer "
                "libfirstset.so.1" % (function, minor, self.path, self.abi_major, self.abi_minor, self.version),
                "%s 需要 ABI 1.%d；已加载的库 %s 为 ABI %d.%d" % (function, minor, self.path, self.abi_major,
                                                                  self.abi_minor))
            err.needed = (1, minor)
            err.found = (self.abi_major, self.abi_minor)
            raise err

    # -- calls ----------------------------------------------------------------------------

    def take(self, out: ctypes.c_void_p) -> Optional[bytes]:
        """The bytes of a string the library returned, freed with firstset_free."""
        address = out.value
        if not address:
            return None
        try:
            return ctypes.string_at(address)
        finally:
            self._free(address)

    def call_out(self, function: Any, *args: Any) -> Tuple[int, Optional[bytes]]:
        """function(*args, &out): the status and the out string's bytes (already freed)."""
        out = ctypes.c_void_p()
        try:
            status = function(*args, ctypes.byref(out))
        finally:
            text = self.take(out)
        return int(status), text

    def call_document(self, plain: Any, sized: Any, prefix: tuple, data: bytes) -> Tuple[int, Optional[bytes]]:
        """A document call: the *_n function with the byte length (1.5), else the NUL-terminated
        one with a NUL appended here (1.4 and older)."""
        if sized is not None:
            return self.call_out(sized, *prefix, data, len(data))
        nul = data.find(b"\0")
        if nul >= 0:
            # The NUL-terminated function would read only the text before it: refused here, with the
            # status the *_n functions give (PARSE).
            raise _nul_error(nul)
        return self.call_out(plain, *prefix, data + b"\0")

    def open(self, config_path: bytes) -> Tuple[int, Optional[int], Optional[bytes]]:
        engine = ctypes.c_void_p()
        out = ctypes.c_void_p()
        try:
            status = self._open(config_path, ctypes.byref(engine), ctypes.byref(out))
        finally:
            text = self.take(out)
        return int(status), engine.value, text

    def close(self, handle: int) -> None:
        self._close(handle)

    def __repr__(self) -> str:
        return "<firstset.Library %s ABI %d.%d version %s from %s>" % (
            self.path, self.abi_major, self.abi_minor, self.version, self.source)


def _nul_error(offset: int) -> Error:
    from ._errors import ParseError
    return ParseError(Status.PARSE, "JSON_SYNTAX",
                      "the document holds a NUL byte at offset %d; JSON text cannot (outside a string, "
                      "write \\u0000 inside one)" % offset,
                      "文档第 %d 字节处含有 NUL 字节，JSON 文本中不允许出现" % offset)


# -- the process's one library ------------------------------------------------------------

_lock = threading.RLock()
_library: Optional[Library] = None
_on_load = []   # callables run once with the Library after it is loaded (the logging bridge)


def _dlopen(name: Union[str, bytes]) -> Any:
    return ctypes.CDLL(name)   # CDLL: ctypes releases the GIL during every call


def load_library(path: Optional[PathLike] = None) -> Library:
    """Loads libfirstset.so.1 and returns it (a Library: path, source, abi_version, version).

    With `path`: that file and nothing else; call this before the first Engine or verify(). A
    second call with the same file returns the loaded library; with another file it raises
    LibraryError (LIBRARY_ALREADY_LOADED): a process holds one libfirstset. Without `path`: the
    library already loaded, else FIRSTSET_LIBRARY, else libfirstset.so.1 from the dynamic loader.
    """
    global _library
    with _lock:
        if _library is not None:
            if path is not None and not _same_file(encode_path(path), encode_path(_library.file)):
                raise LibraryError(
                    Status.CONFIG, "LIBRARY_ALREADY_LOADED",
                    "firstset.load_library(%r): %s (%s, from %s) is already loaded; call load_library(path) "
                    "before the first Engine or verify(), once per process" % (
                        _display(encode_path(path)), _library.path, _library.file, _library.source),
                    "已加载 %s，load_library 须在首次使用前调用" % _library.path)
            return _library
        tried = []
        if path is not None:
            lib = _try("load_library", encode_path(path), tried,
                       "(a) the path given to firstset.load_library()",
                       "(b) %s and (c) the dynamic loader: not tried when a path is given" % ENV_VAR)
        elif os.environ.get(ENV_VAR):
            tried.append("(a) firstset.load_library(path): not called")
            lib = _try(ENV_VAR, encode_path(os.environ[ENV_VAR]), tried,
                       "(b) the environment variable %s" % ENV_VAR,
                       "(c) the dynamic loader: not tried while %s is set (unset it to use the "
                       "system's libfirstset.so.1)" % ENV_VAR)
        else:
            tried.append("(a) firstset.load_library(path): not called")
            tried.append("(b) the environment variable %s: not set" % ENV_VAR)
            lib = _try("system", SONAME, tried, "(c) the dynamic loader (LD_LIBRARY_PATH, /etc/ld.so.cache, "
                       "/lib, /usr/lib)")
        for hook in list(_on_load):
            hook(lib)
        _library = lib
        return lib


def _try(source: str, name: Union[str, bytes], tried: list, where: str, after: str = "") -> Library:
    shown = _display(name) if isinstance(name, bytes) else name
    try:
        cdll = _dlopen(name)
    except OSError as e:
        tried.append("%s: %s: %s" % (where, shown, e))
        if after:
            tried.append(after)
        raise LibraryError(
            Status.IO, "LIBRARY_NOT_FOUND",
            "cannot load the firstset library. Tried, in order:\n  " + "\n  ".join(tried)
            + "\nTo fix: install the package that ships libfirstset.so.1 (it goes to "
              "/usr/lib/x86_64-linux-gnu, where the dynamic loader finds it), or set FIRSTSET_LIBRARY to the "
              "full path of libfirstset.so.1, or call firstset.load_library('/path/to/libfirstset.so.1') "
              "before the first Engine.",
            "无法加载 firstset 库（已尝试：%s）。请安装提供 libfirstset.so.1 的软件包，或设置环境变量 "
            "FIRSTSET_LIBRARY 为其完整路径，或在首次使用前调用 firstset.load_library(路径)。"
            % "；".join(tried)) from None
    return Library(cdll, name, source)


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _mapped_file(function: Any) -> Optional[str]:
    """The file holding `function` (dladdr), or None where that cannot be told."""
    try:
        dladdr = ctypes.CDLL(None).dladdr
        dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
        dladdr.restype = ctypes.c_int
        info = _DlInfo()
        if dladdr(ctypes.cast(function, ctypes.c_void_p), ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(os.fsdecode(info.dli_fname))
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _same_file(a: bytes, b: bytes) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


def library() -> Library:
    """The loaded library, loading it by the rule when none is."""
    lib = _library
    return lib if lib is not None else load_library()


def loaded() -> Optional[Library]:
    """The loaded library, or None (never loads)."""
    return _library


def decode_response(status: int, raw: Optional[bytes]) -> str:
    """The response text of a call; every non-zero status raised as its Error."""
    if status == 0:
        if raw is None:
            raise InternalError(Status.INTERNAL, "BINDING_NO_RESPONSE",
                                "the library returned status 0 and no response document",
                                "库返回状态 0 却没有响应文档")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InternalError(Status.INTERNAL, "BINDING_BAD_RESPONSE",
                                "the library's response is not UTF-8 (%s); a bug in firstset" % e,
                                "库的响应不是 UTF-8 文本") from None
    raise error_from(status, raw)


def error_from(status: int, raw: Optional[bytes]) -> Error:
    """The Error for a non-zero status and its error document's bytes."""
    import json
    if raw is None:
        return Error.from_document(status, {"error": {
            "status": Status(status).name, "code": "BINDING_NO_ERROR_DOCUMENT",
            "message": "the library returned status %d without an error document" % status,
            "message_zh": "库返回状态 %d 却没有错误文档" % status}})
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        err = InternalError(Status.INTERNAL, "BINDING_BAD_ERROR_DOCUMENT",
                            "the library returned status %d with an error document that is not UTF-8 JSON "
                            "(%s): %.200r" % (status, e, raw),
                            "库返回状态 %d，其错误文档不是 UTF-8 JSON" % status)
        err.native_status = status
        return err
    err = Error.from_document(status, document)
    err.native_status = status
    return err
