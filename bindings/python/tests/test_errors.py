"""Every status of the contract as its typed exception, built from the error document: status (an
int that equals its name), code, path, file/line, messages in English and Chinese."""

from __future__ import annotations

import json
import pickle
import unittest

import support
from support import firstset


class ErrorStatuses(support.TempDirTest):

    def check(self, e: "firstset.Error", status: int, name: str, cls: type, code: str = None) -> None:
        self.assertIsInstance(e, firstset.Error)
        self.assertIsInstance(e, cls)
        self.assertEqual(e.status, status)
        self.assertEqual(e.status, name)
        self.assertTrue(e.status == status and e.status == name)
        self.assertEqual(int(e.status), status)
        self.assertEqual(e.status_name, name)
        self.assertRegex(e.code, r"^[A-Z][A-Z0-9_]*$")
        if code:
            self.assertEqual(e.code, code)
        self.assertTrue(e.message)
        self.assertTrue(e.message_zh)
        self.assertEqual(e.document["error"]["status"], name)
        self.assertEqual(e.document["error"]["code"], e.code)
        self.assertEqual(e.document["error"].get("path"), e.path)
        self.assertIn(name, str(e))
        self.assertIn(e.code, str(e))
        copy = pickle.loads(pickle.dumps(e))
        self.assertIs(type(copy), type(e))
        self.assertEqual((copy.status, copy.code, copy.path), (e.status, e.code, e.path))

    def engine(self):
        engine = support.engine()
        self.addCleanup(engine.close)
        return engine

    def test_argument_call_after_close(self):
        engine = support.engine()
        engine.close()
        with self.assertRaises(firstset.Error) as cm:
            engine.evaluate(support.sample_request())
        self.check(cm.exception, 1, "ARGUMENT", firstset.ArgumentError, "ENGINE_CLOSED")

    def test_parse(self):
        with self.assertRaises(firstset.Error) as cm:
            self.engine().evaluate("{")
        e = cm.exception
        self.check(e, 2, "PARSE", firstset.ParseError, "JSON_SYNTAX")
        self.assertEqual(e.line, 1)
        self.assertEqual(e.column, 2)
        # a configuration that is not YAML: PARSE from Engine(), with file and line
        config = support.write(self.path("c.yaml"), "policy: [unclosed\n")
        with self.assertRaises(firstset.ParseError) as cm:
            firstset.Engine(config)
        self.check(cm.exception, 2, "PARSE", firstset.ParseError)
        self.assertEqual(cm.exception.file, config)
        self.assertEqual(cm.exception.line, 2)

    def test_schema(self):
        with self.assertRaises(firstset.Error) as cm:
            self.engine().evaluate({"tender": 1})
        self.check(cm.exception, 3, "SCHEMA", firstset.SchemaError)
        self.assertTrue(cm.exception.path.startswith("/"))
        request = support.sample_request()
        request["bid"]["offers"][0]["model"] = 3120
        with self.assertRaises(firstset.SchemaError) as cm:
            self.engine().evaluate(request)
        self.check(cm.exception, 3, "SCHEMA", firstset.SchemaError, "SCHEMA_TYPE")
        self.assertEqual(cm.exception.path, "/bid/offers/0/model")
        request = support.sample_request()
        request["bid"]["offers"][0]["manufacturer"]["uscc"] = "9150"
        with self.assertRaises(firstset.SchemaError) as cm:
            self.engine().evaluate(request)
        self.assertEqual(cm.exception.path, "/bid/offers/0/manufacturer/uscc")
        self.assertIn("统一社会信用代码", cm.exception.message_zh)

    def test_config(self):
        # a malformed configuration: an unknown member
        config = support.write(self.path("c.yaml"), support.config_text() + "polices: []\n")
        with self.assertRaises(firstset.Error) as cm:
            firstset.Engine(config)
        e = cm.exception
        self.check(e, 4, "CONFIG", firstset.ConfigError, "SCHEMA_UNKNOWN_MEMBER")
        self.assertEqual(e.path, "/polices")
        self.assertEqual(e.file, config)
        self.assertIsInstance(e.line, int)
        # a configuration naming no policy pack
        config = support.write(self.path("d.yaml"), "registry: {file: %s}\n"
                               % support.quote(support.source("examples", "registry.yaml")))
        with self.assertRaises(firstset.ConfigError) as cm:
            firstset.Engine(config)
        self.check(cm.exception, 4, "CONFIG", firstset.ConfigError)
        # a record on an engine whose configuration names no ledger
        with self.assertRaises(firstset.ConfigError) as cm:
            self.engine().record(support.award_record())
        self.check(cm.exception, 4, "CONFIG", firstset.ConfigError, "NO_LEDGER")

    def test_io(self):
        missing = self.path("none", "config.yaml")
        with self.assertRaises(firstset.Error) as cm:
            firstset.Engine(missing)
        e = cm.exception
        self.check(e, 5, "IO", firstset.IoError, "FILE_UNREADABLE")
        self.assertEqual(e.file, missing)
        # a configuration naming a policy pack that is not there
        config = support.write(self.path("c.yaml"), "policy: %s\nregistry: {file: %s}\n" % (
            support.quote(self.path("missing-pack.yaml")), support.quote(support.source("examples", "registry.yaml"))))
        with self.assertRaises(firstset.IoError) as cm:
            firstset.Engine(config)
        self.assertEqual(cm.exception.file, self.path("missing-pack.yaml"))
        with self.assertRaises(firstset.IoError) as cm:
            firstset.verify({"ledger": self.path("no-ledger.jsonl")})
        self.check(cm.exception, 5, "IO", firstset.IoError)

    def ledger_engine(self):
        config = support.write(self.path("c.yaml"), support.config_text(ledger=self.path("ledger.jsonl")))
        return config, firstset.Engine(config)

    def test_integrity(self):
        config, engine = self.ledger_engine()
        with engine:
            award = engine.record(support.award_record())
            engine.evaluate(support.sample_request())
        self.assertEqual(award["record"]["seq"], 2)
        with open(self.path("ledger.jsonl"), "rb") as f:
            lines = f.read().split(b"\n")
        lines.insert(1, b'{"garbage": true}')                    # in the middle of the ledger
        with open(self.path("ledger.jsonl"), "wb") as f:
            f.write(b"\n".join(lines))
        with self.assertRaises(firstset.Error) as cm:
            firstset.Engine(config)
        self.check(cm.exception, 6, "INTEGRITY", firstset.IntegrityError, "LEDGER_DAMAGED")

    def test_not_found(self):
        config, engine = self.ledger_engine()
        with engine:
            with self.assertRaises(firstset.Error) as cm:
                engine.record({"kind": "failure_report", "award": "a" * 64, "date": "2026-09-30",
                               "description": "停机", "severity": "minor"})
        e = cm.exception
        self.check(e, 7, "NOT_FOUND", firstset.NotFoundError, "RECORD_NOT_FOUND")
        self.assertEqual(e.path, "/award")

    def test_limit(self):
        engine = self.engine()
        with self.assertRaises(firstset.Error) as cm:
            engine.evaluate(b" " * (firstset.MAX_REQUEST_BYTES + 1))
        self.check(cm.exception, 8, "LIMIT", firstset.LimitError, "INPUT_TOO_LARGE")
        # a dict that serialises to more than 4 MiB
        request = support.sample_request()
        request["tender"]["title"] = "长" * (firstset.MAX_REQUEST_BYTES // 3 + 10)
        with self.assertRaises(firstset.LimitError):
            engine.evaluate(request)
        with self.assertRaises(firstset.LimitError) as cm:
            engine.evaluate("[" * 1000 + "]" * 1000)
        self.check(cm.exception, 8, "LIMIT", firstset.LimitError, "INPUT_TOO_DEEP")
        with self.assertRaises(firstset.LimitError):
            engine.lint(b" " * (firstset.MAX_REQUEST_BYTES + 1))
        with self.assertRaises(firstset.LimitError):
            firstset.verify(b" " * (firstset.MAX_REQUEST_BYTES + 1))

    def test_internal_for_a_response_that_is_not_utf8_or_json(self):
        # The library never answers so (INTERNAL cannot be provoked through the C ABI); the binding's
        # decoding is checked directly: an INTERNAL Error, never a crash or a UnicodeDecodeError.
        from firstset import _engine, _library
        with self.assertRaises(firstset.InternalError) as cm:
            _library.decode_response(0, b'{"ok": "\xff"}')
        self.check(cm.exception, 99, "INTERNAL", firstset.InternalError, "BINDING_BAD_RESPONSE")
        with self.assertRaises(firstset.InternalError) as cm:
            _engine.parse_response('{"ok": ')
        self.check(cm.exception, 99, "INTERNAL", firstset.InternalError, "BINDING_BAD_RESPONSE")
        with self.assertRaises(firstset.InternalError):
            _library.decode_response(0, None)
        e = _library.error_from(3, b"\xff\xfe not json")
        self.check(e, 99, "INTERNAL", firstset.InternalError, "BINDING_BAD_ERROR_DOCUMENT")
        self.assertEqual(e.native_status, 3)
        e = _library.error_from(3, b'["not an error document"]')
        self.check(e, 99, "INTERNAL", firstset.InternalError)
        # a status this binding does not know still becomes an Error
        e = _library.error_from(42, json.dumps({"error": {"status": "NEW", "code": "NEW_CODE",
                                                          "message": "m", "message_zh": "m"}}).encode())
        self.assertIsInstance(e, firstset.Error)
        self.assertEqual(e.status, 42)
        self.assertEqual(e.code, "NEW_CODE")

    def test_error_is_catchable_as_one_type(self):
        engine = self.engine()
        for bad, status in (("{", 2), ({"tender": 1}, 3), (b" " * (firstset.MAX_REQUEST_BYTES + 1), 8)):
            try:
                engine.evaluate(bad)
            except firstset.Error as e:
                self.assertEqual(e.status, status)
            else:
                self.fail("no Error for %r" % (bad[:20],))


if __name__ == "__main__":
    unittest.main()
