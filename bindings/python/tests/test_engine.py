"""The engine's calls through the binding: evaluate, lint, record, verify, status; close; versions;
the NUL trap; who frees what."""

from __future__ import annotations

import json
import os
import re
import unittest

import support
from support import firstset


class SampleTenderEvaluated(unittest.TestCase):
    """examples/requests/evaluate-CQJT-2026-014.json on examples/config.yaml: status 0, bid B1 with
    its certificates and criteria; a dict, JSON text and UTF-8 bytes give the same answer."""

    def test_sample_tender_evaluated(self):
        request = support.sample_request()
        with firstset.Engine(support.source("examples", "config.yaml")) as engine:
            response = engine.evaluate(request)
            self.assertIsInstance(response, dict)
            self.assertEqual(response["tender"], "CQJT-2026-014")
            self.assertEqual(response["bid"], "B1")
            self.assertEqual([c["id"] for c in response["certificates"]], ["CQ-STT-2024-0017", "CQ-STT-2025-0061"])
            self.assertTrue(all(c["accepted"] for c in response["certificates"]))
            self.assertEqual([c["id"] for c in response["criteria"]], ["C1", "C2", "C3", "C4", "C5", "C6", "C7"])
            outcomes = {c["id"]: c["outcome"] for c in response["criteria"]}
            self.assertEqual(outcomes["C4"], "deemed_met")
            self.assertEqual(outcomes["C1"], "not_applicable")
            self.assertIn("首台（套）", response["criteria"][3]["reasons"][0]["message_zh"])
            text = json.dumps(request, ensure_ascii=False)
            with open(support.source("examples", "requests", "evaluate-CQJT-2026-014.json"), "rb") as f:
                raw = f.read()
            for form in (text, text.encode("utf-8"), raw, bytearray(raw), memoryview(raw)):
                self.assertEqual(engine.evaluate(form), response, type(form).__name__)
            as_text = engine.evaluate_text(request)
            self.assertIsInstance(as_text, str)
            self.assertEqual(json.loads(as_text), response)

    def test_open_classmethod_and_pathlike(self):
        import pathlib
        with firstset.Engine.open(pathlib.Path(support.source("examples", "config.yaml"))) as engine:
            self.assertEqual(engine.evaluate(support.sample_request())["bid"], "B1")
            self.assertTrue(engine.config_path.endswith("config.yaml"))
        with firstset.Engine(os.fsencode(support.source("examples", "config.yaml"))) as engine:
            self.assertEqual(engine.evaluate(support.sample_request())["bid"], "B1")

    def test_not_a_request(self):
        with support.engine() as engine:
            for bad in (None, object(), {"x": object()}):
                with self.assertRaises(TypeError):
                    engine.evaluate(bad)


class Lint(unittest.TestCase):
    """examples/requests/lint-CQJT-2026-014.json: status 0, "findings" and "passed"."""

    def test_lint(self):
        with support.engine() as engine:
            report = engine.lint(support.lint_request())
        self.assertEqual(report["tender"], "CQJT-2026-014")
        self.assertIs(report["passed"], False)       # the sample tender scores market share
        self.assertEqual(report["policy"]["id"], "cn-cq-2024-9")
        codes = [f["code"] for f in report["findings"]]
        self.assertIn("SCORE_BY_MARKET_SHARE", codes)
        for finding in report["findings"]:
            for key in ("criterion", "severity", "code", "message_zh", "message_en", "clause"):
                self.assertIn(key, finding)


