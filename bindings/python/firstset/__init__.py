"""firstset: the Python client library of libfirstset.so.1 (ctypes, standard library only).

    import firstset
    with firstset.Engine("/etc/firstset/config.yaml") as engine:
        response = engine.evaluate({"tender": {...}, "bid": {...}})   # a dict, or JSON text
    verdict = firstset.verify({"ledger": "/var/lib/firstset/ledger.jsonl"})

Every non-zero status of the C library raises firstset.Error (.status, .code, .path, .message,
.message_zh, .status_name, .document). The library is found by firstset.load_library(path), else
the environment variable FIRSTSET_LIBRARY, else libfirstset.so.1 through the dynamic loader.
Engine log messages go to logging.getLogger("firstset") (ABI 1.5). See README.md.
"""

from ._errors import (AbiVersionError, ArgumentError, ConfigError, Error, IntegrityError, InternalError,
                      IoError, LibraryError, LimitError, NotFoundError, ParseError, SchemaError, Status)
from ._library import ENV_VAR, SONAME, Library, load_library
from ._library import library as _loaded_or_load
from ._logging import LOG_LEVELS, LOGGER_NAME, get_log_handler, set_log_handler
from ._engine import Engine, encode_document, verify, verify_text

__version__ = "0.1.0"

for _cls in (Error, ArgumentError, ParseError, SchemaError, ConfigError, IoError, IntegrityError, NotFoundError,
             LimitError, InternalError, LibraryError, AbiVersionError, Status, Engine, Library):
    _cls.__module__ = __name__      # shown as firstset.Error, pickled by that name
del _cls

OK = Status.OK
ARGUMENT = Status.ARGUMENT
PARSE = Status.PARSE
SCHEMA = Status.SCHEMA
CONFIG = Status.CONFIG
IO = Status.IO
INTEGRITY = Status.INTEGRITY
NOT_FOUND = Status.NOT_FOUND
LIMIT = Status.LIMIT
INTERNAL = Status.INTERNAL

#: FIRSTSET_MAX_REQUEST_BYTES of firstset.h: a larger request gets LIMIT.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
#: FIRSTSET_MAX_DEPTH of firstset.h.
MAX_DEPTH = 32


def library() -> Library:
    """The loaded library (loading it by the rule when none is yet)."""
    return _loaded_or_load()


def abi_version() -> int:
    """firstset_abi_version() of the loaded library: (major << 16) | minor."""
    return _loaded_or_load().abi_version


def abi_minor() -> int:
    """The ABI minor version of the loaded library (5 for ABI 1.5)."""
    return _loaded_or_load().abi_minor


def library_version() -> str:
    """firstset_version() of the loaded library, e.g. "0.1.0"."""
    return _loaded_or_load().version


def library_path() -> str:
    """The file the library was loaded from (as given to the dynamic loader)."""
    return _loaded_or_load().path


version = library_version

__all__ = [
    "Engine", "verify", "verify_text", "load_library", "library", "abi_version", "abi_minor",
    "library_version", "library_path", "version", "set_log_handler", "get_log_handler",
    "encode_document", "Library", "Error", "ArgumentError", "ParseError", "SchemaError", "ConfigError",
    "IoError", "IntegrityError", "NotFoundError", "LimitError", "InternalError", "LibraryError",
    "AbiVersionError", "Status", "OK", "ARGUMENT", "PARSE", "SCHEMA", "CONFIG", "IO", "INTEGRITY",
    "NOT_FOUND", "LIMIT", "INTERNAL", "MAX_REQUEST_BYTES", "MAX_DEPTH", "LOG_LEVELS", "LOGGER_NAME",
    "ENV_VAR", "SONAME", "__version__",
]
