"""example/evaluate.py run as a vendor would: it prints the evaluate response of the sample bid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest

import support


class ExampleEvaluate(unittest.TestCase):

    def test_example_prints_the_response(self):
        script = os.path.join(support.BINDING_DIR, "example", "evaluate.py")
        env = support.clean_env(FIRSTSET_LIBRARY=support.LIBRARY)
        proc = subprocess.run([sys.executable, script, support.source("examples", "config.yaml"),
                               support.source("examples", "requests", "evaluate-CQJT-2026-014.json")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        response = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual(response["bid"], "B1")
        self.assertEqual(len(response["certificates"]), 2)
        self.assertEqual(len(response["criteria"]), 7)
        with open(script, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        self.assertLessEqual(len(lines), 12, "the example stays about ten lines")


if __name__ == "__main__":
    unittest.main()
