#!/usr/bin/env bash
# Rule T' end to end, as a compliance officer sees it (issue 14): the sample award of tender
# CQJT-2026-014, its failure, and a tolerance-of-failure case run through firstset-host record from
# application to feedback (the investigation late), then
#   1. the dossier as HTML, rendered by headless Chromium from Debian to a PNG and to its DOM: the
#      timeline is there with readable labels (no raw keys such as committee_formed), the late
#      investigation and the notice overdue as of the chosen day are marked, and the page paints;
#   2. the case package (一项一档): a zip whose manifest digests, records, evidence and verification
#      hold, checked with Python's zipfile and hashlib;
#   3. the notice recorded: the case is complete, a new package says so.
# Usage: case_story.sh FIRSTSET_HOST FIRSTSET_LEDGER SOURCE_DIR
set -euo pipefail
host=$1 tool=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/config.yaml" <<YAML
policies: [$src/criteria/policies/cn-cq-2024-9.yaml]
registry: {file: $src/examples/registry.yaml}
ledger: {path: $work/ledger.jsonl, log_evaluations: false}
log: {level: warn}
YAML
records=$src/examples/records
ledger=$work/ledger.jsonl
record() { "$host" record --config "$work/config.yaml" --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["record"]["id"])'; }
award=$(record "$records/award-CQJT-2026-014.yaml")
failure=$(record --award "$award" "$records/failure-CQJT-2026-014.yaml")
case_id=$(record --award "$award" --failure "$failure" "$records/case-1-application-CQJT-2026-014.yaml")
for stage in 2-investigation 3-decision 4-feedback 5-correction; do
  record --case "$case_id" "$records/case-$stage-CQJT-2026-014.yaml" >/dev/null
done

# 1. The dossier in Chromium, as of 2027-02-01: the notice (due 2026-12-27) is overdue.
"$tool" dossier "$ledger" "$case_id" --format html --as-of 2027-02-01 --out "$work/dossier.html"
render=$(dirname "$0")/../render
"$render/render.sh" "$work/dossier.html" "$work/dossier" 1280,2400
"$render/png_colors.py" "$work/dossier.png" b42318 1a7f37 >"$work/png.json"
python3 - "$work/dossier.dom.html" "$work/png.json" <<'PY'
import html.parser, json, sys
dom, png = sys.argv[1], sys.argv[2]

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.parts = []; self.skip = 0; self.stages = []
    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"): self.skip += 1
        cls = dict(attrs).get("class") or ""
        if tag == "li" and cls.startswith("st-"): self.stages.append(cls)
    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"): self.skip -= 1
    def handle_data(self, data):
        if not self.skip: self.parts.append(data)
p = Text(); p.feed(open(dom, encoding="utf-8").read())
text = " ".join(p.parts)
failures = []
# Readable labels, never the records' keys (Rule T' dossier; issue 14 item 1).
for key in ("committee_formed", "evaluation_report_signed", "publicity_completed", "complaints_resolved",
            "personal_gain", "falsified_documents", "breach_of_law", "ignored_known_risk",
            "case_stage", "failure_report", "tolerance_decision", "not_exempt", "exemption_notice", "open_tender",
            "state_owned", "investigation:", "decision_makers"):
    if key in text: failures.append("raw key shown: " + key)
for label in ("依法组建评标委员会", "调查核实", "容错认定", "结果反馈及纪检监察机关备案", "免责通报", "公开招标", "谋取私利",
              "逾期 9 日完成", "已逾期 36 日", "198.51.100.23", "2001:db8:c0::31", "本政策包的设定", "予以容错免责"):
    if label not in text: failures.append("missing from the page: " + label)
# The timeline: six stages in the pack's order; investigation late, notice overdue.
want = ["st-done", "st-late", "st-done", "st-done", "st-done", "st-overdue"]
if p.stages != want: failures.append("timeline classes %s, want %s" % (p.stages, want))

# The PNG Chromium painted (tests/render/png_colors.py): a real image of the asked width, with the
# timeline's red (late/overdue) and green (done) dots among its pixels, and text.
painted = json.load(open(png))
width, height, red, green, ink = painted["width"], painted["height"], painted["colors"]["b42318"], painted["colors"]["1a7f37"], painted["dark"]
if width != 1280 or height < 1000: failures.append("PNG is %dx%d" % (width, height))
if red < 50: failures.append("no red timeline mark painted (%d pixels)" % red)
if green < 50: failures.append("no green timeline mark painted (%d pixels)" % green)
if ink < 20000: failures.append("too little text painted (%d dark pixels)" % ink)
if failures:
    print("\n".join(failures)); sys.exit(1)
print("dossier: %d stages, PNG %dx%d, %d red, %d green, %d dark pixels" % (len(p.stages), width, height, red, green, ink))
PY

