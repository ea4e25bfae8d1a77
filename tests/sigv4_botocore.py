#!/usr/bin/python3
"""AWS Signature Version 4 by botocore (Debian's python3-botocore), for comparing with the
Authorization header libcurl made for a request firstset shipped.

Input (a JSON file named on the command line): method, url, headers (the signed headers as the
server received them), body_file (the request body), access_key, secret, region, service.
Output: the Authorization header botocore computes for that request, key and time (the time is
the request's own X-Amz-Date)."""
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)
    with open(req["body_file"], "rb") as f:
        body = f.read()
    headers = req["headers"]
    request = AWSRequest(method=req["method"], url=req["url"], data=body, headers=headers)
    auth = SigV4Auth(Credentials(req["access_key"], req["secret"]), req["service"], req["region"])
    amz_date = next(v for k, v in headers.items() if k.lower() == "x-amz-date")
    request.context["timestamp"] = amz_date
    content_sha = next((v for k, v in headers.items() if k.lower() == "x-amz-content-sha256"), None)
    # The payload hash is what the request says it signed: the body's SHA-256 or UNSIGNED-PAYLOAD.
    request.context["payload_signing_enabled"] = content_sha != "UNSIGNED-PAYLOAD"
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    signature = auth.signature(string_to_sign, request)
    scope = auth.scope(request)
    signed = auth.signed_headers(auth.headers_to_sign(request))
    print(f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={signed}, Signature={signature}")
    print(canonical, file=sys.stderr)


if __name__ == "__main__":
    main()