class Incentive(unittest.TestCase):
    """firstset_incentive (ABI 1.6): the reward ceiling and the premium subsidy, exact strings."""

    def test_reward_and_subsidy(self):
        with support.engine() as engine:
            reward = engine.incentive({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017",
                                       "amount_paid": "0.05", "paid_on": "2026-04-20"})
            self.assertIs(reward["eligible"], True)
            self.assertEqual(reward["max_reward"], "0.02")     # 0.015 rounded half up once
            self.assertEqual(reward["reasons"][0]["code"], "REWARD_CEILING")
            self.assertEqual(reward["reasons"][0]["clause"], "渝经信规范〔2024〕9号（一）")
            subsidy = engine.incentive({"clause": "premium_subsidy", "certificate": "CQ-STT-2024-0017", "years": [
                {"year": 2025, "premium": "20000.00", "insured_amount": "1000000.00", "claim": False},
                {"year": 2026, "premium": "20000.00", "insured_amount": "1000000.00", "claim": False}]})
            self.assertEqual([y["rate_percent"] for y in subsidy["years"]], ["80", "70"])
            self.assertEqual(subsidy["total"], "30000.00")
            unknown = engine.incentive({"clause": "first_purchase_reward", "certificate": "NO-SUCH",
                                        "amount_paid": "1.00", "paid_on": "2026-04-20"})
            self.assertIs(unknown["eligible"], False)
            self.assertEqual(unknown["reasons"][0]["code"], "INCENTIVE_CERT_UNKNOWN")

    def test_bad_amount(self):
        with support.engine() as engine:
            with self.assertRaises(firstset.SchemaError) as caught:
                engine.incentive({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017",
                                  "amount_paid": "-1.00", "paid_on": "2026-04-20"})
        self.assertEqual(caught.exception.code, "MONEY_NEGATIVE")
        self.assertEqual(caught.exception.path, "/amount_paid")


class RecordAndVerify(support.TempDirTest):
    """An award, a failure report and a tolerance decision recorded in a temporary ledger, then
    firstset.verify: ok, 4 records, the head we were given."""

    def test_record_and_verify(self):
        ledger = self.path("ledger.jsonl")
        config = support.write(self.path("config.yaml"), support.config_text(ledger=ledger))
        with firstset.Engine(config) as engine:
            award = engine.record(support.award_record())
            self.assertEqual(award["record"]["kind"], "award")
            self.assertEqual(award["record"]["seq"], 2)
            self.assertIn("assessment", award)
            award_id = award["record"]["id"]
            failure = engine.record({"kind": "failure_report", "award": award_id, "date": "2026-09-30",
                                     "description": "齿轮箱异响，停机检修", "severity": "minor"})
            self.assertEqual(failure["record"]["kind"], "failure_report")
            decision = engine.record(json.dumps({
                "kind": "tolerance_decision", "award": award_id, "failure": failure["record"]["id"],
                "exclusions": {}, "decided_by": {"role": "主管部门", "id": "X-1"}, "final": None}))
            self.assertIn(decision["proposed"], ("exempt", "not_exempt", "review"))
            head = {"seq": decision["record"]["seq"], "id": decision["record"]["id"]}
            status = engine.status()
            self.assertEqual(status["ledger"]["records"], 4)
            self.assertEqual(status["ledger"]["head"], head)
            # verify through the engine object too (it needs none)
            self.assertTrue(engine.verify({"ledger": ledger})["ok"])
        verdict = firstset.verify({"ledger": ledger, "expected_head": head})
        self.assertIs(verdict["ok"], True)
        self.assertEqual(verdict["records"], 4)
        self.assertEqual(verdict["head"], head)
        self.assertEqual(verdict["problems"], [])
        self.assertEqual(json.loads(firstset.verify_text(json.dumps({"ledger": ledger}))), firstset.verify(
            {"ledger": ledger}))
        # tampering: status 0 with ok false
        with open(ledger, "rb") as f:
            data = bytearray(f.read())
        at = data.index(b'"genesis"') + 2
        data[at] ^= 0x01
        with open(ledger, "wb") as f:
            f.write(data)
        verdict = firstset.verify({"ledger": ledger})
        self.assertIs(verdict["ok"], False)
        self.assertEqual(verdict["first_bad_seq"], 1)


class Status(support.TempDirTest):
    """firstset_status through Engine.status(): the registry, and the ledger when configured."""

    def test_status(self):
        with support.engine() as engine:
            status = engine.status()
            self.assertEqual(status["registry"]["id"], "sample-cq")
            self.assertGreater(status["registry"]["certificates"], 0)
            self.assertIsNone(status["registry"]["source"])
            self.assertIsNone(status["ledger"])
            self.assertEqual(engine.status({}), status)
            self.assertEqual(json.loads(engine.status_text()), status)
            with self.assertRaises(firstset.ArgumentError) as cm:
                engine.status({"registry": 1})
            self.assertEqual(cm.exception.code, "STATUS_TAKES_NO_REQUEST")
        config = support.write(self.path("c.yaml"), support.config_text(ledger=self.path("l.jsonl")))
        with firstset.Engine(config) as engine:
            ledger = engine.status()["ledger"]
            self.assertEqual(ledger["records"], 1)      # the genesis record
            self.assertEqual(ledger["path"], self.path("l.jsonl"))


