"""Threads: one Engine used by many threads gives the single-thread answers; the GIL is released
during native calls (ctypes.CDLL), so Python threads run while a call is in the library; close is
safe against calls running in other threads (the binding's read-write lock, on any ABI)."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import threading
import time
import unittest

import support
from support import firstset

THREADS = 8
ROUNDS = 100


class ThreadsSameAnswers(unittest.TestCase):
    """8 threads x 100 evaluates (six different requests) and 8 x 50 lints on one engine: every
    answer identical to the one-thread answer."""

    def run_threads(self, work) -> list:
        errors = []
        start = threading.Barrier(THREADS)

        def body(t):
            try:
                start.wait()
                work(t)
            except BaseException as e:   # noqa: B902 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=body, args=(t,)) for t in range(THREADS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return errors

    def test_threads_same_answers(self):
        requests = support.request_variants()
        with support.engine() as engine:
            expected = [engine.evaluate_text(r) for r in requests]
            self.assertEqual(len(set(expected)), len(expected), "the variants must differ")
            mismatches, done = [], []
            lock = threading.Lock()

            def work(t):
                for i in range(ROUNDS):
                    k = (t + i) % len(requests)
                    answer = engine.evaluate_text(requests[k])
                    with lock:
                        done.append(1)
                        if answer != expected[k]:
                            mismatches.append((t, i, k))

            errors = self.run_threads(work)
            self.assertEqual(errors, [])
            self.assertEqual(len(done), THREADS * ROUNDS)
            self.assertEqual(mismatches, [])

            lint_expected = engine.lint(support.lint_request())
            lint_bad = []

            def lint_work(t):
                for _ in range(50):
                    if engine.lint(support.lint_request()) != lint_expected:
                        lint_bad.append(t)

            self.assertEqual(self.run_threads(lint_work), [])
            self.assertEqual(lint_bad, [])


class _RegistryServer:
    """A registry served over http on the loopback by a Python thread. Each GET waits until the
    test releases it, after recording that it arrived."""

    def __init__(self, document: bytes) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.arrived.set()
                server.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "application/yaml")
                self.send_header("Content-Length", str(len(document)))
                self.end_headers()
                self.wfile.write(document)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d/registry.yaml" % self.httpd.server_address[1]

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class GilReleasedDuringCalls(support.TempDirTest):
    """While one thread is inside firstset_open (which fetches the registry over http), the Python
    thread serving that registry runs and answers: impossible if the binding held the GIL during
    the native call (with ctypes.PyDLL the open times out after 10 s with REGISTRY_UNREACHABLE)."""

    def test_gil_released_during_native_call(self):
        with open(support.source("examples", "registry.yaml"), encoding="utf-8") as f:
            text = f.read()
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        old = 'published: "2026-11-01T09:00:00+08:00"'
        self.assertIn(old, text)
        document = text.replace(old, 'published: "%s"' % now).encode("utf-8")
        server = _RegistryServer(document)
        self.addCleanup(server.stop)
        config = support.write(self.path("c.yaml"), (
            "policy: %s\nregistry:\n  url: %s\n  allow_http: true\n  sha256: %s\n  refresh_seconds: 0\n"
            "  timeout_seconds: 10\n  cache: %s\nlog: {level: 'off'}\n") % (
            support.quote(support.source("criteria", "policies", "cn-cq-2024-9.yaml")), server.url,
            hashlib.sha256(document).hexdigest(), support.quote(self.path("cache.json"))))
        result = {}

        def opener():
            t0 = time.monotonic()
            try:
                result["engine"] = firstset.Engine(config)
            except BaseException as e:   # noqa: B902
                result["error"] = e
            result["seconds"] = time.monotonic() - t0

        t = threading.Thread(target=opener)
        t.start()
        # The server thread (Python) must get the request while the opener is in the native call.
        self.assertTrue(server.arrived.wait(10), "the Python server thread never ran during firstset_open")
        self.assertTrue(t.is_alive(), "firstset_open returned before the registry was served")
        # and this (main) thread runs Python meanwhile as well
        spins = 0
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            spins += 1
        self.assertGreater(spins, 1000)
        self.assertTrue(t.is_alive())
        server.release.set()
        t.join(30)
        self.assertFalse(t.is_alive())
        self.assertNotIn("error", result, result.get("error"))
        with result["engine"] as engine:
            status = engine.status()
            self.assertEqual(status["registry"]["source"]["url"], server.url)
            self.assertEqual(engine.evaluate(support.sample_request())["bid"], "B1")
        self.assertLess(result["seconds"], 10, "the open waited for the fetch to time out")


class CloseRacesCalls(unittest.TestCase):
    """8 threads evaluate in a loop while the main thread closes the engine: each call either
    returns the full, correct answer or raises ArgumentError ENGINE_CLOSED; never a crash. On
    every ABI (the binding's lock; firstset_close must not race with calls before ABI 1.5)."""

    def test_close_races_calls(self):
        request = support.sample_request()
        for round_ in range(5):
            engine = support.engine()
            expected = engine.evaluate_text(request)
            ok, closed, other = [], [], []
            started = threading.Barrier(THREADS + 1)
            answered = threading.Semaphore(0)

            def work():
                started.wait()
                first = True
                while True:
                    try:
                        answer = engine.evaluate_text(request)
                    except firstset.ArgumentError as e:
                        if e.code == "ENGINE_CLOSED" and e.status == 1:
                            closed.append(1)
                        else:
                            other.append(repr(e))
                        return
                    except BaseException as e:   # noqa: B902
                        other.append(repr(e))
                        return
                    if answer != expected:
                        other.append("wrong answer")
                        return
                    ok.append(1)
                    if first:
                        answered.release()
                        first = False

            threads = [threading.Thread(target=work) for _ in range(THREADS)]
            for th in threads:
                th.start()
            started.wait()
            for _ in range(THREADS):              # every thread has had an answer: all are calling
                self.assertTrue(answered.acquire(timeout=60))
            time.sleep(0.005 * round_)
            engine.close()
            for th in threads:
                th.join(60)
            self.assertEqual(other, [])
            self.assertEqual(len(closed), THREADS, "every thread ends with ENGINE_CLOSED")
            self.assertGreater(len(ok), 0)
            with self.assertRaises(firstset.ArgumentError):
                engine.status()


if __name__ == "__main__":
    unittest.main()
