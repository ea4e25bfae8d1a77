"""Finding the library by the documented rule, and the ABI version checks.

Rule: (a) firstset.load_library(path) before first use, (b) FIRSTSET_LIBRARY, (c) libfirstset.so.1
through the dynamic loader. Each case runs in a child interpreter (one library per process).
The version checks use small fake libraries compiled here with the C compiler (cc)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import unittest

import support

REPORT = textwrap.dedent("""
    import json, sys
    import firstset
    from firstset import _library
    assert _library.loaded() is None, "importing firstset must not load the library"
    {setup}
    lib = firstset.library()
    engine = firstset.Engine({config!r})
    bid = engine.evaluate(json.load(open({request!r}, encoding="utf-8")))["bid"]
    engine.close()
    print(json.dumps({{"source": lib.source, "path": lib.path, "abi": lib.abi_version, "bid": bid}}))
""")


def report(setup: str = "") -> str:
    return REPORT.format(setup=setup, config=support.source("examples", "config.yaml"),
                         request=support.source("examples", "requests", "evaluate-CQJT-2026-014.json"))


FAILS = textwrap.dedent("""
    import json, firstset
    {setup}
    try:
        firstset.Engine("/nonexistent.yaml")
    except firstset.LibraryError as e:
        print(json.dumps({{"code": e.code, "status": int(e.status), "message": e.message}}))
    except firstset.Error as e:
        print(json.dumps({{"code": e.code, "status": int(e.status), "message": e.message, "loaded": True}}))
""")


class LibraryFinding(support.TempDirTest):

    def setUp(self) -> None:
        super().setUp()
        self.assertTrue(support.LIBRARY and os.path.exists(support.LIBRARY), "FIRSTSET_LIBRARY must name the "
                        "library under test")
        # a folder holding libfirstset.so.1, for the dynamic loader (LD_LIBRARY_PATH)
        self.libdir = self.path("lib")
        os.mkdir(self.libdir)
        os.symlink(os.path.abspath(support.LIBRARY), os.path.join(self.libdir, "libfirstset.so.1"))

    def run_child(self, code: str, **env) -> dict:
        proc = support.run_python(code, support.clean_env(**env))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        return json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])

    def system_has_library(self) -> bool:
        """Whether the dynamic loader finds libfirstset.so.1 with no help (an installed package)."""
        proc = support.run_python("import ctypes; ctypes.CDLL('libfirstset.so.1')", support.clean_env())
        return proc.returncode == 0

    def test_explicit_path(self):
        for form in ("%r" % support.LIBRARY, "pathlib.Path(%r)" % support.LIBRARY,
                     "os.fsencode(%r)" % support.LIBRARY):
            r = self.run_child(report("import os, pathlib\nfirstset.load_library(%s)" % form))
            self.assertEqual(r["source"], "load_library", form)
            self.assertEqual(r["bid"], "B1")
        # the explicit path wins over FIRSTSET_LIBRARY, even a broken one
        r = self.run_child(report("firstset.load_library(%r)" % support.LIBRARY),
                           FIRSTSET_LIBRARY="/nonexistent/libfirstset.so.1")
        self.assertEqual(r["source"], "load_library")

    def test_environment_variable(self):
        r = self.run_child(report(), FIRSTSET_LIBRARY=support.LIBRARY)
        self.assertEqual(r["source"], "FIRSTSET_LIBRARY")
        self.assertEqual(r["path"], support.LIBRARY)
        self.assertEqual(r["bid"], "B1")

    def test_dynamic_loader(self):
        r = self.run_child(report(), LD_LIBRARY_PATH=self.libdir)
        self.assertEqual(r["source"], "system")
        self.assertEqual(r["path"], "libfirstset.so.1")
        self.assertEqual(r["bid"], "B1")

    def test_clear_error_naming_the_places_tried(self):
        if self.system_has_library():
            # an installed libfirstset.so.1: rule (c) must find it
            r = self.run_child(report())
            self.assertEqual(r["source"], "system")
        else:
            r = self.run_child(FAILS.format(setup=""))
            self.assertEqual(r["code"], "LIBRARY_NOT_FOUND")
            self.assertEqual(r["status"], 5)  # IO, as the Java binding says it
            message = r["message"]
            for words in ("(a) firstset.load_library(path): not called", "(b) the environment variable "
                          "FIRSTSET_LIBRARY: not set", "(c) the dynamic loader", "libfirstset.so.1", "To fix",
                          "FIRSTSET_LIBRARY", "firstset.load_library("):
                self.assertIn(words, message)
        # FIRSTSET_LIBRARY naming no file: that place, and what was not tried
        r = self.run_child(FAILS.format(setup=""), FIRSTSET_LIBRARY=self.path("missing", "libfirstset.so.1"))
        self.assertEqual(r["code"], "LIBRARY_NOT_FOUND")
        self.assertIn(self.path("missing", "libfirstset.so.1"), r["message"])
        self.assertIn("(b) the environment variable FIRSTSET_LIBRARY", r["message"])
        self.assertIn("(c) the dynamic loader: not tried", r["message"])
        # an explicit path naming no file
        r = self.run_child(FAILS.format(setup="""
