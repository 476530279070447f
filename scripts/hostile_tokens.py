#!/usr/bin/env python3
"""Send the hostile-token suite to a running service, one request per token.

    python3 scripts/hostile_tokens.py --url http://127.0.0.1:8000 --config demo-hs256

Reads the `http` set of crates/warden/tests/fixtures/jwt/hostile.json (valid
tokens expire in 2100; see hostile.py), sends each token of the configuration
as `Authorization: Bearer <token>` to the protected route (`/users/me/`, or
`--path`), and expects:

* `200` for a token the fixture accepts;
* `401` with a `WWW-Authenticate: Bearer …` challenge for one it refuses;
* `400` with `Bearer error="invalid_request"` for a token that is not an
  RFC 6750 `b64token` (POLICY D6: refused before any JWT code).

Tokens HTTP cannot carry unchanged (CR/LF, leading or trailing whitespace)
are skipped. Prints `N passed, M failed` (and the skipped count), then each
failure; exits 1 if any failed. Start the target first, as the fixture's
`configs.<name>.http.start` says (`--list` prints it):

* `demo-hs256`: `WARDEN_DEMO_SECRET=<the fixture's secret> cargo run -p
  warden-demo -- --db <a new file>`
* `demo-rs256`, `demo-es256`, `demo-eddsa`: the same with
  `--signing-key crates/warden/tests/fixtures/jwt/hostile_<rsa|p256|ed25519>.pem`
* `tutorial`: `cargo run -p warden-tutorials --bin security_tutorial004`
  (or `security_tutorial005`)

Standard library only; loopback or any URL you name.
"""

import argparse
import http.client
import json
import pathlib
import sys
import urllib.parse

FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "crates/warden/tests/fixtures/jwt/hostile.json"


def send(url: urllib.parse.SplitResult, path: str, token: str, timeout: float):
    """(status, WWW-Authenticate values, body) of one GET, or an exception."""
    connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(url.hostname, url.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Connection": "close"})
        response = connection.getresponse()
        body = response.read()
        return response.status, response.headers.get_all("WWW-Authenticate") or [], body
    finally:
        connection.close()


def check(expected: int, status: int, challenges: list, body: bytes):
    """Why the answer is wrong, or None."""
    if status != expected:
        return f"status {status}, expected {expected}; body {body[:200]!r}"
    if expected == 401 and not any(value.lower().startswith("bearer") for value in challenges):
        return f"401 without a Bearer challenge (WWW-Authenticate: {challenges})"
    if expected == 400 and not any(value.lower().startswith('bearer error="invalid_request"') for value in challenges):
        return f'400 without Bearer error="invalid_request" (WWW-Authenticate: {challenges})'
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the service's base URL")
    parser.add_argument("--config", help="the configuration whose tokens to send (demo-hs256, demo-rs256, tutorial, ...)")
    parser.add_argument("--path", help="the protected route (default: the configuration's, /users/me/)")
    parser.add_argument("--fixture", type=pathlib.Path, default=FIXTURE, help="hostile.json")
    parser.add_argument("--only", help="send only the tokens whose id contains this")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--list", action="store_true", help="list the configurations and how to start each target")
    args = parser.parse_args()

    fixture = json.loads(args.fixture.read_text())
    if args.list or not args.config:
        for name, config in fixture["configs"].items():
            http_config = config.get("http")
            start = http_config["start"] if http_config else "(no HTTP target)"
            print(f"{name}: {config['description']}\n    {start}")
        return 0 if args.list else 2
    tokens = fixture["http"].get(args.config)
    if tokens is None:
        print(f"no HTTP tokens for {args.config!r}; known: {', '.join(fixture['http'])}", file=sys.stderr)
        return 2
    path = args.path or fixture["configs"][args.config]["http"]["path"]
    url = urllib.parse.urlsplit(args.url)
    base = url.path.rstrip("/")

    passed, failures, skipped = 0, [], 0
    for case in tokens:
        if args.only and args.only not in case["id"]:
            continue
        expected = case["http_status"]
        if expected is None:
            skipped += 1
            continue
        try:
            status, challenges, body = send(url, base + path, case["token"], args.timeout)
        except Exception as error:  # a reset connection or a timeout is a failure too
            failures.append((case, f"no answer: {type(error).__name__}: {error}"))
            continue
        wrong = check(expected, status, challenges, body)
        if wrong is None:
            passed += 1
        else:
            failures.append((case, wrong))

    print(f"{args.config}: {passed} passed, {len(failures)} failed ({skipped} skipped: HTTP cannot carry them unchanged)")
    for case, wrong in failures:
        verdict = "FORGERY ACCEPTED" if case["expect"] == "refuse" and wrong.startswith("status 200") else "wrong answer"
        print(f"  {verdict}: {case['id']}: {wrong}\n      {case['description']} [{case['lib']}]")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
