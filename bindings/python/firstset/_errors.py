"""Statuses and the exceptions every non-zero status becomes."""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, Optional

__all__ = [
    "Status", "Error", "ArgumentError", "ParseError", "SchemaError", "ConfigError", "IoError",
    "IntegrityError", "NotFoundError", "LimitError", "InternalError", "LibraryError",
    "AbiVersionError",
]


class Status(enum.IntEnum):
    """The status codes of firstset.h (enum firstset_status_code).

    A Status is an int (``Status.SCHEMA == 3``) that also compares equal to its name
    (``Status.SCHEMA == "SCHEMA"``); ``str()`` gives the name. A status this binding does not
    know (a newer library) becomes a member named ``STATUS_<n>``.
    """

    OK = 0
    ARGUMENT = 1
    PARSE = 2
    SCHEMA = 3
    CONFIG = 4
    IO = 5
    INTEGRITY = 6
    NOT_FOUND = 7
    LIMIT = 8
    INTERNAL = 99

    @classmethod
    def _missing_(cls, value: object) -> Optional["Status"]:
        if isinstance(value, int) and not isinstance(value, bool):
            member = int.__new__(cls, value)
            member._name_ = "STATUS_%d" % value
            member._value_ = value
            return member
        if isinstance(value, str) and value in cls.__members__:
            return cls.__members__[value]
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.name == other
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = int.__hash__

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec) if not spec or spec[-1] == "s" else format(int(self), spec)

    def __repr__(self) -> str:
        return "<Status.%s: %d>" % (self.name, int(self))


class Error(Exception):
    """An error document of the C library, or one this binding made in the same form.

    Attributes: ``status`` (a :class:`Status`: an int that also equals its name),
    ``status_name``, ``code``, ``path`` (a JSON Pointer or None), ``message`` (English),
    ``message_zh`` (Chinese), ``file``, ``line``, ``column`` (None when absent) and
    ``document`` (the whole error document, a dict: ``{"error": {...}}``).
    ``native_status`` is the int the C function returned (None for errors the binding made).
    """

    native_status: Optional[int] = None

    def __init__(self, status: Any, code: str, message: str, message_zh: Optional[str] = None,
                 path: Optional[str] = None, file: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None, document: Optional[Dict[str, Any]] = None) -> None:
        self.status = Status(status) if not isinstance(status, Status) else status
        self.code = code
        self.message = message
        self.message_zh = message_zh if message_zh is not None else message
        self.path = path
        self.file = file
        self.line = line
        self.column = column
        if document is None:
            body: Dict[str, Any] = {"status": self.status.name, "code": code, "message": message,
                                    "message_zh": self.message_zh}
            for key, value in (("path", path), ("file", file), ("line", line), ("column", column)):
                if value is not None:
                    body[key] = value
            document = {"error": body}
        self.document = document
        super().__init__(self.status, code, message)

    @property
    def status_name(self) -> str:
        return self.status.name

    @property
    def error_json(self) -> str:
        """The error document as JSON text."""
        return json.dumps(self.document, ensure_ascii=False)

    def __str__(self) -> str:
        return "%s %s: %s" % (self.status.name, self.code, self.message)

    def __repr__(self) -> str:
        return "%s(status=%s, code=%r, path=%r, message=%r)" % (
            type(self).__name__, self.status.name, self.code, self.path, self.message)

    def __reduce__(self):  # picklable (multiprocessing)
        return (_rebuild, (type(self), self.document, int(self.status)))

    @staticmethod
    def from_document(status: int, document: Any) -> "Error":
        """The exception for a native status and its parsed error document."""
        if not isinstance(document, dict) or not isinstance(document.get("error"), dict):
            return InternalError(
                Status.INTERNAL, "BINDING_BAD_ERROR_DOCUMENT",
                "the library returned status %d with a document that is not an error document: %.200r"
                % (status, document),
                "库返回状态 %d，但所附文档不是错误文档" % status, document=None)
        e = document["error"]

        def text(key: str) -> Optional[str]:
            value = e.get(key)
            return value if isinstance(value, str) else None

        def number(key: str) -> Optional[int]:
            value = e.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        cls = _BY_STATUS.get(int(status), Error)
        return cls(status, text("code") or "UNKNOWN", text("message") or "", text("message_zh"),
                   text("path"), text("file"), number("line"), number("column"), document)


def _rebuild(cls, document, status):
    err = Error.from_document(status, document)
    err.__class__ = cls
    return err


class ArgumentError(Error):
    """Status 1 ARGUMENT (e.g. a call on a closed engine: code ENGINE_CLOSED)."""


class ParseError(Error):
    """Status 2 PARSE."""


class SchemaError(Error):
    """Status 3 SCHEMA."""


class ConfigError(Error):
    """Status 4 CONFIG."""


class IoError(Error):
    """Status 5 IO."""


class IntegrityError(Error):
    """Status 6 INTEGRITY."""


class NotFoundError(Error):
    """Status 7 NOT_FOUND."""


class LimitError(Error):
    """Status 8 LIMIT."""


class InternalError(Error):
    """Status 99 INTERNAL: a bug in firstset (or a response this binding could not read)."""


class LibraryError(Error):
    """libfirstset.so.1 cannot be found or loaded, or is of another ABI major version.

    Status IO with code LIBRARY_NOT_FOUND (as the Java binding says it); status CONFIG with
    LIBRARY_ALREADY_LOADED or LIBRARY_ABI_MAJOR.
    """


class AbiVersionError(ConfigError):
    """The loaded library is older than the ABI minor version a function needs.

    Status CONFIG, code ABI_TOO_OLD; ``needed`` and ``found`` are (major, minor) tuples.
    """

    needed = (1, 0)
    found = (1, 0)


_BY_STATUS = {
    1: ArgumentError, 2: ParseError, 3: SchemaError, 4: ConfigError, 5: IoError,
    6: IntegrityError, 7: NotFoundError, 8: LimitError, 99: InternalError,
}