try:
    firstset.load_library(%r)
except firstset.LibraryError as e:
    print(json.dumps({"code": e.code, "status": int(e.status), "message": e.message}))
    raise SystemExit(0)
""" % self.path("nothing.so")))
        self.assertEqual(r["code"], "LIBRARY_NOT_FOUND")
        self.assertIn(self.path("nothing.so"), r["message"])
        self.assertIn("(a) the path given to firstset.load_library()", r["message"])

    def test_not_a_firstset_library(self):
        import ctypes.util
        libc = ctypes.util.find_library("c") or "libc.so.6"
        r = self.run_child(FAILS.format(setup=""), FIRSTSET_LIBRARY=libc)
        self.assertEqual(r["code"], "LIBRARY_NOT_FIRSTSET")
        self.assertIn("not libfirstset", r["message"])

    def test_load_once_per_process(self):
        r = self.run_child(textwrap.dedent("""
            import json, firstset
            a = firstset.load_library(%r)
            b = firstset.load_library(%r)        # the same file again: the same library
            c = firstset.load_library()           # no path: the loaded one
            try:
                firstset.load_library("/usr/lib/other/libfirstset.so.1")
                code = None
            except firstset.LibraryError as e:
                code = e.code
            print(json.dumps({"same": a is b is c, "code": code}))
        """) % (support.LIBRARY, os.path.join(self.libdir, "libfirstset.so.1")))
        self.assertTrue(r["same"])
        self.assertEqual(r["code"], "LIBRARY_ALREADY_LOADED")
        # loaded by name through the dynamic loader: the same file given by path is that library
        r = self.run_child(textwrap.dedent("""
            import json, os, firstset
            a = firstset.library()
            b = firstset.load_library(%r)
            print(json.dumps({"same": a is b, "source": a.source, "file": a.file}))
        """) % support.LIBRARY, LD_LIBRARY_PATH=self.libdir)
        self.assertTrue(r["same"])
        self.assertEqual(r["source"], "system")
        self.assertEqual(r["file"], os.path.realpath(support.LIBRARY))


FAKE_C = r"""
/* A fake libfirstset of ABI version FAKE_ABI with only the functions that version has. Its
 * evaluate answers {"strlen": n}: how many bytes it could read up to the NUL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct firstset_engine firstset_engine;
static char* dup(const char* s) { char* p = malloc(strlen(s) + 1); strcpy(p, s); return p; }
static char* answer(const char* text) {
    char buf[64]; snprintf(buf, sizeof buf, "{\"strlen\": %zu}", strlen(text)); return dup(buf);
}
uint32_t firstset_abi_version(void) { return FAKE_ABI; }
const char* firstset_version(void) { return "9.8.7"; }
int firstset_open(const char* p, firstset_engine** e, char** err) {
    (void)p; *e = (firstset_engine*)0x11; *err = NULL; return 0;
}
void firstset_close(firstset_engine* e) { (void)e; }
int firstset_evaluate(firstset_engine* e, const char* t, char** out) { (void)e; *out = answer(t); return 0; }
void firstset_free(char* s) { free(s); }
#if (FAKE_ABI & 0xFFFF) >= 1
int firstset_record(firstset_engine* e, const char* t, char** out) { (void)e; *out = answer(t); return 0; }
int firstset_verify(const char* t, char** out) { *out = answer(t); return 0; }
#endif
#if (FAKE_ABI & 0xFFFF) >= 2
int firstset_lint(firstset_engine* e, const char* t, char** out) { (void)e; *out = answer(t); return 0; }
#endif
#if (FAKE_ABI & 0xFFFF) >= 3
int firstset_status(firstset_engine* e, char** out) { (void)e; *out = dup("{\"fake\": true}"); return 0; }
#endif
"""

FAKE_CHILD = textwrap.dedent("""
    import json, firstset
    out = {}
    def attempt(name, f):
        try:
            out[name] = f()
        except firstset.AbiVersionError as e:
            out[name] = {"error": e.code, "status": int(e.status), "message": e.message,
                         "needed": list(e.needed), "found": list(e.found)}
        except firstset.Error as e:
            out[name] = {"error": e.code, "status": int(e.status), "message": e.message}
    attempt("load", lambda: firstset.library().abi_version)
    if isinstance(out["load"], int):
        engine = firstset.Engine("/any/config.yaml")
        data = bytearray(b"{" + b" " * 4094 + b"}")       # 4096 bytes, no NUL of its own
        attempt("evaluate", lambda: engine.evaluate(data))
        attempt("evaluate_nul", lambda: engine.evaluate(b"{}\\0{}"))
        attempt("record", lambda: engine.record({"kind": "award"}))
        attempt("verify", lambda: firstset.verify({"ledger": "x"}))
        attempt("lint", lambda: engine.lint({"id": "T"}))
        attempt("status", lambda: engine.status())
        attempt("log", lambda: firstset.set_log_handler("logging"))
        engine.close()
    print(json.dumps(out))
""")


class AbiVersionChecks(support.TempDirTest):
    """Against fake libraries: major 2 is refused at load; on 1.0 / 1.2 / 1.4 each function newer
    than the library raises AbiVersionError ("needs ABI 1.x") without its symbol being looked up,
    and documents go through the NUL-terminated functions with a NUL the binding appends."""

    def fake(self, abi: int) -> str:
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if not cc:
            self.skipTest("no C compiler to build the fake libraries")
        c = self.path("fake.c")
        support.write(c, FAKE_C)
        so = self.path("fake-%x" % abi, "libfirstset.so.1")
        os.makedirs(os.path.dirname(so))
        subprocess.run([cc, "-shared", "-fPIC", "-O1", "-DFAKE_ABI=0x%xu" % abi, "-o", so, c], check=True)
        return so

    def run_fake(self, abi: int) -> dict:
        proc = support.run_python(FAKE_CHILD, support.clean_env(FIRSTSET_LIBRARY=self.fake(abi)))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        return json.loads(proc.stdout.decode().strip().splitlines()[-1])

    def test_other_major_refused(self):
        r = self.run_fake(0x20000)
        self.assertEqual(r["load"]["error"], "LIBRARY_ABI_MAJOR")
        self.assertIn("ABI version 2.0", r["load"]["message"])
        self.assertIn("needs ABI major version 1", r["load"]["message"])

    def test_abi_1_0(self):
        r = self.run_fake(0x10000)
        self.assertEqual(r["load"], 0x10000)
        self.assertEqual(r["evaluate"], {"strlen": 4096})     # read to the NUL the binding appended
        self.assertEqual(r["evaluate_nul"]["error"], "JSON_SYNTAX")
        self.assertEqual(r["evaluate_nul"]["status"], 2)
        for name, minor in (("record", 1), ("verify", 1), ("lint", 2), ("status", 3), ("log", 5)):
            self.assertEqual(r[name]["error"], "ABI_TOO_OLD", name)
            self.assertEqual(r[name]["needed"], [1, minor], name)
            self.assertEqual(r[name]["found"], [1, 0], name)
            self.assertIn("needs ABI 1.%d" % minor, r[name]["message"], name)

    def test_abi_1_2(self):
        r = self.run_fake(0x10002)
        self.assertEqual(r["lint"], {"strlen": len('{"id":"T"}')})
        self.assertEqual(r["verify"], {"strlen": len('{"ledger":"x"}')})
        self.assertEqual(r["status"]["needed"], [1, 3])

    def test_abi_1_4(self):
        r = self.run_fake(0x10004)
        self.assertEqual(r["status"], {"fake": True})
        self.assertEqual(r["evaluate"], {"strlen": 4096})
        self.assertEqual(r["log"]["error"], "ABI_TOO_OLD")
        self.assertIn("needs ABI 1.5", r["log"]["message"])


if __name__ == "__main__":
    unittest.main()
