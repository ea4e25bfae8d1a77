"""The engine's log messages into Python's logging (ABI 1.5, firstset_set_log_callback).

By default, as soon as a 1.5 library is loaded, every message an engine logs (at or above its
configuration's ``log: {level: ...}``) becomes a record of ``logging.getLogger("firstset")``:
level DEBUG/INFO/WARNING/ERROR, text ``"CODE: message"``, and the code as the record's
attributes ``code`` and ``firstset_code`` (the native level as ``firstset_level``).
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable, Optional, Union

from . import _library
from ._errors import ArgumentError, Status

__all__ = ["set_log_handler", "get_log_handler", "LOGGER_NAME", "LOG_LEVELS"]

LOGGER_NAME = "firstset"
logger = logging.getLogger(LOGGER_NAME)

# firstset_log_level -> logging level
LOG_LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}


def python_level(native: int) -> int:
    level = LOG_LEVELS.get(native)
    if level is not None:
        return level
    return logging.CRITICAL if native > 4 else logging.DEBUG


def _to_logging(native: int, code: str, message: str) -> None:
    level = python_level(native)
    if logger.isEnabledFor(level):
        logger.log(level, "%s: %s", code, message,
                   extra={"code": code, "firstset_code": code, "firstset_level": native})


_tls = threading.local()
_lock = threading.Lock()
_dispatch: Optional[Callable[[int, str, str], None]] = _to_logging
_spec: Any = "logging"        # what set_log_handler was given last
_installed: Optional[_library.Library] = None   # the library our callback is set in


def inside_callback() -> bool:
    """Whether this thread is running inside the native log callback."""
    return getattr(_tls, "depth", 0) > 0


def _native_callback(user_data: Any, level: int, code: Optional[bytes], message: Optional[bytes]) -> None:
    _tls.depth = getattr(_tls, "depth", 0) + 1
    try:
        dispatch = _dispatch
        if dispatch is not None:
            dispatch(int(level),
                     code.decode("utf-8", "replace") if code else "",
                     message.decode("utf-8", "replace") if message else "")
    except BaseException:  # nothing may unwind into the C library
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        _tls.depth -= 1


# The one native callback object of the process. Module-global and never released: the C library
# may call it from any thread until firstset_set_log_callback(NULL) has returned (at exit).
_CALLBACK = _library.LOG_FN(_native_callback)
_KEEP_ALIVE = [_CALLBACK]
_NULL = _library.LOG_FN()      # a NULL firstset_log_fn: the library's standard-error log again


def _refuse_inside_callback() -> None:
    if inside_callback():
        raise ArgumentError(Status.ARGUMENT, "LOG_HANDLER_FROM_CALLBACK",
                            "the log handler cannot be changed from inside a log handler",
                            "不能在日志回调中更改日志处理")


def _set_native(lib: _library.Library, install: bool) -> None:
    _refuse_inside_callback()
    status = lib._set_log_callback(_CALLBACK if install else _NULL, None)
    if status != 0:
        raise ArgumentError(Status(status), "LOG_CALLBACK_REFUSED",
                            "firstset_set_log_callback returned status %d" % status,
                            "firstset_set_log_callback 返回状态 %d" % status)


def set_log_handler(handler: Union[str, None, Callable[[int, str, str], Any]] = "logging") -> Any:
    """Where the engines' log messages go (process-wide); returns the previous setting.

    ``"logging"`` (the default): records of logging.getLogger("firstset").
    a callable ``handler(level, code, message)``: called with the logging level (logging.INFO, ...),
        the code and the message (str), from any thread, also the engine's own threads; it must
        return quickly and must not call set_log_handler or close an engine.
    ``None``: dropped.
    ``"stderr"``: the library's own standard-error log (the callback is unset).
    Needs ABI 1.5 (AbiVersionError otherwise).
    """
    global _dispatch, _spec, _installed
    lib = _library.library()
    lib.require("firstset_set_log_callback")
    _refuse_inside_callback()
    if handler == "logging":
        dispatch: Optional[Callable[[int, str, str], None]] = _to_logging
    elif handler is None or handler == "stderr":
        dispatch = None
    elif callable(handler):
        user = handler

        def dispatch(native: int, code: str, message: str) -> None:
            user(python_level(native), code, message)
    else:
        raise TypeError("set_log_handler takes 'logging', 'stderr', None or a callable, not %r" % (handler,))
    with _lock:
        previous = _spec
        if handler == "stderr":
            if _installed is not None:
                _set_native(lib, False)
                _installed = None
            _dispatch = None
        else:
            _dispatch = dispatch
            if _installed is None:
                _set_native(lib, True)
                _installed = lib
        _spec = handler
    return previous


def get_log_handler() -> Any:
    """The current setting: "logging", "stderr", None or the callable given."""
    return _spec


def _on_load(lib: _library.Library) -> None:
    """Installs the default bridge when a 1.5 library is loaded (before it is first used)."""
    global _installed
    if lib.abi_minor < 5 or _spec == "stderr":
        return
    with _lock:
        if _installed is None:
            _set_native(lib, True)
            _installed = lib


def unset_at_exit() -> None:
    """Unsets the callback so that no engine thread calls into a finishing interpreter."""
    global _installed
    with _lock:
        lib, _installed = _installed, None
    if lib is not None:
        try:
            lib._set_log_callback(_NULL, None)
        except BaseException:
            pass


_library._on_load.append(_on_load)