class NoNulTrap(unittest.TestCase):
    """Requests whose UTF-8 length is a multiple of 8 and of 4096, given as bytes, bytearray,
    memoryview and str, get the same answer as the plain request; bytes after a NUL are never
    ignored (a binding that passes NUL-terminated text would accept '{...}\\0garbage')."""

    def padded(self, size: int) -> bytes:
        text = json.dumps(support.sample_request(), ensure_ascii=False).encode("utf-8")
        self.assertLess(len(text), size)
        data = text[:-1] + b" " * (size - len(text)) + b"}"
        self.assertEqual(len(data), size)
        self.assertEqual(len(data) % 8, 0)
        self.assertEqual(len(data) % 4096, 0)
        return data

    def test_length_multiple_of_4096(self):
        with support.engine() as engine:
            expected = engine.evaluate(support.sample_request())
            for size in (8192, 4096 * 5, 65536, 1 << 20):
                data = self.padded(size)
                for form in (data, bytearray(data), memoryview(data), data.decode("utf-8")):
                    self.assertEqual(engine.evaluate(form), expected, (size, type(form).__name__))
                self.assertEqual(engine.lint(json.dumps(support.lint_request()).encode().ljust(8192)),
                                 engine.lint(support.lint_request()))
            # a page-sized buffer at the end of a mapping: no byte after it is read
            data = self.padded(4096)
            self.assertEqual(engine.evaluate(memoryview(bytearray(data))), expected)

    def test_text_after_a_nul_is_not_ignored(self):
        text = json.dumps(support.sample_request()).encode()
        with support.engine() as engine:
            for data in (text + b"\0", text + b"\0garbage", b"\0" + text):
                with self.assertRaises(firstset.ParseError, msg=repr(data[-10:])) as cm:
                    engine.evaluate(data)
                self.assertEqual(cm.exception.status, firstset.PARSE)
            with self.assertRaises(firstset.ParseError):
                firstset.verify(b'{"ledger": "/nonexistent"}\0')
            # an escaped NUL inside a string is text like any other
            request = support.sample_request()
            request["bid"]["bidder"]["name"] = "投标人\u0000（样例）"
            self.assertEqual(engine.evaluate(request)["bid"], "B1")
            with self.assertRaises(firstset.ParseError):
                engine.evaluate(b"")


