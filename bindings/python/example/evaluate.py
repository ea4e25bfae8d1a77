"""Evaluates one bid: python3 evaluate.py examples/config.yaml examples/requests/evaluate-CQJT-2026-014.json"""
import json
import sys

import firstset

config_path, request_path = sys.argv[1], sys.argv[2]
with open(request_path, encoding="utf-8") as f:
    request = json.load(f)
with firstset.Engine(config_path) as engine:       # firstset.Error on any failure
    response = engine.evaluate(request)             # a dict, as firstset_evaluate answered
print(json.dumps(response, ensure_ascii=False, indent=2))
