#!/usr/bin/env python3
"""docs/openapi.yaml against a running firstset-server, both ways.

    python3 tests/server/openapi_check.py --server build/test/tools/firstset-server --source .

1. The document's own shape: OpenAPI 3.1.x, operations with ids and responses, every $ref and
   externalValue resolving to an existing file and fragment, path parameters declared, security
   schemes defined, every example valid against its schema, the error tables of info.description
   covering every error.status of schemas/error.schema.json.
2. The route table of the server's source (tools/firstset-server/metrics.cpp, router.cpp) equals
   the document's paths and methods, both ways.
3. Servers started on 127.0.0.1 port 0 in a temporary folder (A: token file, ledger, --verify-root;
   B: no ledger, --max-body and --max-header small; C: no token file, then SIGTERM while requests are in flight), configured like
   examples/config-ledger.yaml with absolute paths, and every operation exercised with real
   requests (the document's sample bodies, examples/requests/*.json), including one per documented
   error status that can be produced from outside, wrong methods and unknown paths. Every response:
   its status is documented for the operation (or in x-firstset-wrong-method-responses,
   x-firstset-unknown-route-responses), its Content-Type is the documented media type, its headers
   and body validate against the documented schemas (the repository's draft-07 schemas, relative
   $refs resolved from disk), an error's HTTP status is the one the error tables give.
4. Every documented (operation, status) was seen, or is named below as not producible from outside.

Debian 12 packages only: python3, python3-yaml, python3-jsonschema (4.10 or later). Every wait is
bounded; every server is killed on the way out. One line per check; exit status 1 on any failure.
"""

import argparse
import copy
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings

import yaml

warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema  # noqa: E402

HOST = "127.0.0.1"
HTTP_TIMEOUT = 20.0  # seconds per request (records and logged evaluations wait for fdatasync)
START_TIMEOUT = 20.0  # seconds for a server to say it listens
STOP_TIMEOUT = 20.0  # seconds for a drain to end
OVERALL_TIMEOUT = 600  # seconds for the whole run (SIGALRM)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Documented statuses no request from outside can produce, with the reason. Anything else the
# document lists must be seen during the run.
NOT_PRODUCIBLE = {
    ("*", "*", "500"): "INTERNAL: only a bug in firstset or firstset-server gives it",
    ("/v1/records", "post", "409"): "INTEGRITY: needs a stored award or failure report altered under a running "
                                    "server (the ledger's index is in memory; an altered file refuses to open)",
    ("/v1/records", "post", "403"): "WRITES_NEED_TOKEN: needs a server bound to a non-loopback address, which "
                                    "tests do not open (tests/unit_server.cpp checks it through the router)",
}


# ---------------------------------------------------------------------------------------------
# Reporting

class Report:
    def __init__(self):
        self.passed = 0
        self.failed = []
        self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok    {name}", flush=True)

    def fail(self, name, detail):
        self.failed.append(name)
        detail = str(detail)
        if len(detail) > 1500:
            detail = detail[:1500] + " ..."
        print(f"FAIL  {name}: {detail}", flush=True)

    def skip(self, name, why):
        self.skipped += 1
        print(f"skip  {name}: {why}", flush=True)

    def note(self, text):
        print(f"note  {text}", flush=True)

    def check(self, name, condition, detail=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, detail or "condition false")
        return bool(condition)


R = Report()


# ---------------------------------------------------------------------------------------------
# Documents, references and schemas

def file_uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def uri_path(uri):
    return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)


class Docs:
    """Every document reachable from the OpenAPI file, by URI without fragment."""

    def __init__(self, openapi_path, schema_dir):
        self.root_uri = file_uri(openapi_path)
        self.store = {}
        self.errors = []
        self.load(self.root_uri)
        for name in sorted(os.listdir(schema_dir)):
            if name.endswith(".json"):
                self.load(file_uri(os.path.join(schema_dir, name)))
        self.root = self.store[self.root_uri]

    def load(self, uri):
        uri = urllib.parse.urldefrag(uri)[0]
        if uri in self.store:
            return self.store[uri]
        path = uri_path(uri)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = yaml.safe_load(text) if path.endswith((".yaml", ".yml")) else json.loads(text)
        self.store[uri] = doc
        return doc

    @staticmethod
    def pointer(doc, fragment):
        if fragment in ("", "/"):
            return doc if fragment == "" else doc[""]
        if not fragment.startswith("/"):
            raise KeyError(f"fragment {fragment!r} is not a JSON pointer")
        node = doc
        for token in fragment[1:].split("/"):
            token = urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(token)]
            elif isinstance(node, dict):
                if token not in node:
                    raise KeyError(f"no member {token!r}")
                node = node[token]
            else:
                raise KeyError(f"cannot descend into {type(node).__name__} with {token!r}")
        return node

    def resolve(self, base_uri, ref):
        """(absolute URI with fragment, target) of a reference made in the document at base_uri."""
        target_uri = urllib.parse.urljoin(base_uri, ref)
        doc_uri, fragment = urllib.parse.urldefrag(target_uri)
        doc = self.load(doc_uri)
        return target_uri, self.pointer(doc, fragment)

    def deref(self, base_uri, node, depth=0):
        """Follows $ref chains of OpenAPI objects (responses, parameters, headers): (uri, node)."""
        while isinstance(node, dict) and "$ref" in node and depth < 20:
            base_uri, node = self.resolve(base_uri, node["$ref"])
            depth += 1
        return base_uri, node


def json_pointer_of(parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(uri):
    fragment = urllib.parse.unquote(urllib.parse.urldefrag(uri)[1])
    if not fragment:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in fragment[1:].split("/")]


def location(uri, *keys):
    """The URI of the node reached from the node at `uri` by `keys` (fragment percent-quoted)."""
    pointer = json_pointer_of(pointer_parts(uri) + list(keys))
    return urllib.parse.urldefrag(uri)[0] + "#" + urllib.parse.quote(pointer, safe="/~")


def make_validator(docs, schema_uri):
    """A draft-07 validator for the schema at schema_uri (absolute, with fragment)."""
    resolver = jsonschema.RefResolver(base_uri=schema_uri, referrer={"$ref": schema_uri}, store=dict(docs.store))
    return jsonschema.Draft7Validator({"$ref": schema_uri}, resolver=resolver,
                                      format_checker=jsonschema.FormatChecker())


def schema_errors(docs, schema_uri, instance):
    try:
        errors = sorted(make_validator(docs, schema_uri).iter_errors(instance), key=lambda e: list(e.path))
    except Exception as e:  # noqa: BLE001 - a $ref that does not resolve (the class differs by version)
        return [f"the schema at {urllib.parse.unquote(schema_uri)} cannot be used: {type(e).__name__}: {e}"]
    return ["%s: %s" % (json_pointer_of(e.path) if e.path else "(root)", e.message[:300]) for e in errors[:5]]


# ---------------------------------------------------------------------------------------------
# 1. The document's shape

def walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def check_refs(docs):
    """Every $ref in the OpenAPI file and, transitively, in every file it reaches."""
    seen_docs, queue, refs, bad = set(), [docs.root_uri], 0, []
    while queue:
        uri = queue.pop()
        if uri in seen_docs:
            continue
        seen_docs.add(uri)
        try:
            doc = docs.load(uri)
        except (OSError, ValueError, yaml.YAMLError) as e:
            bad.append(f"{uri_path(uri)}: cannot read: {e}")
            continue
        for path, node in walk(doc):
            if not isinstance(node, dict):
                continue
            if "$ref" in node and isinstance(node["$ref"], str):
                refs += 1
                try:
                    target_uri, _ = docs.resolve(uri, node["$ref"])
                    queue.append(urllib.parse.urldefrag(target_uri)[0])
                except (OSError, KeyError, ValueError, IndexError, yaml.YAMLError) as e:
                    bad.append(f"{os.path.basename(uri_path(uri))}#{json_pointer_of(path)}: $ref "
                               f"{node['$ref']!r} does not resolve ({e})")
            if uri == docs.root_uri and "externalValue" in node:
                refs += 1
                target = uri_path(urllib.parse.urljoin(uri, node["externalValue"]))
                if not os.path.isfile(target):
                    bad.append(f"#{json_pointer_of(path)}: externalValue {node['externalValue']!r} is not a file")
    R.check(f"document: {refs} $ref/externalValue references resolve (in {len(seen_docs)} files)", not bad,
            "; ".join(bad))
    for uri in sorted(seen_docs):
        if uri.endswith(".json"):
            try:
                jsonschema.Draft7Validator.check_schema(docs.load(uri))
            except jsonschema.exceptions.SchemaError as e:
                R.fail(f"document: {os.path.basename(uri_path(uri))} is a valid draft-07 schema", e.message)


def operations(docs):
    """[(path, method, operation)] in document order."""
    out = []
    for path, item in (docs.root.get("paths") or {}).items():
        for method in METHODS:
            if method in item:
                out.append((path, method, item[method]))
    return out


def error_tables(docs):
    """The two tables of info.description: {error.status: HTTP}, {error.code: (HTTP, error.status)}."""
    by_status, by_code = {}, {}
    for line in (docs.root.get("info") or {}).get("description", "").splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        if len(cells) < 2 or not names or not re.fullmatch(r"\d{3}", cells[1]):
            continue
        if len(cells) == 2:
            by_status.update((n, int(cells[1])) for n in names)
        elif len(cells) == 3 and re.fullmatch(r"`[A-Z_]+`", cells[2]):
            by_code.update((n, (int(cells[1]), cells[2].strip("`"))) for n in names)
    return by_status, by_code


def check_shape(docs):
    root = docs.root
    R.check("document: openapi is 3.1.x", isinstance(root.get("openapi"), str)
            and re.fullmatch(r"3\.1\.\d+", root["openapi"]), f"openapi: {root.get('openapi')!r}")
    info = root.get("info") or {}
    R.check("document: info has title and version", info.get("title") and info.get("version"), str(info))
    by_status, by_code = error_tables(docs)
    statuses = set(docs.load(urllib.parse.urljoin(docs.root_uri, "../schemas/error.schema.json"))
                   ["properties"]["error"]["properties"]["status"]["enum"])
    R.check(f"document: the error table maps every error.status of error.schema.json ({len(statuses)}) to HTTP",
            set(by_status) == statuses, f"table {sorted(by_status)}, schema {sorted(statuses)}")
    R.check(f"document: the table of the server's own error codes ({len(by_code)}) uses those statuses",
            by_code and all(st in statuses for _, st in by_code.values()), str(by_code))
    ops = operations(docs)
    R.check(f"document: {len(ops)} operations under {len(root.get('paths') or {})} paths", ops, "no operations")
    check_refs(docs)

    ids = {}
    schemes = (root.get("components") or {}).get("securitySchemes") or {}
    for path, method, op in ops:
        name = f"{method.upper()} {path}"
        problems = []
        if not op.get("operationId"):
            problems.append("no operationId")
        elif op["operationId"] in ids:
            problems.append(f"operationId {op['operationId']} also on {ids[op['operationId']]}")
        else:
            ids[op["operationId"]] = name
        responses = op.get("responses") or {}
        if not responses:
            problems.append("no responses")
        for status, response in responses.items():
            if not re.fullmatch(r"[1-5]\d\d|[1-5]XX|default", str(status)):
                problems.append(f"response key {status!r}")
            try:
                ruri, resolved = docs.deref(docs.root_uri, response)
            except (KeyError, OSError) as e:
                problems.append(f"response {status}: {e}")
                continue
            if not resolved.get("description"):
                problems.append(f"response {status} has no description")
            for media, content in (resolved.get("content") or {}).items():
                if "schema" not in content:
                    problems.append(f"response {status} {media} has no schema")
            if method == "head" and resolved.get("content"):
                problems.append(f"HEAD response {status} documents a body")
            if str(status).startswith(("4", "5")) and (path, method, str(status)) != ("/healthz", "get", "503"):
                for media, content in (resolved.get("content") or {}).items():
                    _, schema = docs.deref(ruri, content.get("schema", {}))
                    if schema.get("title") != "firstset: error document":
                        problems.append(f"error response {status} is not the error document")
        for requirement in op.get("security") or []:
            for scheme in requirement:
                if scheme not in schemes:
                    problems.append(f"security scheme {scheme} is not defined")
        # Path parameters: every {name} of the template declared (required, in: path), nothing more.
        template = set(re.findall(r"\{([^}]+)\}", path))
        declared = {}
        for p in (root["paths"][path].get("parameters") or []) + (op.get("parameters") or []):
            _, p = docs.deref(docs.root_uri, p)
            if p.get("in") == "path":
                declared[p.get("name")] = p
        for n in template - declared.keys():
            problems.append(f"path parameter {{{n}}} not declared")
        for n in declared.keys() - template:
            problems.append(f"path parameter {n} declared but not in the path")
        for n, p in declared.items():
            if p.get("required") is not True:
                problems.append(f"path parameter {n} not required: true")
        R.check(f"document: {name} ({op.get('operationId')}) is well-formed", not problems, "; ".join(problems))

    # Every example valid against its schema; externalValue files too.
    bad, count = [], 0
    for path, node in walk(root):
        if not (isinstance(node, dict) and "schema" in node and ("example" in node or "examples" in node)):
            continue
        schema_uri = location(docs.root_uri + "#", *path, "schema")
        values = []
        if "example" in node:
            values.append(("example", node["example"]))
        for key, ex in (node.get("examples") or {}).items():
            _, ex = docs.deref(docs.root_uri, ex)
            if "value" in ex:
                values.append((key, ex["value"]))
            elif "externalValue" in ex:
                target = uri_path(urllib.parse.urljoin(docs.root_uri, ex["externalValue"]))
                try:
                    with open(target, encoding="utf-8") as f:
                        values.append((key, json.load(f)))
                except (OSError, ValueError) as e:
                    bad.append(f"{key}: {e}")
        for key, value in values:
            count += 1
            errs = schema_errors(docs, schema_uri, value)
            if errs:
                bad.append(f"#{json_pointer_of(path)} {key}: {errs}")
    R.check(f"document: {count} examples valid against their schemas", not bad and count, "; ".join(bad) or "none")


