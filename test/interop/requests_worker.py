"""A long-lived python `requests` client driven by the tests over stdin/stdout, one JSON object a line.

Usage: python3 requests_worker.py <base-url>

Request line:  {"method": "GET", "path": "/api/...", "headers": {...}, "body": "<raw text>" | null,
                "user": "<public key>" | null, "pass": "<private key>" | null}
Response line: {"status": 200, "headers": {...}, "text": "...", "challenges": <401s answered>,
                "nonceCount": <requests' nc for this key after the call>} or {"error": "..."}

Every call goes through one requests.Session, and each key has one HTTPDigestAuth object for the
worker's lifetime, exactly as a script would hold them: after the first challenge requests sends the
Authorization header pre-emptively, reusing the nonce with nc 2, 3, ...
"""
import json
import sys

import requests
from requests.auth import HTTPDigestAuth


def main() -> None:
    base = sys.argv[1]
    session = requests.Session()
    auths = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        auth = None
        if req.get("user") is not None:
            key = (req["user"], req["pass"])
            auth = auths.get(key)
            if auth is None:
                auth = auths[key] = HTTPDigestAuth(*key)
        body = req.get("body")
        try:
            r = session.request(
                req["method"],
                base + req["path"],
                headers=req.get("headers") or {},
                data=None if body is None else body.encode("utf-8"),
                auth=auth,
                timeout=15,
            )
            out = {
                "status": r.status_code,
                "headers": {k.lower(): v for k, v in r.headers.items()},
                "text": r.text,
                "challenges": sum(1 for h in r.history if h.status_code == 401),
                "nonceCount": getattr(auth._thread_local, "nonce_count", None) if auth else None,
            }
        except Exception as e:  # reported to the test, never fatal to the worker
            out = {"error": repr(e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
