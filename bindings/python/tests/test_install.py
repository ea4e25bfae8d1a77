"""The install rules (COMPONENT python): `cmake --install BUILD --component python` into a temporary
prefix puts the package in lib/python3/dist-packages/firstset, and the installed package, with no
FIRSTSET_LIBRARY, finds libfirstset.so.1 through the dynamic loader (here: LD_LIBRARY_PATH standing
in for /usr/lib/x86_64-linux-gnu). Needs FIRSTSET_CMAKE_COMMAND and FIRSTSET_BUILD_DIR (CTest)."""

from __future__ import annotations

import json
import os
import subprocess
import unittest

import support


class InstalledPackage(support.TempDirTest):

    def test_installed_package_finds_the_system_library(self):
        cmake = os.environ.get("FIRSTSET_CMAKE_COMMAND")
        build = os.environ.get("FIRSTSET_BUILD_DIR")
        if not cmake or not build:
            self.skipTest("run by CTest, which gives FIRSTSET_CMAKE_COMMAND and FIRSTSET_BUILD_DIR")
        prefix = self.path("usr")
        proc = subprocess.run([cmake, "--install", build, "--component", "python", "--prefix", prefix],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout.decode("utf-8", "replace"))
        package = os.path.join(prefix, "lib", "python3", "dist-packages", "firstset")
        installed = sorted(os.listdir(package))
        for name in ("__init__.py", "_engine.py", "_errors.py", "_library.py", "_logging.py"):
            self.assertIn(name, installed)
        self.assertNotIn("__pycache__", installed)
        libdir = self.path("lib-system")
        os.mkdir(libdir)
        os.symlink(os.path.abspath(support.LIBRARY), os.path.join(libdir, "libfirstset.so.1"))
        env = support.clean_env(PYTHONPATH=os.path.dirname(package), LD_LIBRARY_PATH=libdir)
        code = ("import json, firstset\n"
                "e = firstset.Engine(%r)\n"
                "r = e.evaluate(open(%r, encoding='utf-8').read())\n"
                "e.close()\n"
                "print(json.dumps({'file': firstset.__file__, 'source': firstset.library().source, 'bid': r['bid']}))\n"
                % (support.source("examples", "config.yaml"),
                   support.source("examples", "requests", "evaluate-CQJT-2026-014.json")))
        proc = support.run_python(code, env)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        result = json.loads(proc.stdout.decode())
        self.assertTrue(result["file"].startswith(package), result["file"])
        self.assertEqual(result["source"], "system")
        self.assertEqual(result["bid"], "B1")


if __name__ == "__main__":
    unittest.main()