class CloseTwice(unittest.TestCase):
    """close() is idempotent, also after a with block, and from several threads at once."""

    def test_close_twice(self):
        engine = support.engine()
        self.assertFalse(engine.closed)
        engine.close()
        self.assertTrue(engine.closed)
        engine.close()
        with engine:
            pass
        engine.close()
        with support.engine() as e2:
            e2.close()
        e2.close()
        import threading
        e3 = support.engine()
        threads = [threading.Thread(target=e3.close) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(e3.closed)


class ClosedWhenCollected(support.TempDirTest):
    """An Engine dropped without close() is closed when collected: its ledger lock is released, so
    the same configuration opens again (while it is open, a second open gets IO LEDGER_LOCKED)."""

    def test_engine_closed_when_collected(self):
        import gc
        config = support.write(self.path("c.yaml"), support.config_text(ledger=self.path("ledger.jsonl")))
        engine = firstset.Engine(config)
        with self.assertRaises(firstset.IoError) as cm:
            firstset.Engine(config)
        self.assertEqual(cm.exception.code, "LEDGER_LOCKED")
        del engine
        gc.collect()
        firstset.Engine(config).close()


class MethodsAfterClose(unittest.TestCase):
    """Every method after close raises firstset.Error with status 1 (ARGUMENT), code ENGINE_CLOSED."""

    def test_methods_after_close(self):
        engine = support.engine()
        engine.evaluate(support.sample_request())
        engine.close()
        calls = {
            "evaluate": lambda: engine.evaluate(support.sample_request()),
            "evaluate_text": lambda: engine.evaluate_text("{}"),
            "lint": lambda: engine.lint(support.lint_request()),
            "lint_text": lambda: engine.lint_text(b"{}"),
            "record": lambda: engine.record(support.award_record()),
            "record_text": lambda: engine.record_text("{}"),
            "status": lambda: engine.status(),
            "status_text": lambda: engine.status_text(),
        }
        for name, call in calls.items():
            with self.assertRaises(firstset.Error, msg=name) as cm:
                call()
            e = cm.exception
            self.assertIsInstance(e, firstset.ArgumentError, name)
            self.assertEqual(e.status, 1, name)
            self.assertEqual(e.status, "ARGUMENT", name)
            self.assertEqual(e.status_name, "ARGUMENT", name)
            self.assertEqual(e.code, "ENGINE_CLOSED", name)
            self.assertTrue(e.message and e.message_zh, name)
            self.assertEqual(e.document["error"]["code"], "ENGINE_CLOSED", name)
        # verify needs no engine: still the library's own answer
        with self.assertRaises(firstset.IoError):
            engine.verify({"ledger": "/nonexistent/ledger.jsonl"})


class Versions(unittest.TestCase):
    """firstset_abi_version and firstset_version through the binding."""

    def test_versions(self):
        abi = firstset.abi_version()
        self.assertEqual(abi >> 16, 1)
        self.assertEqual(abi & 0xFFFF, firstset.abi_minor())
        self.assertEqual(firstset.abi_minor(), support.expected_minor(),
                         "ABI minor of %s (set FIRSTSET_EXPECT_ABI_MINOR=4 to test a 1.4 library)"
                         % firstset.library_path())
        version = firstset.library_version()
        self.assertRegex(version, r"^\d+\.\d+\.\d+")
        self.assertEqual(firstset.version(), version)
        for _ in range(1000):     # static storage: never freed, the same text every time
            self.assertEqual(firstset.library()._version().decode(), version)
        lib = firstset.library()
        self.assertEqual(lib.abi_major, 1)
        self.assertEqual(lib.abi_version, abi)
        self.assertEqual(lib.has_n, lib.abi_minor >= 5)
        self.assertTrue(re.match(r"^\d+\.\d+\.\d+$", firstset.__version__))
        self.assertIn(lib.source, ("load_library", "FIRSTSET_LIBRARY", "system"))

    def test_status_values(self):
        expected = {"OK": 0, "ARGUMENT": 1, "PARSE": 2, "SCHEMA": 3, "CONFIG": 4, "IO": 5, "INTEGRITY": 6,
                    "NOT_FOUND": 7, "LIMIT": 8, "INTERNAL": 99}
        for name, value in expected.items():
            status = firstset.Status(value)
            self.assertEqual(status, value)
            self.assertEqual(status, name)
            self.assertNotEqual(status, "OTHER")
            self.assertEqual(str(status), name)
            self.assertEqual(getattr(firstset, name), value)
            self.assertEqual(firstset.Status(name), value)
        self.assertEqual(firstset.Status(42), 42)
        self.assertEqual(firstset.Status(42).name, "STATUS_42")


class Ownership(unittest.TestCase):
    """Every string the library returns is freed with firstset_free exactly once: responses and
    error documents, also firstset_open's (counted by wrapping the binding's firstset_free)."""

    def test_every_returned_string_freed(self):
        lib = firstset.library()
        real_free = lib._free
        freed = []

        def counting_free(address):
            freed.append(address)
            real_free(address)

        lib._free = counting_free
        try:
            with support.engine() as engine:
                self.assertEqual(len(freed), 0)          # open: no error document
                engine.evaluate(support.sample_request())
                self.assertEqual(len(freed), 1)
                for bad in ("{", {"tender": 1}, b" " * (firstset.MAX_REQUEST_BYTES + 1)):
                    with self.assertRaises(firstset.Error):
                        engine.evaluate(bad)
                self.assertEqual(len(freed), 4)
                engine.status()
                engine.lint(support.lint_request())
                self.assertEqual(len(freed), 6)
            with self.assertRaises(firstset.IoError):
                firstset.Engine("/nonexistent/config.yaml")
            self.assertEqual(len(freed), 7)
            with self.assertRaises(firstset.IoError):
                firstset.verify({"ledger": "/nonexistent/ledger.jsonl"})
            self.assertEqual(len(freed), 8)
        finally:
            lib._free = real_free


if __name__ == "__main__":
    unittest.main()