# ---------------------------------------------------------------------------------------------
# 2. The server's route table (its source) against the document

def source_routes(source):
    """{(METHOD, path template)} the server routes, read from its source."""
    metrics = open(os.path.join(source, "tools/firstset-server/metrics.cpp"), encoding="utf-8").read()
    router = open(os.path.join(source, "tools/firstset-server/router.cpp"), encoding="utf-8").read()

    def body_of(text, signature):
        start = text.index(signature)
        brace = text.index("{", start)
        depth, i = 0, brace
        while True:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return text[brace:i]
            i += 1

    names = dict(re.findall(r'case Route::(\w+): return "([^"]*)";', body_of(metrics, "route_name(Route r)")))
    methods, pending = {}, []
    for line in body_of(metrics, "route_method(Route r)").splitlines():
        pending += re.findall(r"case Route::(\w+):", line)
        m = re.search(r'return "([^"]*)";', line)
        if m and pending:
            for r in pending:
                methods[r] = m.group(1)
            pending = []
    route_of = body_of(router, "Route Router::route_of(")
    exact = dict((r, p) for p, r in re.findall(r'if \(path == "([^"]+)"\) return Route::(\w+);', route_of))
    prefix_name = re.search(r'constexpr std::string_view records_prefix = "([^"]+)";', router)
    prefixed = re.findall(r"records_prefix\.size\(\)\) == records_prefix\)\s*return Route::(\w+);", route_of)
    get_takes_head = re.search(r"get_like = r\.method == Method::get \|\| r\.method == Method::head", router)
    problems = []
    if not names or not methods or not exact:
        raise ValueError("the route tables were not found where expected")
    routes = set()
    for route, path in names.items():
        method = methods.get(route, "")
        if not method:
            continue
        if route in exact and exact[route] != path:
            problems.append(f"route_of maps {exact[route]} to {route}, whose name is {path}")
        if route not in exact:
            if not (prefix_name and route in prefixed and path.startswith(prefix_name.group(1))):
                problems.append(f"route {route} ({path}) is not reached by route_of")
        routes.add((method, path))
        if method == "GET" and get_takes_head:
            routes.add(("HEAD", path))
    for route in exact:
        if route not in names:
            problems.append(f"route_of names {route}, which has no route_name")
    return routes, problems


def check_routes(docs, source):
    try:
        routes, problems = source_routes(source)
    except (OSError, ValueError) as e:
        R.fail("routes: read the route table from tools/firstset-server/metrics.cpp and router.cpp", e)
        return
    R.check(f"routes: the source's route table is consistent ({len(routes)} method+path pairs)", not problems,
            "; ".join(problems))
    documented = {(m.upper(), p) for p, m, _ in operations(docs)}
    missing = sorted(routes - documented)
    extra = sorted(documented - routes)
    R.check("routes: every method+path the server routes is in the document", not missing,
            "not documented: " + ", ".join(f"{m} {p}" for m, p in missing))
    R.check("routes: every method+path in the document is routed by the server", not extra,
            "not routed: " + ", ".join(f"{m} {p}" for m, p in extra))


# ---------------------------------------------------------------------------------------------
# 3. Servers

