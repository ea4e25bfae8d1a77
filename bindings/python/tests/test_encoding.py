"""UTF-8 always, whatever the locale: a configuration in a folder with a Chinese name and Chinese
request text, run by CTest under LANG=C and LC_ALL=C (Python then starts in UTF-8 mode), and again
in child interpreters with UTF-8 mode off (PYTHONUTF8=0: the file system encoding is ASCII, so a
str path must still reach the library as its UTF-8 bytes) and forced on (PYTHONUTF8=1)."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import unittest

import support
from support import firstset

FOLDER = "配置 目录（样例）"
CONFIG = "引擎配置.yaml"


def chinese_request() -> dict:
    """The sample bid with the first manufacturer given by name only: the registry entry is then
    matched by the Chinese company name (HOLDER_MATCHED_BY_NAME). Mangled text would not match."""
    request = support.sample_request()
    del request["bid"]["offers"][0]["manufacturer"]["uscc"]
    return request


CHILD = r"""
import json, os, sys
import firstset
from test_encoding import FOLDER, CONFIG, chinese_request, check_response
tmp, config_arg, out = sys.argv[1], sys.argv[2], sys.argv[3]
literal = os.path.join(tmp, FOLDER, CONFIG)     # Chinese str: not encodable in ASCII
result = {"utf8_mode": sys.flags.utf8_mode, "fs_encoding": sys.getfilesystemencoding(), "problems": []}
for config in (literal, config_arg):            # config_arg: the str Python made of argv's bytes
    with firstset.Engine(config) as engine:
        response = engine.evaluate(chinese_request())
        result["problems"] += check_response(response)
        try:
            engine.evaluate(json.dumps({"tender": {"id": "招标-1"}, "bid": "投标"}, ensure_ascii=False))
        except firstset.SchemaError as e:
            result["message_zh"] = e.message_zh
try:
    firstset.Engine(os.path.join(tmp, FOLDER, "不存在.yaml"))
except firstset.IoError as e:
    result["io_file"] = e.file
with open(out, "w", encoding="utf-8") as f:
    json.dump(result, f, ensure_ascii=True)
"""


def check_response(response: dict) -> list:
    """What is wrong with the answer to chinese_request(); [] when right."""
    problems = []
    first = response["certificates"][0]
    if not first["accepted"]:
        problems.append("certificate not accepted: %r" % first)
    codes = [w.get("code") for w in response.get("warnings", [])] + \
        [r.get("code") for r in first.get("reasons", [])]
    if "HOLDER_MATCHED_BY_NAME" not in json.dumps(response):
        problems.append("no HOLDER_MATCHED_BY_NAME in %r" % codes)
    if "首台（套）" not in json.dumps(response, ensure_ascii=False):
        problems.append("no Chinese text in the response")
    return problems


class ChinesePathAndTextUnderLangC(support.TempDirTest):

    def setUp(self) -> None:
        super().setUp()
        # The folder and files are made with bytes paths: right whatever this interpreter's encoding.
        self.folder = os.path.join(os.fsencode(self.tmp), FOLDER.encode("utf-8"))
        os.mkdir(self.folder)
        shutil.copyfile(os.fsencode(support.source("examples", "registry.yaml")),
                        os.path.join(self.folder, "名录.yaml".encode("utf-8")))
        text = ("policies:\n  - %s\n  - %s\nregistry:\n  file: 名录.yaml\nlog: {level: warn}\n" % (
            support.quote(support.source("criteria", "policies", "cn-cq-2024-9.yaml")),
            support.quote(support.source("criteria", "policies", "cn-2023-127.yaml"))))
        self.config_bytes = os.path.join(self.folder, CONFIG.encode("utf-8"))
        with open(self.config_bytes, "wb") as f:
            f.write(text.encode("utf-8"))
        self.config_str = self.config_bytes.decode("utf-8")

    def test_environment(self):
        # Under CTest this test runs with LANG=C and LC_ALL=C (FIRSTSET_TEST_LOCALE_C=1).
        if os.environ.get("FIRSTSET_TEST_LOCALE_C") == "1":
            self.assertEqual(os.environ.get("LC_ALL"), "C")
            self.assertEqual(os.environ.get("LANG"), "C")

    def test_chinese_config_path_and_request_text(self):
        for path in (self.config_str, self.config_bytes, pathlib.Path(self.config_str)):
            with firstset.Engine(path) as engine:
                response = engine.evaluate(chinese_request())
                self.assertEqual(check_response(response), [], type(path).__name__)
                self.assertEqual(os.fsencode(engine.config_path), self.config_bytes)
                # the same request as JSON text with raw Chinese characters, and as UTF-8 bytes
                text = json.dumps(chinese_request(), ensure_ascii=False)
                self.assertEqual(engine.evaluate(text), response)
                self.assertEqual(engine.evaluate(text.encode("utf-8")), response)
                report = engine.lint(support.lint_request())
                self.assertIn("市场占有率", json.dumps(report, ensure_ascii=False))

    def test_chinese_in_error_documents(self):
        missing = os.path.join(self.config_str[:-len(CONFIG)], "不存在.yaml")
        with self.assertRaises(firstset.IoError) as cm:
            firstset.Engine(missing)
        self.assertEqual(cm.exception.file, missing)
        self.assertIn("无法读取文件", cm.exception.message_zh)
        self.assertIn("不存在.yaml", cm.exception.message)
        with firstset.Engine(self.config_str) as engine:
            with self.assertRaises(firstset.SchemaError) as cm:
                engine.evaluate({"tender": {"id": "招标-1"}, "bid": "投标"})
            self.assertTrue(any("\u4e00" <= c <= "\u9fff" for c in cm.exception.message_zh))
        ledger = os.path.join(self.config_str[:-len(CONFIG)], "账本.jsonl")
        with self.assertRaises(firstset.IoError) as cm:
            firstset.verify({"ledger": ledger})
        self.assertIn("账本.jsonl", cm.exception.message)

    def child(self, utf8: str) -> dict:
        out = os.path.join(self.tmp, "out-%s.json" % utf8)
        env = support.clean_env(FIRSTSET_LIBRARY=support.LIBRARY, LANG="C", LC_ALL="C", PYTHONUTF8=utf8,
                                PYTHONCOERCECLOCALE="0", PYTHONIOENCODING=None)
        # the argument is handed to the child as bytes: what a shell would pass
        script = os.path.join(self.tmp, "child.py")     # a file: source is UTF-8 whatever the locale
        with open(script, "w", encoding="utf-8") as f:
            f.write(CHILD)
        proc = subprocess.run([sys.executable, "-X", "faulthandler", script, self.tmp, self.config_bytes, out],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        with open(out, encoding="utf-8") as f:
            return json.load(f)

    def test_child_without_utf8_mode(self):
        result = self.child("0")
        self.assertEqual(result["utf8_mode"], 0)
        self.assertEqual(result["fs_encoding"].lower().replace("-", ""), "ascii")  # the hard case
        self.assertEqual(result["problems"], [])
        self.assertTrue(any("\u4e00" <= c <= "\u9fff" for c in result["message_zh"]))
        # the library read the path's UTF-8 bytes: the file it names is the Chinese one
        self.assertEqual(result["io_file"], os.path.join(self.tmp, FOLDER, "不存在.yaml"))

    def test_child_in_utf8_mode(self):
        result = self.child("1")
        self.assertEqual(result["utf8_mode"], 1)
        self.assertEqual(result["problems"], [])
        self.assertEqual(result["io_file"], os.path.join(self.tmp, FOLDER, "不存在.yaml"))


if __name__ == "__main__":
    unittest.main()
