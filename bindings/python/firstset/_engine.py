"""firstset.Engine and firstset.verify over the C ABI."""

from __future__ import annotations

import atexit
import json
import os
import threading
import weakref
from typing import Any, Dict, Optional

from . import _library, _logging
from ._errors import ArgumentError, InternalError, Status
from ._library import decode_response, encode_path, error_from, library

__all__ = ["Engine", "verify", "verify_text", "encode_document"]


def encode_document(request: Any) -> bytes:
    """A request as the UTF-8 bytes the library reads.

    bytes, bytearray, memoryview: taken as they are (UTF-8 JSON text). str: JSON text, encoded as
    UTF-8 whatever the locale (a lone surrogate is passed on as its bytes, which the library refuses
    with PARSE NOT_UTF8). Anything else (a dict, a list, ...): serialised with json.dumps.
    """
    if isinstance(request, bytes):
        return request
    if isinstance(request, (bytearray, memoryview)):
        return bytes(request)
    if isinstance(request, str):
        return request.encode("utf-8", "surrogatepass")
    if request is None:
        raise TypeError("a request is a dict, a JSON string or UTF-8 bytes, not None")
    try:
        text = json.dumps(request, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise TypeError("a request is a dict, a JSON string or UTF-8 bytes; this %s cannot be written as "
                        "JSON: %s" % (type(request).__name__, e)) from None
    return text.encode("utf-8", "surrogatepass")


def parse_response(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise InternalError(Status.INTERNAL, "BINDING_BAD_RESPONSE",
                            "the library's response is not JSON (%s): %.200r; a bug in firstset" % (e, text),
                            "库的响应不是 JSON 文本") from None


def _closed_error() -> ArgumentError:
    return ArgumentError(Status.ARGUMENT, "ENGINE_CLOSED",
                         "the engine was closed (Engine.close); open a new one",
                         "引擎已关闭（Engine.close），请重新打开")


class _State:
    """An open native engine and the read-write lock around it: calls share it, close takes it
    alone. Close refuses new calls at once (ENGINE_CLOSED), waits for the calls running, then
    calls firstset_close, so a handle is never used during or after its close, on any ABI."""

    def __init__(self, lib: _library.Library, handle: int) -> None:
        self.lib = lib
        self.handle: Optional[int] = handle
        self.cond = threading.Condition(threading.Lock())
        self.calls = 0
        self.closing = False
        self.closed = False
        self.local = threading.local()

    def enter(self) -> int:
        with self.cond:
            if self.closing:
                raise _closed_error()
            self.calls += 1
            handle = self.handle
        self.local.depth = getattr(self.local, "depth", 0) + 1
        assert handle is not None
        return handle

    def leave(self) -> None:
        self.local.depth -= 1
        with self.cond:
            self.calls -= 1
            if self.calls == 0:
                self.cond.notify_all()

    def close(self) -> None:
        if getattr(self.local, "depth", 0) or _logging.inside_callback():
            with self.cond:
                if self.closed:
                    return
            raise ArgumentError(Status.ARGUMENT, "ENGINE_BUSY",
                                "close() cannot be called from inside a call on this engine or from a log "
                                "handler; close the engine after the call returns",
                                "不能在调用进行中或日志回调中关闭引擎")
        with self.cond:
            if self.closing:
                while not self.closed:      # another thread is closing it: wait for that
                    self.cond.wait()
                return
            self.closing = True
            try:
                while self.calls:
                    self.cond.wait()
            except BaseException:           # interrupted while waiting: the engine stays open
                self.closing = False
                raise
            handle, self.handle = self.handle, None
        try:
            if handle is not None:
                self.lib.close(handle)
        finally:
            with self.cond:
                self.closed = True
                self.cond.notify_all()

    def close_quietly(self) -> None:
        try:
            self.close()
        except Exception:
            pass


_live: "weakref.WeakSet[Engine]" = weakref.WeakSet()


class Engine:
    """An engine opened from a YAML configuration file (firstset_open).

    ``Engine(config_path)`` opens it (str, bytes or os.PathLike; encoded with os.fsencode, UTF-8
    where the locale cannot); use it in a ``with`` block or call close(). Methods take a dict, a
    JSON string or UTF-8 bytes and return the response as a dict (the ``*_text`` variants return
    the JSON text). Every non-zero status raises firstset.Error. Safe for many threads at once.
    """

    def __init__(self, config_path: Any) -> None:
        lib = library()
        path = encode_path(config_path)
        if b"\0" in path:
            raise ArgumentError(Status.ARGUMENT, "PATH_INVALID", "a file path cannot hold a NUL character",
                                "文件路径不能包含 NUL 字符")
        status, handle, raw = lib.open(path)
        if status != 0:
            if handle:
                lib.close(handle)
            raise error_from(status, raw)
        if not handle:
            raise InternalError(Status.INTERNAL, "BINDING_NO_ENGINE", "firstset_open returned 0 and no engine",
                                "firstset_open 返回 0 却没有引擎")
        self._lib = lib
        self._path = path
        self._state = _State(lib, handle)
        self._finalizer = weakref.finalize(self, _State.close_quietly, self._state)
        self._finalizer.atexit = False   # _at_exit closes the engines still open, in order
        _live.add(self)

    @classmethod
    def open(cls, config_path: Any) -> "Engine":
        """The same as Engine(config_path)."""
        return cls(config_path)

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the engine (firstset_close) after the calls running on it have returned. Calls
        made afterwards raise ArgumentError (status 1, code ENGINE_CLOSED). Closing again is a no-op."""
        self._state.close()
        self._finalizer.detach()

    @property
    def closed(self) -> bool:
        return self._state.closing

    @property
    def config_path(self) -> str:
        return os.fsdecode(self._path)

    @property
    def library(self) -> _library.Library:
        return self._lib

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<firstset.Engine %s%s>" % (self.config_path, " closed" if self.closed else "")

    # -- calls ----------------------------------------------------------------------------

    def _document_call(self, name: str, request: Any) -> str:
        data = encode_document(request)
        lib = self._lib
        handle = self._state.enter()
        try:
            lib.require(name)
            plain = getattr(lib, "_" + name[len("firstset_"):])
            sized = getattr(lib, "_" + name[len("firstset_"):] + "_n")
            status, raw = lib.call_document(plain, sized, (handle,), data)
        finally:
            self._state.leave()
        return decode_response(status, raw)

    def evaluate_text(self, request: Any) -> str:
        """firstset_evaluate(_n): the response as JSON text."""
        return self._document_call("firstset_evaluate", request)

    def lint_text(self, tender: Any) -> str:
        """firstset_lint(_n) (ABI 1.2): the response as JSON text."""
        return self._document_call("firstset_lint", tender)

    def incentive_text(self, request: Any) -> str:
        """firstset_incentive(_n) (ABI 1.6): the response as JSON text."""
        return self._document_call("firstset_incentive", request)

    def record_text(self, record: Any) -> str:
        """firstset_record(_n) (ABI 1.1): the response as JSON text."""
        return self._document_call("firstset_record", record)

    def status_text(self, request: Any = None) -> str:
        """firstset_status (ABI 1.3): the engine's state as JSON text. Takes no request; one given
        must be empty ({} or "{}")."""
        _no_request(request)
        lib = self._lib
        handle = self._state.enter()
        try:
            lib.require("firstset_status")
            status, raw = lib.call_out(lib._status, handle)
        finally:
            self._state.leave()
        return decode_response(status, raw)

    def evaluate(self, request: Any) -> Dict[str, Any]:
        """Applies the policy pack to one bid of one tender: {"tender": ..., "bid": ...}."""
        return parse_response(self.evaluate_text(request))

    def lint(self, tender: Any) -> Dict[str, Any]:
        """Audits a tender's evaluation method (rule L)."""
        return parse_response(self.lint_text(tender))

    def incentive(self, request: Any) -> Dict[str, Any]:
        """The first-purchase reward ceiling (clause （一）, Rule R) or the premium subsidy per insured
        year (clause （二）, Rule S) for one certificate. Money is a decimal string ("2200000.00"),
        never a number: {"clause": "first_purchase_reward", "certificate", "amount_paid", "paid_on"}
        or {"clause": "premium_subsidy", "certificate", "years": [{"year", "premium",
        "insured_amount", "claim"}]}. A bad amount raises FirstsetError (SCHEMA, MONEY_*)."""
        return parse_response(self.incentive_text(request))

    def record(self, record: Any) -> Dict[str, Any]:
        """Appends an award, failure report or tolerance decision to the engine's ledger."""
        return parse_response(self.record_text(record))

    def status(self, request: Any = None) -> Dict[str, Any]:
        """The engine's state for monitoring (registry, ledger)."""
        return parse_response(self.status_text(request))

    def verify(self, request: Any) -> Dict[str, Any]:
        """The same as firstset.verify(request); needs no engine."""
        return verify(request)

    def verify_text(self, request: Any) -> str:
        return verify_text(request)


def _no_request(request: Any) -> None:
    if request is None:
        return
    value = request
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            value = None
    if value != {}:
        raise ArgumentError(Status.ARGUMENT, "STATUS_TAKES_NO_REQUEST",
                            "status() takes no request (firstset_status has none); give nothing or {}",
                            "status() 不接受请求参数")


def verify_text(request: Any) -> str:
    """firstset_verify(_n) (ABI 1.1): verifies a ledger file; the verdict as JSON text."""
    data = encode_document(request)
    lib = library()
    lib.require("firstset_verify")
    status, raw = lib.call_document(lib._verify, lib._verify_n, (), data)
    return decode_response(status, raw)


def verify(request: Any) -> Dict[str, Any]:
    """Verifies a ledger file, needing no engine: {"ledger": "path", "expected_head": {...}}.
    Returns the verdict ({"ok", "records", "head", "first_bad_seq", "problems"}); status 0 whenever
    the file could be read, so check "ok"."""
    return parse_response(verify_text(request))


def _at_exit() -> None:
    # Engines still open are closed while the logging bridge still works, then the callback is
    # unset so that no engine thread calls into a finishing interpreter.
    for engine in list(_live):
        try:
            engine._finalizer()
        except BaseException:
            pass
    _logging.unset_at_exit()


atexit.register(_at_exit)