class Server:
    def __init__(self, name, binary, args, cwd):
        self.name = name
        self.lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([binary] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.port = None
        self.banner = ""
        self.rest = b""
        try:
            self._wait_listening()
        except BaseException:
            self.kill()
            raise
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _wait_listening(self):
        name = self.name
        deadline = time.monotonic() + START_TIMEOUT
        buffer = b""
        fd = self.proc.stderr.fileno()
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"server {name} did not say it listens within {START_TIMEOUT:.0f} s: {buffer!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc.wait(timeout=5)
                raise RuntimeError(f"server {name} exited ({self.proc.returncode}) before listening: "
                                   f"{buffer.decode('utf-8', 'replace')}")
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                self.lines.append(text)
                m = re.search(r"listening on (\w+)://([^ ]+):(\d+)", text)
                if m:
                    if m.group(1) != "http" or m.group(2) != HOST:
                        raise RuntimeError(f"server {name} listens on {m.group(1)}://{m.group(2)}, not http://{HOST}")
                    self.port = int(m.group(3))
                    self.banner = text
        self.rest = buffer

    def _read(self):
        first = True
        for line in iter(self.proc.stderr.readline, b""):
            if first:
                line, first = self.rest + line, False
            with self.lock:
                self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def wait_for_line(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if any(needle in line for line in self.lines):
                    return True
            time.sleep(0.02)
        return False

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def request(port, method, target, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        hdrs = {"Connection": "close"}
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, target, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def raw_request(port, method, data):
    """Sends bytes as they are; reads one response (as a client that sent `method` would)."""
    sock = socket.create_connection((HOST, port), timeout=HTTP_TIMEOUT)
    try:
        sock.settimeout(HTTP_TIMEOUT)
        sock.sendall(data)
        r = http.client.HTTPResponse(sock, method=method)
        r.begin()
        body = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, body)
    finally:
        sock.close()


# ---------------------------------------------------------------------------------------------
# Checking one response against the document

class Conformance:
    def __init__(self, docs):
        self.docs = docs
        self.seen = {}  # (path, method) -> set of statuses
        self.by_status, self.by_code = error_tables(docs)

    def documented_responses(self, kind, path, method):
        """(base URI, {status: response object}) the document gives for this kind of request."""
        root = self.docs.root
        if kind == "operation":
            where = ("paths", path, method, "responses")
        elif kind == "wrong-method":
            where = ("paths", path, "x-firstset-wrong-method-responses")
        else:
            where = ("x-firstset-unknown-route-responses",)
        node = root
        for key in where:
            node = node[key]
        return self.docs.deref(location(self.docs.root_uri + "#", *where), node)

    def child(self, uri, node, *keys):
        """(URI, node) of node[keys...], $refs followed; uri is the URI of node."""
        for key in keys:
            node = node[key]
        return self.docs.deref(location(uri, *keys), node)

    def check(self, label, response, path=None, method=None, kind="operation", expect_status=None,
              expect_code=None):
        """Checks `response` against the document; returns its JSON body (or None)."""
        method = method.lower() if method else None
        name = f"{label} -> {response.status}"
        problems = []
        if expect_status is not None and response.status != expect_status:
            problems.append(f"expected status {expect_status}, got {response.status}")
        try:
            base, responses = self.documented_responses(kind, path, method)
        except KeyError as e:
            R.fail(name, f"the document has no {kind} responses for {method} {path}: {e}")
            return None
        status = str(response.status)
        key = status if status in responses else (status[0] + "XX" if status[0] + "XX" in responses else
                                                  ("default" if "default" in responses else None))
        if key is None:
            problems.append(f"status {status} is not documented for {kind} {method or ''} {path or ''} "
                            f"(documented: {', '.join(sorted(responses))})")
            R.fail(name, "; ".join(problems) + f"; body {response.body[:300]!r}")
            return None
        if kind == "operation":
            self.seen.setdefault((path, method), set()).add(status)
        ruri, resolved = self.child(base, responses, key)
        # headers
        for hname in resolved.get("headers") or {}:
            huri, hobj = self.child(ruri, resolved, "headers", hname)
            value = response.header(hname)
            if value is None:
                if hobj.get("required"):
                    problems.append(f"header {hname} missing")
                continue
            if "schema" in hobj:
                errs = schema_errors(self.docs, location(huri, "schema"), value)
                if errs:
                    problems.append(f"header {hname}: {value!r}: {errs}")
        # content type and body
        content = resolved.get("content") or {}
        ctype = response.header("Content-Type") or ""
        parsed = None
        if method == "head":
            # No body; the Content-Type of the answer GET (or, off the operations, the documented
            # answer) would have.
            if response.body:
                problems.append(f"a HEAD response carries a body ({len(response.body)} bytes)")
            media = self.get_media_for_head(path, status) if kind == "operation" else next(iter(content), None)
            if media is not None and not media_matches(media, ctype):
                problems.append(f"Content-Type {ctype!r} is not the documented {media!r}")
        elif content:
            media = next((m for m in content if media_matches(m, ctype)), None)
            if media is None:
                problems.append(f"Content-Type {ctype!r} is not documented ({', '.join(content)})")
            else:
                schema_uri = location(ruri, "content", media, "schema")
                try:
                    if media.split(";")[0].strip().lower() == "application/json":
                        parsed = response.json()
                        instance = parsed
                    else:
                        instance = response.body.decode("utf-8")
                    errs = schema_errors(self.docs, schema_uri, instance)
                    if errs:
                        problems.append(f"body does not validate against {media} schema: {errs}")
                except (ValueError, UnicodeDecodeError) as e:
                    problems.append(f"body is not {media}: {e}: {response.body[:200]!r}")
        elif response.body:
            problems.append(f"the document gives no body for {status}, the server sent {len(response.body)} bytes")
        error = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(error, dict) and response.status >= 400:
            code, est = error.get("code"), error.get("status")
            want = self.by_code.get(code) or (self.by_status.get(est), est)
            if want != (response.status, est):
                problems.append(f"error {code} ({est}) answered {response.status}; the document's error tables "
                                f"say {want[0]} ({want[1]})")
        if expect_code is not None:
            code = (parsed or {}).get("error", {}).get("code") if isinstance(parsed, dict) else None
            if code != expect_code:
                problems.append(f"expected error code {expect_code}, got {code}")
        if problems:
            R.fail(name, "; ".join(problems) + (f"; body {response.body[:300]!r}" if response.body else ""))
        else:
            R.ok(name + (f" {expect_code}" if expect_code else ""))
        return parsed

    def get_media_for_head(self, path, status):
        if "get" not in self.docs.root["paths"].get(path, {}):
            return None
        responses = self.docs.root["paths"][path]["get"]["responses"]
        if status not in responses:
            return None
        _, resolved = self.docs.deref(self.docs.root_uri, responses[status])
        media = list((resolved.get("content") or {}).keys())
        return media[0] if media else None


def parse_media(text):
    parts = [p.strip() for p in text.split(";")]
    params = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params[k.strip().lower()] = v.strip().strip('"').lower()
    return parts[0].lower(), params


def media_matches(documented, actual):
    dtype, dparams = parse_media(documented)
    atype, aparams = parse_media(actual)
    return dtype == atype and all(aparams.get(k) == v for k, v in dparams.items())


# ---------------------------------------------------------------------------------------------
# Fixtures

def load_yaml_as_json(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(json.dumps(yaml.safe_load(f), default=str, ensure_ascii=False))


def write_config(source, folder, ledger):
    """examples/config-ledger.yaml with absolute paths; the ledger in `folder` (or none)."""
    examples = os.path.join(source, "examples")
    config = load_yaml_as_json(os.path.join(examples, "config-ledger.yaml"))
    config["policies"] = [os.path.normpath(os.path.join(examples, p)) for p in config["policies"]]
    config["registry"]["file"] = os.path.normpath(os.path.join(examples, config["registry"]["file"]))
    if ledger:
        config["ledger"]["path"] = os.path.join(folder, "var", "ledger.jsonl")
    else:
        config.pop("ledger", None)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "config.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, allow_unicode=True, sort_keys=False)
    return path


def deep_json(levels):
    return "[" * levels + "]" * levels


def no_policy(tender):
    t = copy.deepcopy(tender)
    t["jurisdiction"] = "CN-BJ"
    t.setdefault("purchaser", {})["ownership"] = "private"
    return t


def metric_families(text):
    families, problems = {}, []
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? '
                        r'(-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$')
    for line in text.splitlines():
        if not line:
            continue
        m = re.match(r"^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$", line)
        if m:
            families[m.group(1)] = m.group(2)
            continue
        if line.startswith("# HELP ") or not line.startswith("#") and sample.match(line):
            continue
        problems.append(line)
    return families, problems


# ---------------------------------------------------------------------------------------------
# 3. The run

def exercise(args, docs, tmp):
    C = Conformance(docs)
    source = args.source
    examples = {}
    for path, method, op in operations(docs):
        content = ((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
        for ex in (content.get("examples") or {}).values():
            if "externalValue" in ex:
                with open(uri_path(urllib.parse.urljoin(docs.root_uri, ex["externalValue"])), encoding="utf-8") as f:
                    examples[op["operationId"]] = json.load(f)
    for needed in ("evaluateBid", "lintTender", "appendRecord"):
        if needed not in examples:
            raise RuntimeError(f"the document gives no sample request (externalValue) for {needed}")
    evaluate_req, lint_req, award_req = examples["evaluateBid"], examples["lintTender"], examples["appendRecord"]
    failure_req = load_yaml_as_json(os.path.join(source, "examples/records/failure-CQJT-2026-014.yaml"))
    decision_req = load_yaml_as_json(os.path.join(source, "examples/records/decision-CQJT-2026-014.yaml"))

    tokens = {"platform-a": hashlib.sha256(os.urandom(32)).hexdigest(),
              "platform-b": hashlib.sha256(os.urandom(32)).hexdigest()}
    token_file = os.path.join(tmp, "tokens")
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("# test tokens\n" + "".join(f"{n} {t}\n" for n, t in tokens.items()))
    bearer = {"Authorization": "Bearer " + tokens["platform-a"]}
    roots = os.path.join(tmp, "roots")
    os.makedirs(roots)

    config_a = write_config(source, os.path.join(tmp, "a"), ledger=True)
    config_b = write_config(source, os.path.join(tmp, "b"), ledger=False)
    config_c = write_config(source, os.path.join(tmp, "c"), ledger=True)
    ledger_a = os.path.join(tmp, "a", "var", "ledger.jsonl")

    servers = []
    try:
        a = Server("A", args.server, ["--config", config_a, "--listen", f"{HOST}:0", "--token-file", token_file,
                                      "--access-log", "off", "--threads", "2", "--verify-root", roots], tmp)
        servers.append(a)
        R.check(f"server A (token file, ledger) listens on {HOST}:{a.port}", "records need a token" in a.banner,
                a.banner)
        # B: no ledger, small limits.
        b = Server("B", args.server, ["--config", config_b, "--listen", "127.0.0.1:0", "--access-log", "off",
                                      "--max-body", "1024", "--max-header", "1024", "--threads", "1"], tmp)
        servers.append(b)
        R.ok(f"server B (no ledger, --max-body 1024, --max-header 1024) listens on {HOST}:{b.port}")
        c = Server("C", args.server, ["--config", config_c, "--listen", f"{HOST}:0", "--access-log", "off",
                                      "--threads", "1"], tmp)
        servers.append(c)
        R.check(f"server C (no token file, ledger) listens on {HOST}:{c.port}", "open on loopback" in c.banner,
                c.banner)

        run_server_a(C, a, docs, tmp, bearer, tokens, evaluate_req, lint_req, award_req, failure_req,
                     decision_req, ledger_a, roots)
        run_http_level(C, a, b, docs)
        run_server_b(C, b)
        run_server_c(C, c, award_req, evaluate_req)
        run_drain(C, c)
    finally:
        for s in servers:
            s.kill()
    return C


def run_server_a(C, a, docs, tmp, bearer, tokens, evaluate_req, lint_req, award_req, failure_req, decision_req,
                 ledger_a, roots):
    P = a.port
    ev, li, rec, get, ver = "/v1/evaluate", "/v1/lint", "/v1/records", "/v1/records/{id}", "/v1/verify"

    # evaluate
    body = C.check("POST /v1/evaluate sample", request(P, "POST", ev, evaluate_req), ev, "post", expect_status=200)
    evaluation_id = (body or {}).get("ledger", {}).get("id") if body else None
    R.check("POST /v1/evaluate: the evaluation is logged (ledger.id)", evaluation_id,
            f"ledger: {(body or {}).get('ledger')}")
    r = request(P, "POST", ev + "?ignored=1", evaluate_req, {**bearer, "X-Request-Id": "check.openapi:0001"})
    C.check("POST /v1/evaluate with a bearer token, a query and X-Request-Id", r, ev, "post", expect_status=200)
    R.check("X-Request-Id: a valid one is echoed", r.header("X-Request-Id") == "check.openapi:0001",
            r.header("X-Request-Id"))
    r = request(P, "POST", ev, evaluate_req, {"Authorization": "Bearer not-a-token-of-this-server-at-all!!",
                                              "X-Request-Id": "bad id with spaces"})
    C.check("POST /v1/evaluate with an unknown bearer token (ignored)", r, ev, "post", expect_status=200)
    R.check("X-Request-Id: an invalid one is replaced by the server's",
            re.fullmatch(r"[0-9a-f]{12}-\d+", r.header("X-Request-Id") or ""), r.header("X-Request-Id"))
    r = request(P, "POST", ev, evaluate_req, {"X-Request-Id": "x" * 129})
    R.check("X-Request-Id: one over 128 characters is replaced",
            re.fullmatch(r"[0-9a-f]{12}-\d+", r.header("X-Request-Id") or ""), r.header("X-Request-Id"))
    C.check("POST /v1/evaluate bad JSON", request(P, "POST", ev, "{\"tender\":"), ev, "post",
            expect_status=400, expect_code="JSON_SYNTAX")
    C.check("POST /v1/evaluate empty body", request(P, "POST", ev, b""), ev, "post", expect_status=400)
    C.check("POST /v1/evaluate schema violation", request(P, "POST", ev, {"tender": evaluate_req["tender"]}), ev,
            "post", expect_status=400, expect_code="SCHEMA_REQUIRED")
    C.check("POST /v1/evaluate nested 64 deep", request(P, "POST", ev, deep_json(64)), ev, "post",
            expect_status=413, expect_code="INPUT_TOO_DEEP")
    C.check("POST /v1/evaluate tender no pack is for", request(P, "POST", ev, {
        "tender": no_policy(evaluate_req["tender"]), "bid": evaluate_req["bid"]}), ev, "post",
        expect_status=503, expect_code="NO_POLICY_FOR_TENDER")

    # lint
    C.check("POST /v1/lint sample", request(P, "POST", li, lint_req), li, "post", expect_status=200)
    C.check("POST /v1/lint bad JSON", request(P, "POST", li, "[1,"), li, "post", expect_status=400,
            expect_code="JSON_SYNTAX")
    C.check("POST /v1/lint schema violation", request(P, "POST", li, {"id": "X"}), li, "post", expect_status=400)
    C.check("POST /v1/lint nested 64 deep", request(P, "POST", li, deep_json(64)), li, "post", expect_status=413,
            expect_code="INPUT_TOO_DEEP")
    C.check("POST /v1/lint tender no pack is for", request(P, "POST", li, no_policy(lint_req)), li, "post",
            expect_status=503, expect_code="NO_POLICY_FOR_TENDER")

    # incentive (clauses （一）（二）)
    inc = "/v1/incentive"
    reward_req = {"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017",
                  "amount_paid": "2200000.00", "paid_on": "2026-04-20"}
    r = request(P, "POST", inc, reward_req)
    C.check("POST /v1/incentive reward", r, inc, "post", expect_status=200)
    subsidy_req = {"clause": "premium_subsidy", "certificate": "CQ-STT-2024-0017", "years": [
        {"year": 2026, "premium": "55000.00", "insured_amount": "2200000.00", "claim": False},
        {"year": 2027, "premium": "48000.00", "insured_amount": "2200000.00", "claim": False}]}
    C.check("POST /v1/incentive premium subsidy", request(P, "POST", inc, subsidy_req), inc, "post", expect_status=200)
    C.check("POST /v1/incentive negative amount", request(P, "POST", inc, dict(reward_req, amount_paid="-1.00")), inc,
            "post", expect_status=400, expect_code="MONEY_NEGATIVE")
    C.check("POST /v1/incentive amount as a JSON number", request(P, "POST", inc, dict(reward_req, amount_paid=2200000)),
            inc, "post", expect_status=400)
    C.check("POST /v1/incentive unknown pack", request(P, "POST", inc, dict(reward_req, policy="no-such-pack")), inc,
            "post", expect_status=404, expect_code="POLICY_UNKNOWN")
    C.check("POST /v1/incentive pack without incentives", request(P, "POST", inc, dict(reward_req, policy="cn-2023-127")),
            inc, "post", expect_status=503, expect_code="POLICY_NO_INCENTIVES")

    # records
    r = request(P, "POST", rec, award_req)
    C.check("POST /v1/records without a token", r, rec, "post", expect_status=401, expect_code="TOKEN_REQUIRED")
    R.check("401 carries WWW-Authenticate: Bearer", (r.header("WWW-Authenticate") or "").startswith("Bearer"),
            r.header("WWW-Authenticate"))
    C.check("POST /v1/records with a wrong token", request(P, "POST", rec, award_req, {
        "Authorization": "Bearer " + "0" * 64}), rec, "post", expect_status=401, expect_code="TOKEN_INVALID")
    C.check("POST /v1/records with Basic credentials", request(P, "POST", rec, award_req, {
        "Authorization": "Basic dXNlcjpwYXNz"}), rec, "post", expect_status=401, expect_code="TOKEN_INVALID")
    award = C.check("POST /v1/records award", request(P, "POST", rec, award_req, bearer), rec, "post",
                    expect_status=201) or {}
    award_id = award.get("record", {}).get("id")
    failure = dict(failure_req, award=award_id)
    failure_resp = C.check("POST /v1/records failure report", request(P, "POST", rec, failure, {
        "Authorization": "bearer   " + tokens["platform-b"]}), rec, "post", expect_status=201) or {}
    failure_id = failure_resp.get("record", {}).get("id")
    R.check("failure report answer names its award's seq",
            failure_resp.get("award_seq") == award.get("record", {}).get("seq"),
            f"{failure_resp.get('award_seq')} vs {award.get('record', {}).get('seq')}")
    decision = dict(decision_req, award=award_id, failure=failure_id)
    decision_resp = C.check("POST /v1/records tolerance decision", request(P, "POST", rec, decision, bearer), rec,
                            "post", expect_status=201) or {}
    decision_id = decision_resp.get("record", {}).get("id")
    C.check("POST /v1/records failure report of an unknown award", request(P, "POST", rec, dict(
        failure_req, award="a" * 64), bearer), rec, "post", expect_status=404, expect_code="RECORD_NOT_FOUND")
    C.check("POST /v1/records tolerance decision on an unknown failure", request(P, "POST", rec, dict(
        decision_req, award=award_id, failure="b" * 64), bearer), rec, "post", expect_status=404,
        expect_code="RECORD_NOT_FOUND")
    C.check("POST /v1/records bad JSON", request(P, "POST", rec, "{\"kind\"", bearer), rec, "post",
            expect_status=400, expect_code="JSON_SYNTAX")
    C.check("POST /v1/records schema violation", request(P, "POST", rec, {"kind": "award"}, bearer), rec, "post",
            expect_status=400)
    C.check("POST /v1/records a record may not carry caller", request(P, "POST", rec, dict(
        failure, caller={"token": "x"}), bearer), rec, "post", expect_status=400)
    C.check("POST /v1/records nested 64 deep", request(P, "POST", rec, deep_json(64), bearer), rec, "post",
            expect_status=413, expect_code="INPUT_TOO_DEEP")
    bad_award = dict(award_req, tender=no_policy(award_req["tender"]))
    bad_award["purchaser"] = dict(bad_award["purchaser"], ownership="private")
    C.check("POST /v1/records award of a tender no pack is for", request(P, "POST", rec, bad_award, bearer), rec,
            "post", expect_status=503, expect_code="NO_POLICY_FOR_TENDER")

    # read records
    for kind, rid, token in (("award", award_id, "platform-a"), ("failure_report", failure_id, "platform-b"),
                             ("tolerance_decision", decision_id, "platform-a")):
        if not rid:
            R.fail(f"GET /v1/records/{{id}} {kind}", "no id: the POST failed")
            continue
        r = request(P, "GET", f"/v1/records/{rid}")
        line = C.check(f"GET /v1/records/{{id}} of the {kind}", r, get, "get", expect_status=200) or {}
        R.check(f"GET /v1/records/{{id}} of the {kind}: the body's SHA-256 is the id",
                hashlib.sha256(r.body).hexdigest() == rid, hashlib.sha256(r.body).hexdigest())
        caller = line.get("body", {}).get("caller", {})
        R.check(f"GET /v1/records/{{id}} of the {kind}: kind {kind}, caller token {token}",
                line.get("kind") == kind and caller.get("token") == token and caller.get("address") == HOST,
                f"kind {line.get('kind')}, caller {caller}")
        h = request(P, "HEAD", f"/v1/records/{rid}")
        C.check(f"HEAD /v1/records/{{id}} of the {kind}", h, get, "head", expect_status=200)
        R.check(f"HEAD /v1/records/{{id}} of the {kind}: Content-Length of the GET's body",
                h.header("Content-Length") == str(len(r.body)), f"{h.header('Content-Length')} vs {len(r.body)}")
    C.check("GET /v1/records/{id} unknown id", request(P, "GET", "/v1/records/" + "0" * 64), get, "get",
            expect_status=404, expect_code="RECORD_NOT_FOUND")
    if evaluation_id:
        C.check("GET /v1/records/{id} of an evaluation record", request(P, "GET", "/v1/records/" + evaluation_id),
                get, "get", expect_status=404, expect_code="RECORD_NOT_FOUND")
    with open(ledger_a, "rb") as f:
        genesis_id = hashlib.sha256(f.readline().rstrip(b"\n")).hexdigest()
    C.check("GET /v1/records/{id} of the genesis record", request(P, "GET", "/v1/records/" + genesis_id), get,
            "get", expect_status=404, expect_code="RECORD_NOT_FOUND")
    C.check("GET /v1/records/{id} upper-case hex", request(P, "GET", "/v1/records/" + (award_id or "a" * 64).upper()),
            get, "get", expect_status=404, expect_code="RECORD_NOT_FOUND")
    C.check("GET /v1/records/{id} not an id", request(P, "GET", "/v1/records/latest"), get, "get",
            expect_status=404, expect_code="RECORD_NOT_FOUND")
    C.check("HEAD /v1/records/{id} unknown id", request(P, "HEAD", "/v1/records/" + "0" * 64), get, "head",
            expect_status=404)

    # verify
    head = award_id and decision_resp.get("record")
    C.check("POST /v1/verify the server's ledger", request(P, "POST", ver, {"ledger": ledger_a}), ver, "post",
            expect_status=200)
    v = C.check("POST /v1/verify relative path, expected head", request(P, "POST", ver, {
        "ledger": "var/ledger.jsonl", "expected_head": {"seq": head["seq"], "id": head["id"]} if head else None}),
        ver, "post", expect_status=200) or {}
    R.check("POST /v1/verify: a relative ledger is taken from the configuration's folder, answered absolute",
            v.get("ok") is True and v.get("ledger") == os.path.realpath(ledger_a), str(v)[:400])
    shutil.copyfile(ledger_a, os.path.join(roots, "copy.jsonl"))
    C.check("POST /v1/verify a ledger in a --verify-root folder", request(P, "POST", ver, {
        "ledger": os.path.join(roots, "copy.jsonl")}), ver, "post", expect_status=200)
    with open(ledger_a, "rb") as f:
        data = bytearray(f.read())
    at = data.index(b'"kind":"award"')
    data[at + 8:at + 13] = b"AWARD"
    with open(os.path.join(roots, "damaged.jsonl"), "wb") as f:
        f.write(data)
    v = C.check("POST /v1/verify a damaged ledger", request(P, "POST", ver, {
        "ledger": os.path.join(roots, "damaged.jsonl")}), ver, "post", expect_status=200) or {}
    R.check("POST /v1/verify a damaged ledger: ok false with problems", v.get("ok") is False and v.get("problems"),
            str(v)[:400])
    outside = os.path.join(tmp, "outside.jsonl")
    shutil.copyfile(ledger_a, outside)
    for label, path in (("an absolute path outside", outside), ("/etc/passwd", "/etc/passwd"),
                        ("a relative path out of the folder", "../outside.jsonl"),
                        ("a path climbing out with ..", os.path.join(tmp, "a", "var", "..", "..", "outside.jsonl"))):
        C.check(f"POST /v1/verify {label}", request(P, "POST", ver, {"ledger": path}), ver, "post",
                expect_status=403, expect_code="PATH_NOT_ALLOWED")
    os.symlink(outside, os.path.join(roots, "link.jsonl"))
    C.check("POST /v1/verify a symbolic link out of a --verify-root folder", request(P, "POST", ver, {
        "ledger": os.path.join(roots, "link.jsonl")}), ver, "post", expect_status=403, expect_code="PATH_NOT_ALLOWED")
    C.check("POST /v1/verify a missing file in the ledger's folder", request(P, "POST", ver, {
        "ledger": os.path.join(tmp, "a", "var", "missing.jsonl")}), ver, "post", expect_status=503,
        expect_code="FILE_UNREADABLE")
    C.check("POST /v1/verify a folder", request(P, "POST", ver, {"ledger": roots}), ver, "post",
            expect_status=503, expect_code="NOT_A_FILE")
    C.check("POST /v1/verify bad JSON", request(P, "POST", ver, "{\"ledger\":}"), ver, "post", expect_status=400,
            expect_code="JSON_SYNTAX")
    C.check("POST /v1/verify schema violation", request(P, "POST", ver, {"ledger": ledger_a, "path": "x"}), ver,
            "post", expect_status=400, expect_code="SCHEMA_UNKNOWN_MEMBER")
    C.check("POST /v1/verify nested 64 deep", request(P, "POST", ver, deep_json(64)), ver, "post",
            expect_status=413, expect_code="INPUT_TOO_DEEP")

    # status, health, metrics
    s = C.check("GET /v1/status", request(P, "GET", "/v1/status"), "/v1/status", "get", expect_status=200) or {}
    R.check("GET /v1/status: the ledger's records and head", (s.get("ledger") or {}).get("head", {}).get("id") ==
            (head or {}).get("id"), str(s.get("ledger"))[:300])
    C.check("HEAD /v1/status", request(P, "HEAD", "/v1/status"), "/v1/status", "head", expect_status=200)
    h = C.check("GET /healthz", request(P, "GET", "/healthz"), "/healthz", "get", expect_status=200)
    R.check("GET /healthz is {\"status\":\"ok\"}", h == {"status": "ok"}, str(h))
    C.check("HEAD /healthz", request(P, "HEAD", "/healthz"), "/healthz", "head", expect_status=200)
    C.check("HEAD /metrics", request(P, "HEAD", "/metrics"), "/metrics", "head", expect_status=200)
    m = request(P, "GET", "/metrics")
    C.check("GET /metrics", m, "/metrics", "get", expect_status=200)
    check_metrics(docs, m.body.decode("utf-8", "replace"), ledger=True)

    # wrong methods and unknown routes
    try_methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    for path, item in docs.root["paths"].items():
        documented = {m.upper() for m in METHODS if m in item}
        target = path.replace("{id}", award_id or "0" * 64)
        allow_seen = None
        for method in try_methods:
            if method in documented:
                continue
            r = request(P, method, target, b"{}" if method in ("POST", "PUT", "PATCH") else None)
            C.check(f"{method} {path} (not documented)", r, path, method, kind="wrong-method", expect_status=405,
                    expect_code=None if method == "HEAD" else "METHOD_NOT_ALLOWED")
            allow_seen = r.header("Allow")
        if allow_seen is not None:
            allowed = {m.strip() for m in allow_seen.split(",")}
            R.check(f"{path}: Allow lists exactly the documented methods", allowed == documented,
                    f"Allow {allow_seen!r}, documented {sorted(documented)}")
    for method, target in (("GET", "/"), ("GET", "/v1"), ("POST", "/v1/evaluate/"), ("GET", "/v1/records/"),
                           ("GET", "/v2/status"), ("POST", "/v1/%65valuate"), ("GET", "/HEALTHZ"),
                           ("DELETE", "/nothing")):
        C.check(f"{method} {target} (no route)", request(P, method, target, b"{}" if method == "POST" else None),
                target, method, kind="unknown-route", expect_status=404, expect_code="ROUTE_NOT_FOUND")


def check_metrics(docs, text, ledger):
    families, problems = metric_families(text)
    R.check("GET /metrics: Prometheus text format 0.0.4", families and not problems,
            f"lines not in the format: {problems[:5]}")
    description = docs.root["paths"]["/metrics"]["get"].get("description", "")
    table = {m.group(1): (m.group(2), m.group(3).strip())
             for m in re.finditer(r"^\|\s*`(firstset_\w+)`\s*\|\s*(\w+)\s*\|([^|]*)\|", description, re.M)}
    undocumented = [f"{n} ({t})" for n, t in families.items() if table.get(n, ("",))[0] != t]
    R.check(f"GET /metrics: all {len(families)} metric families are documented with their type", not undocumented,
            "not documented (or another type): " + ", ".join(undocumented))
    expected = [n for n, (_, when) in table.items()
                if when.startswith("always") or (ledger and when == "with a ledger")]
    missing = [n for n in expected if n not in families]
    R.check(f"GET /metrics: the {len(expected)} families documented for this server are present", not missing,
            "missing: " + ", ".join(missing))


def run_http_level(C, a, b, docs):
    """BAD_HTTP_REQUEST, BODY_TOO_LARGE, HEADERS_TOO_LARGE on every operation, and off any route."""
    targets = []
    for path, method, _ in operations(docs):
        targets.append((path, method.upper(), "operation"))
    for path in docs.root["paths"]:
        targets.append((path, "DELETE", "wrong-method"))
    targets.append(("/no/such/route", "GET", "unknown-route"))
    for path, method, kind in targets:
        target = path.replace("{id}", "0" * 64)
        label = f"{method} {path}" + ("" if kind == "operation" else f" ({kind})")
        r = raw_request(a.port, method, f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: abc\r\n\r\n"
                        .encode())
        C.check(f"{label} malformed HTTP", r, path, method, kind=kind, expect_status=400,
                expect_code=None if method == "HEAD" else "BAD_HTTP_REQUEST")
        r = raw_request(b.port, method, f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1025\r\n\r\n"
                        .encode())
        C.check(f"{label} body over --max-body (B)", r, path, method, kind=kind, expect_status=413,
                expect_code=None if method == "HEAD" else "BODY_TOO_LARGE")
        r = raw_request(b.port, method, f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nX-Padding: {'p' * 1500}\r\n\r\n"
                        .encode())
        C.check(f"{label} header over --max-header (B)", r, path, method, kind=kind, expect_status=431,
                expect_code=None if method == "HEAD" else "HEADERS_TOO_LARGE")
    # The whole body sent, not only its length.
    r = raw_request(b.port, "POST", b"POST /v1/lint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1100\r\n\r\n" + b"[" + b" " * 1098 + b"]")
    C.check("POST /v1/lint body of 1100 bytes sent whole (B)", r, "/v1/lint", "post", expect_status=413,
            expect_code="BODY_TOO_LARGE")
    # The HTTP-level answers to HEAD requests: the document says no body; see that the bytes after
    # the header, if any, are not mistaken for a next response on a kept connection.
    sock = socket.create_connection((HOST, a.port), timeout=HTTP_TIMEOUT)
    try:
        sock.settimeout(HTTP_TIMEOUT)
        sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    tail = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    if tail:
        R.note(f"HEAD /healthz with a malformed header: the 400 answer carries a {len(tail)}-byte body after its "
               f"header (a HEAD response has none; the connection is closed after it)")


def run_server_b(C, b):
    P = b.port
    C.check("POST /v1/records without a ledger (B)", request(P, "POST", "/v1/records", {"kind": "award"}),
            "/v1/records", "post", expect_status=503, expect_code="NO_LEDGER")
    s = C.check("GET /v1/status without a ledger (B)", request(P, "GET", "/v1/status"), "/v1/status", "get",
                expect_status=200) or {}
    R.check("GET /v1/status without a ledger: ledger null", "ledger" in s and s["ledger"] is None, str(s)[:300])
    C.check("GET /v1/records/{id} without a ledger (B)", request(P, "GET", "/v1/records/" + "1" * 64),
            "/v1/records/{id}", "get", expect_status=404, expect_code="RECORD_NOT_FOUND")
    C.check("POST /v1/verify without a ledger or --verify-root (B)", request(P, "POST", "/v1/verify", {
        "ledger": "var/ledger.jsonl"}), "/v1/verify", "post", expect_status=403, expect_code="PATH_NOT_ALLOWED")
    m = request(P, "GET", "/metrics")
    C.check("GET /metrics (B)", m, "/metrics", "get", expect_status=200)
    families, _ = metric_families(m.body.decode("utf-8", "replace"))
    R.check("GET /metrics without a ledger: no ledger families but firstset_ledger_configured 0",
            "firstset_ledger_records" not in families and "firstset_ledger_configured 0" in m.body.decode(),
            sorted(families))


def run_server_c(C, c, award_req, evaluate_req):
    P = c.port
    award = C.check("POST /v1/records without a token file on loopback (C)", request(P, "POST", "/v1/records",
                    award_req), "/v1/records", "post", expect_status=201) or {}
    rid = award.get("record", {}).get("id")
    if rid:
        line = C.check("GET /v1/records/{id} (C)", request(P, "GET", "/v1/records/" + rid), "/v1/records/{id}",
                       "get", expect_status=200) or {}
        caller = line.get("body", {}).get("caller", {})
        R.check("a record made without a token file has caller.token null", "token" in caller and
                caller["token"] is None and caller.get("via") == "firstset-server", str(caller))
    C.check("POST /v1/evaluate with a bearer token on a server without a token file (C)", request(
        P, "POST", "/v1/evaluate", evaluate_req, {"Authorization": "Bearer " + "z" * 40}), "/v1/evaluate", "post",
        expect_status=200)


def run_drain(C, c):
    """SIGTERM with requests in flight: /healthz answers 503 draining, then the server exits 0."""
    socks = []
    try:
        for method in ("GET", "HEAD"):
            s = socket.create_connection((HOST, c.port), timeout=HTTP_TIMEOUT)
            s.settimeout(HTTP_TIMEOUT)
            s.sendall(f"{method} /healthz HTTP/1.1\r\nHost: {HOST}\r\n".encode())  # header not finished
            socks.append((method, s))
        time.sleep(0.3)  # let the server start reading both
        c.proc.send_signal(signal.SIGTERM)
        if not R.check("SIGTERM: the server says it drains", c.wait_for_line("SERVER_DRAINING", STOP_TIMEOUT),
                       "\n".join(c.lines[-5:])):
            return
        for method, s in socks:
            s.sendall(b"\r\n")
            r = http.client.HTTPResponse(s, method=method)
            r.begin()
            resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
            body = C.check(f"{method} /healthz while draining (C)", resp, "/healthz", method, expect_status=503)
            if method == "GET":
                R.check("GET /healthz while draining is {\"status\":\"draining\"}", body == {"status": "draining"},
                        str(body))
            R.check(f"{method} /healthz while draining: Connection: close",
                    (resp.header("Connection") or "").lower() == "close", resp.header("Connection"))
    finally:
        for _, s in socks:
            s.close()
    try:
        code = c.proc.wait(timeout=STOP_TIMEOUT)
        R.check("SIGTERM: the server exits 0 after the drain", code == 0 and c.wait_for_line("SERVER_STOPPED", 5),
                f"exit {code}; {c.lines[-3:]}")
    except subprocess.TimeoutExpired:
        R.fail("SIGTERM: the server exits 0 after the drain", f"still running after {STOP_TIMEOUT:.0f} s")


# ---------------------------------------------------------------------------------------------
# 4. Coverage

def check_coverage(C, docs):
    for path, method, op in operations(docs):
        seen = C.seen.get((path, method), set())
        for status in op.get("responses") or {}:
            status = str(status)
            name = f"coverage: {method.upper()} {path} {status}"
            reason = NOT_PRODUCIBLE.get((path, method, status)) or NOT_PRODUCIBLE.get(("*", "*", status))
            if status in seen:
                R.ok(name + " seen")
            elif reason:
                R.skip(name, "not producible from outside: " + reason)
            else:
                R.fail(name, "documented but no request produced it")


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="the firstset-server binary")
    parser.add_argument("--source", required=True, help="the repository (docs/openapi.yaml, schemas/, examples/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.server = os.path.abspath(args.server)
    args.source = os.path.abspath(args.source)

    def timeout(signum, frame):
        raise TimeoutError(f"the whole check took more than {OVERALL_TIMEOUT} s")
    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(OVERALL_TIMEOUT)

    docs = Docs(os.path.join(args.source, "docs/openapi.yaml"), os.path.join(args.source, "schemas"))
    check_shape(docs)
    check_routes(docs, args.source)

    if not (os.path.isfile(args.server) and os.access(args.server, os.X_OK)):
        R.fail("server binary", f"{args.server} is not an executable file")
    else:
        tmp = tempfile.mkdtemp(prefix="firstset-openapi-")
        try:
            C = exercise(args, docs, tmp)
            check_coverage(C, docs)
        except Exception as e:  # noqa: BLE001 - report it as a failure, with what was reached
            R.fail("run", f"{type(e).__name__}: {e}")
        finally:
            signal.alarm(0)
            if args.keep:
                print(f"note  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)

    total = R.passed + len(R.failed)
    print(f"{total} checks: {R.passed} passed, {len(R.failed)} failed, {R.skipped} skipped")
    if R.failed:
        print("failed: " + "; ".join(R.failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
