"""The log callback (ABI 1.5): engine messages become records of logging.getLogger("firstset") with
the level mapped and the code kept; a host may supply its own handler, drop them, or give them back
to the library's standard error; the callback object outlives garbage collection and is unset at
exit. Requires ABI 1.5 unless FIRSTSET_EXPECT_ABI_MINOR=4, where it checks the "needs ABI 1.5"
error instead (it never passes silently on a 1.4 library)."""

from __future__ import annotations

import gc
import http.server
import logging
import textwrap
import threading
import time
import unittest

import support
from support import firstset


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records = []
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.guard:
            self.records.append(record)

    def codes(self) -> list:
        with self.guard:
            return [getattr(r, "firstset_code", None) for r in self.records]


class LogTest(support.TempDirTest):

    def setUp(self) -> None:
        super().setUp()
        minor = firstset.abi_minor()
        if support.expected_minor() >= 5:
            self.assertGreaterEqual(minor, 5, "the log callback needs an ABI 1.5 library; %s is 1.%d (set "
                                    "FIRSTSET_EXPECT_ABI_MINOR=4 to test a 1.4 library on purpose)"
                                    % (firstset.library_path(), minor))
        self.abi15 = minor >= 5
        self.logger = logging.getLogger("firstset")
        self.capture = Capture()
        self.logger.addHandler(self.capture)
        self.old_level = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.addCleanup(self.restore)

    def restore(self) -> None:
        self.logger.removeHandler(self.capture)
        self.logger.setLevel(self.old_level)
        if self.abi15:
            firstset.set_log_handler("logging")

    def config(self, level: str = "info", extra: str = "") -> str:
        return support.write(self.path("config-%s.yaml" % level), support.config_text(log_level=level, extra=extra))