# 2. The case package, before the notice.
"$tool" package "$ledger" "$case_id" --out "$work/case.zip" --as-of 2027-02-01 >/dev/null
python3 - "$work/case.zip" "$ledger" "$case_id" "$award" 6 <<'PY'
import hashlib, json, sys, zipfile
path, ledger, case_id, award, stages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
z = zipfile.ZipFile(path)
names = set(z.namelist())
want = {"records.jsonl", "dossier.html", "dossier.md", "evidence.json", "verification.json", "manifest.json", "README.txt"}
assert names == want, names
manifest = json.loads(z.read("manifest.json"))
assert manifest["format"] == "firstset-case-package/1" and manifest["award"] == award and manifest["cases"] == [case_id], manifest
for f in manifest["files"]:
    body = z.read(f["name"])
    assert hashlib.sha256(body).hexdigest() == f["sha256"] and len(body) == f["bytes"], f["name"]
assert {f["name"] for f in manifest["files"]} == want - {"manifest.json"}
assert manifest["hash"] == "sha256", manifest["hash"]  # the chain hash the records' ids are
# Every packed line is the ledger's line of that seq, byte for byte; ids are their SHA-256.
ledger_lines = open(ledger, "rb").read().split(b"\n")[:-1]
packed = z.read("records.jsonl").split(b"\n")[:-1]
verification = json.loads(z.read("verification.json"))
assert verification["verdict"]["ok"] is True
assert len(packed) == len(verification["records"]) == 2 + stages - 1, len(packed)  # award, failure, stages so far
for line, r in zip(packed, verification["records"]):
    assert ledger_lines[r["seq"] - 1] == line
    assert hashlib.sha256(line).hexdigest() == r["id"]
kinds = [json.loads(l)["kind"] for l in packed]
assert kinds == ["award", "failure_report"] + ["case_stage"] * (stages - 1), kinds
evidence = json.loads(z.read("evidence.json"))
assert any(e["kind"] == "award" and e["name"].startswith("评标报告") for e in evidence)
assert any(e.get("stage") == "application" and len(e["sha256"]) == 64 for e in evidence)
assert "容错案件时间线" in z.read("dossier.html").decode() and "容错案件时间线" in z.read("dossier.md").decode()
print("package: %d records, %d evidence digests, manifest holds" % (len(packed), len(evidence)))
PY

# 3. The notice (after the exemption the authority decided): the case is complete.
record --case "$case_id" "$records/case-6-notice-CQJT-2026-014.yaml" >/dev/null
"$tool" package "$ledger" "$award" --out "$work/case2.zip" >/dev/null  # by the award's id too
python3 - "$work/case2.zip" "$ledger" "$case_id" "$award" 7 <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
packed = z.read("records.jsonl").split(b"\n")[:-1]
assert len(packed) == 8, len(packed)
assert json.loads(packed[-1])["body"]["stage"] == "notice"
assert 'class="st-overdue"' not in z.read("dossier.html").decode()
print("complete case: %d records" % len(packed))
PY
"$tool" verify "$ledger" >/dev/null

# 4. Hostile text stays text in both dossiers; a package never replaces what is not a regular file.
sed 's/^note: .*//' "$records/case-5-correction-CQJT-2026-014.yaml" >"$work/hostile.yaml"
printf 'note: "<script>alert(1)</script> & <img src=x onerror=alert(2)>"\n' >>"$work/hostile.yaml"
record --case "$case_id" "$work/hostile.yaml" >/dev/null
"$tool" dossier "$ledger" "$case_id" --format md --out "$work/d.md"
"$tool" dossier "$ledger" "$case_id" --format html --out "$work/d.html"
for f in "$work/d.md" "$work/d.html"; do
  if grep -q '<script>\|<img' "$f"; then echo "markup from a record reached $f" >&2; exit 1; fi
  grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img' "$f" || { echo "the note is not shown as text in $f" >&2; exit 1; }
done
if "$tool" package "$ledger" "$case_id" --out /dev/null >/dev/null 2>"$work/err"; then
  echo "package replaced /dev/null" >&2; exit 1
fi
[ -c /dev/null ] || { echo "/dev/null is no longer a device" >&2; exit 1; }
grep -q "not a regular file" "$work/err"

# 5. A changed ledger (a member of the wrong type, chain not made whole): the dossier still comes,
#    says the chain is broken, and the program does not abort.
sed '0,/"within_days":30/s//"within_days":"30"/' "$ledger" >"$work/changed.jsonl"
status=0
"$tool" dossier "$work/changed.jsonl" "$award" --format html --out "$work/changed.html" 2>"$work/err" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "dossier of a changed ledger: exit $status" >&2; cat "$work/err" >&2; exit 1; }
[ "$status" -ne 0 ] || grep -q "有问题 damaged" "$work/changed.html"
echo "case story: ok"
