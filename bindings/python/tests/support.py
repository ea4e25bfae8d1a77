"""Shared helpers of the binding's tests (run by CTest: bindings/python/CMakeLists.txt).

Environment: FIRSTSET_LIBRARY (the library under test), FIRSTSET_SOURCE_DIR (the source tree),
FIRSTSET_EXPECT_ABI_MINOR (4 when testing against an ABI 1.4 library on purpose; otherwise the
tests require ABI 1.5).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING_DIR = os.path.dirname(HERE)                      # bindings/python: holds the package
SOURCE_DIR = os.environ.get("FIRSTSET_SOURCE_DIR") or os.path.dirname(os.path.dirname(BINDING_DIR))
LIBRARY = os.environ.get("FIRSTSET_LIBRARY", "")

sys.path.insert(0, BINDING_DIR)
import firstset  # noqa: E402


def source(*parts: str) -> str:
    return os.path.join(SOURCE_DIR, *parts)


def read_json(*parts: str):
    with open(source(*parts), encoding="utf-8") as f:
        return json.load(f)


def sample_request() -> dict:
    return read_json("examples", "requests", "evaluate-CQJT-2026-014.json")


def lint_request() -> dict:
    return read_json("examples", "requests", "lint-CQJT-2026-014.json")


def award_record() -> dict:
    return read_json("examples", "requests", "record-award-CQJT-2026-014.json")


def request_variants() -> list:
    """The sample bid and variants that change its outcomes (as tests/abi_tests.cpp)."""
    base = sample_request()
    out = [base]
    v = copy.deepcopy(base)
    v["bid"]["offers"][1]["first_set_certificate"] = "CQ-STT-2022-0101"   # expired
    v["bid"]["offers"][1]["model"] = "HDZ-100"
    out.append(v)
    v = copy.deepcopy(base)
    del v["bid"]["offers"][0]["first_set_certificate"]
    out.append(v)
    v = copy.deepcopy(base)
    v["tender"]["bid_deadline"] = "2027-05-11T16:00:00Z"                  # CQ-STT-2024-0017 just expired
    out.append(v)
    v = copy.deepcopy(base)
    v["bid"]["offers"][0]["manufacturer"]["uscc"] = "91500000EXAMPLE11B"
    out.append(v)
    v = copy.deepcopy(base)
    v["tender"]["criteria"][3]["max_points"] = 7.5
    out.append(v)
    return out


def quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def config_text(ledger: str = None, log_level: str = "warn", extra: str = "") -> str:
    """A configuration with absolute paths to the sample packs and registry."""
    text = ("policies:\n  - %s\n  - %s\nregistry:\n  file: %s\n" % (
        quote(source("criteria", "policies", "cn-cq-2024-9.yaml")),
        quote(source("criteria", "policies", "cn-2023-127.yaml")),
        quote(source("examples", "registry.yaml"))))
    if ledger:
        text += "ledger:\n  path: %s\n" % quote(ledger)
    text += "log:\n  level: %s\n" % log_level
    return text + extra


def write(path, text: str) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def expected_minor() -> int:
    """The ABI minor the tests require: 6, unless FIRSTSET_EXPECT_ABI_MINOR says otherwise."""
    return int(os.environ.get("FIRSTSET_EXPECT_ABI_MINOR", "6"))


def clean_env(**changes) -> dict:
    """The environment for a child Python: the binding on its path, no library variables unless
    given (None removes a variable)."""
    env = dict(os.environ)
    for key in ("FIRSTSET_LIBRARY", "LD_LIBRARY_PATH", "PYTHONHOME"):
        env.pop(key, None)
    env["PYTHONPATH"] = os.pathsep.join([BINDING_DIR, HERE])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code: str, env: dict, timeout: int = 120, args=()) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "faulthandler", "-c", code, *args], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


class TempDirTest(unittest.TestCase):
    """A TestCase with self.tmp, a folder removed afterwards."""

    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="firstset-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *parts: str) -> str:
        return os.path.join(self.tmp, *parts)


def engine() -> "firstset.Engine":
    return firstset.Engine(source("examples", "config.yaml"))