class LogCallback(LogTest):

    def test_needs_abi_1_5(self):
        if self.abi15:
            self.assertEqual(firstset.get_log_handler(), "logging")
            return
        with self.assertRaises(firstset.AbiVersionError) as cm:
            firstset.set_log_handler("logging")
        self.assertIn("needs ABI 1.5", cm.exception.message)
        self.assertEqual(cm.exception.code, "ABI_TOO_OLD")

    def require15(self) -> None:
        if not self.abi15:
            self.skipTest("ABI 1.4 library, FIRSTSET_EXPECT_ABI_MINOR=4: test_needs_abi_1_5 checked the error")

    def test_engine_opened_lands_in_logging_with_level_and_code(self):
        self.require15()
        with firstset.Engine(self.config("info")) as engine:
            engine.evaluate(support.sample_request())
        opened = [r for r in self.capture.records if getattr(r, "firstset_code", None) == "ENGINE_OPENED"]
        self.assertEqual(len(opened), 1, self.capture.codes())
        r = opened[0]
        self.assertEqual(r.name, "firstset")
        self.assertEqual(r.levelno, logging.INFO)
        self.assertEqual(r.levelname, "INFO")
        self.assertEqual(r.code, "ENGINE_OPENED")
        self.assertEqual(r.firstset_level, 2)
        self.assertTrue(r.getMessage().startswith("ENGINE_OPENED: opened"), r.getMessage())
        self.assertIn("渝经信规范〔2024〕9号", r.getMessage())            # UTF-8 decoded
        # an engine at log level info passes no debug messages; at debug it does
        self.assertNotIn("EVALUATED", self.capture.codes())
        with firstset.Engine(self.config("debug")) as engine:
            engine.evaluate(support.sample_request())
        evaluated = [r for r in self.capture.records if getattr(r, "firstset_code", None) == "EVALUATED"]
        self.assertTrue(evaluated, self.capture.codes())
        self.assertEqual(evaluated[0].levelno, logging.DEBUG)
        # the logger's level filters too
        self.capture.records.clear()
        self.logger.setLevel(logging.WARNING)
        firstset.Engine(self.config("info")).close()
        self.assertEqual(self.capture.records, [])

    def test_host_handler_and_turning_it_off(self):
        self.require15()
        got = []
        previous = firstset.set_log_handler(lambda level, code, message: got.append((level, code, message)))
        self.assertEqual(previous, "logging")
        firstset.Engine(self.config("info")).close()
        self.assertTrue(any(level == logging.INFO and code == "ENGINE_OPENED" and message.startswith("opened")
                            for level, code, message in got), got)
        self.assertEqual(self.capture.records, [])          # the host's handler instead of logging
        got.clear()
        firstset.set_log_handler(None)                       # off
        firstset.Engine(self.config("info")).close()
        self.assertEqual(got, [])
        self.assertEqual(self.capture.records, [])
        self.assertIsNone(firstset.get_log_handler())
        firstset.set_log_handler("logging")
        firstset.Engine(self.config("info")).close()
        self.assertIn("ENGINE_OPENED", self.capture.codes())
        with self.assertRaises(TypeError):
            firstset.set_log_handler(42)

    def test_messages_from_the_engines_own_threads(self):
        # A registry served over http: the first answer (at open) is the document, every later one
        # (the refresh thread's, each second) a 500, which the refresh thread logs as a warning.
        self.require15()
        import datetime
        import hashlib
        with open(support.source("examples", "registry.yaml"), encoding="utf-8") as f:
            text = f.read()
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        document = text.replace('published: "2026-11-01T09:00:00+08:00"', 'published: "%s"' % now).encode()
        hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                ok = len(hits) == 1
                body = document if ok else b""
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        config = support.write(self.path("c.yaml"), (
            "policy: %s\nregistry:\n  url: http://127.0.0.1:%d/registry.yaml\n  allow_http: true\n"
            "  sha256: %s\n  refresh_seconds: 1\n  timeout_seconds: 2\n  cache: %s\nlog: {level: info}\n") % (
            support.quote(support.source("criteria", "policies", "cn-cq-2024-9.yaml")), httpd.server_address[1],
            hashlib.sha256(document).hexdigest(), support.quote(self.path("cache.json"))))
        main = threading.get_ident()
        background = []
        with firstset.Engine(config):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not background:
                time.sleep(0.1)
                with self.capture.guard:
                    background = [r for r in self.capture.records if r.thread != main]
        self.assertTrue(background, "no message from an engine thread; got %s (%d GETs)"
                        % (self.capture.codes(), len(hits)))
        r = background[0]
        self.assertEqual(r.name, "firstset")
        self.assertEqual(r.levelno, logging.WARNING)
        self.assertTrue(r.code)
        self.assertTrue(r.getMessage().startswith(r.code + ": "))

    def test_callback_object_survives_garbage_collection(self):
        self.require15()
        for _ in range(3):
            firstset.set_log_handler(lambda *a: None)
            firstset.set_log_handler("logging")
            gc.collect()
        config = self.config("info")
        together = threading.Barrier(4)

        def open_close():
            together.wait()
            firstset.Engine(config).close()
            together.wait()          # all four alive until each has logged: four distinct thread ids

        threads = [threading.Thread(target=open_close) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        gc.collect()
        self.assertEqual(self.capture.codes().count("ENGINE_OPENED"), 4)
        self.assertEqual(len({r.thread for r in self.capture.records if r.code == "ENGINE_OPENED"}), 4)

    def test_reentry_from_a_handler_refused(self):
        self.require15()
        seen = []
        engine = firstset.Engine(self.config("debug"))

        def handler(level, code, message):
            if code != "EVALUATED":
                return
            try:
                firstset.set_log_handler("logging")
            except firstset.Error as e:
                seen.append(e.code)
            try:
                engine.close()
            except firstset.Error as e:
                seen.append(e.code)

        firstset.set_log_handler(handler)
        engine.evaluate(support.sample_request())
        firstset.set_log_handler("logging")
        self.assertEqual(seen, ["LOG_HANDLER_FROM_CALLBACK", "ENGINE_BUSY"])
        self.assertFalse(engine.closed)
        engine.close()


EXIT_CHILD = textwrap.dedent("""
    import logging, sys, firstset
    from firstset import _logging
    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(levelname)s %(code)s %(message)s")
    mode = sys.argv[1]
    if mode == "stderr":
        firstset.set_log_handler("stderr")
    engine = firstset.Engine(sys.argv[2])       # left open: closed at exit, then the callback unset
    engine.evaluate(open(sys.argv[3], encoding="utf-8").read())
    print("installed:", _logging._installed is not None)
""")


class LogAtExit(LogTest):
    """In child interpreters: "stderr" gives the messages back to the library's standard error; an
    engine left open at exit is closed while logging still works, the callback is unset, and the
    process exits cleanly (status 0, no error from a callback into a finished interpreter)."""

    def test_stderr_and_clean_exit(self):
        if not self.abi15:
            self.skipTest("ABI 1.4 library, FIRSTSET_EXPECT_ABI_MINOR=4")
        config = self.config("debug")
        request = support.source("examples", "requests", "evaluate-CQJT-2026-014.json")
        env = support.clean_env(FIRSTSET_LIBRARY=support.LIBRARY)
        proc = support.run_python(EXIT_CHILD, env, args=("logging", config, request))
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("INFO ENGINE_OPENED ENGINE_OPENED: opened", out)
        self.assertIn("DEBUG EVALUATED EVALUATED: evaluated", out)
        self.assertIn("installed: True", out)
        self.assertNotIn("[firstset]", err)                 # nothing went to the library's stderr log
        for bad in ("Exception ignored", "Fatal Python error", "Traceback", "Segmentation"):
            self.assertNotIn(bad, err)
        proc = support.run_python(EXIT_CHILD, env, args=("stderr", config, request))
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("[firstset] [info] ENGINE_OPENED opened", err)
        self.assertNotIn("ENGINE_OPENED", out)
        self.assertIn("installed: False", out)


if __name__ == "__main__":
    unittest.main()
