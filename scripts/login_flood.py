#!/usr/bin/env python3
"""The login flood of issue #13: N concurrent wrong logins against the demo.

Starts the release-built demo service (crates/warden-demo) on
a free loopback port with a new database in a temporary directory and a
random JWT secret and API key in its environment (never on its command
line), then sends N requests at once over raw HTTP/1.1 (asyncio, stdlib
only), half `GET /whoami/` with wrong HTTP Basic credentials, half
`POST /token` with a wrong password (for johndoe and for unknown users, so
both the stored hash and the dummy hash are checked). While they run it
samples the server's memory from /proc/PID/status; at the end it reads the
peak resident set (`VmHWM`).

Every answer must be the route's normal refusal (`401` with the Basic
challenge at /whoami/, `400 invalid_grant` at /token) or a declared overload
(`503` with `Retry-After`); anything else, including a reset or closed
connection, counts as a failure. The script prints the count of each answer
and the peak RSS, stops the server by its process id, and exits 1 when an
answer failed or the peak reached the limit (default 1 GiB), 2 when the
server could not be started.

To spare a shared machine, the server is killed as soon as its resident
memory passes --abort-gib (default 4 GiB); the run then fails and reports the
peak seen so far. Build first:

    cargo build --release -p warden-demo
    python3 scripts/login_flood.py            # 300 requests
    python3 scripts/login_flood.py --binary /path/to/warden-demo --requests 120
"""

import argparse
import asyncio
import base64
import collections
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time

GIB = 1 << 30
MIB = 1 << 20
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/")
INCORRECT = {"detail": "Incorrect username or password"}
INVALID_GRANT = {"error": "invalid_grant", "error_description": "Incorrect username or password"}
BASIC_CHALLENGE = 'Basic realm="warden demo", charset="UTF-8"'


def default_binary():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    return os.path.join(target, "release", "warden-demo")


def memory_kib(pid, field):
    """`field` (VmRSS, VmHWM) of /proc/PID/status in KiB, or None once gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


class Sampler(threading.Thread):
    """Samples the server's memory every 10 ms; kills it past `abort_kib`."""

    def __init__(self, pid, abort_kib):
        super().__init__(daemon=True)
        self.pid, self.abort_kib = pid, abort_kib
        self.peak_kib, self.aborted = 0, False
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.sample()
            self.done.wait(0.01)

    def sample(self):
        rss, hwm = memory_kib(self.pid, "VmRSS"), memory_kib(self.pid, "VmHWM")
        self.peak_kib = max(self.peak_kib, rss or 0, hwm or 0)
        if not self.aborted and rss is not None and rss >= self.abort_kib:
            self.aborted = True
            os.kill(self.pid, signal.SIGKILL)


def start_server(binary, workdir):
    """The server process and its port, once it says it is listening."""
    env = dict(os.environ)
    env["WARDEN_DEMO_SECRET"] = secrets.token_hex(32)
    env["WARDEN_DEMO_API_KEY"] = secrets.token_hex(16)
    log_path = os.path.join(workdir, "server.log")
    log = open(log_path, "w+b")
    server = subprocess.Popen(
        [binary, "--port", "0", "--db", os.path.join(workdir, "demo.sqlite3")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=workdir,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log_path, encoding="utf-8", errors="replace") as text:
            found = LISTENING.search(text.read())
        if found:
            return server, int(found.group(1)), log_path
        if server.poll() is not None:
            break
        time.sleep(0.05)
    stop_server(server)
    with open(log_path, encoding="utf-8", errors="replace") as text:
        sys.stderr.write(text.read())
    raise SystemExit("login_flood: the service did not start listening")


def stop_server(server):
    """SIGTERM to the server's process id, SIGKILL if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def requests_for(count, port):
    """`count` wrong logins: (route, raw HTTP/1.1 request), alternating."""
    host = f"127.0.0.1:{port}"
    out = []
    for index in range(count):
        user = "johndoe" if index % 4 < 2 else f"nobody{index}"
        password = f"wrong-{index}"
        if index % 2 == 0:
            credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
            raw = (
                f"GET /whoami/ HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {credentials}\r\n"
                "Connection: close\r\n\r\n"
            )
            out.append(("/whoami/", raw.encode()))
        else:
            body = f"username={user}&password={password}"
            raw = (
                f"POST /token HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
            )
            out.append(("/token", raw.encode()))
    return out


def parse(raw):
    """(status, headers with lower-case names, body bytes) of an answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = collections.defaultdict(list)
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()].append(value.strip())
    return status, headers, body


def judge(route, raw):
    """The answer's class (`401`, `400 invalid_grant`, `503`), or why it is wrong."""
    if not raw:
        return None, "closed without an answer"
    try:
        status, headers, body = parse(raw)
        payload = json.loads(body) if body else None
    except (ValueError, IndexError) as error:
        return None, f"unreadable answer ({error}): {raw[:200]!r}"
    if status == 503:
        if headers.get("retry-after"):
            return "503", None
        return None, "503 without Retry-After"
    if route == "/whoami/" and status == 401:
        if payload == INCORRECT and headers.get("www-authenticate") == [BASIC_CHALLENGE]:
            return "401", None
    if route == "/token" and status == 400 and payload == INVALID_GRANT:
        return "400 invalid_grant", None
    return None, f"{status} {body[:200]!r}"


async def one(route, request, port, timeout):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        try:
            writer.write(request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(-1), timeout)
        finally:
            writer.close()
    except asyncio.TimeoutError:
        return route, None, "no answer within the timeout"
    except (ConnectionError, OSError) as error:
        return route, None, f"{type(error).__name__}: {error}"
    return (route, *judge(route, raw))


async def flood(requests, port, timeout):
    return await asyncio.gather(*(one(route, request, port, timeout) for route, request in requests))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=default_binary(), help="the service (default: the release build)")
    parser.add_argument("--requests", type=int, default=300, help="concurrent wrong logins (default 300)")
    parser.add_argument("--limit-gib", type=float, default=1.0, help="the peak RSS that fails the run (default 1)")
    parser.add_argument("--abort-gib", type=float, default=4.0, help="RSS at which the server is killed (default 4)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds each request may take (default 120)")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"login_flood: no service at {args.binary}; build it with `cargo build --release -p warden-demo`",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="warden-flood.") as workdir:
        server, port, log_path = start_server(args.binary, workdir)
        sampler = Sampler(server.pid, int(args.abort_gib * GIB / 1024))
        try:
            idle_kib = memory_kib(server.pid, "VmRSS") or 0
            sampler.start()
            started = time.monotonic()
            results = asyncio.run(flood(requests_for(args.requests, port), port, args.timeout))
            elapsed = time.monotonic() - started
            sampler.sample()
        finally:
            sampler.done.set()
            sampler.join()
            stop_server(server)
        counts = collections.Counter((route, verdict or "FAILED") for route, verdict, _ in results)
        failures = collections.Counter(f"{route}: {why}" for route, verdict, why in results if verdict is None)

        print(f"login_flood: {args.requests} concurrent wrong logins against {args.binary} "
              f"(127.0.0.1:{port}), {elapsed:.1f} s")
        for (route, verdict), count in sorted(counts.items()):
            print(f"  {route:9} {verdict:18} {count:4}")
        for why, count in failures.most_common(10):
            print(f"  failure x{count}: {why}")
        peak = sampler.peak_kib * 1024
        print(f"  resident memory: {idle_kib / 1024:.0f} MiB idle, peak (VmHWM) {peak / MIB:.0f} MiB "
              f"({peak / GIB:.2f} GiB), limit {args.limit_gib:g} GiB")
        if sampler.aborted:
            print(f"  the server passed {args.abort_gib:g} GiB and was killed: the true peak is higher")
        ok = not failures and peak < args.limit_gib * GIB and not sampler.aborted
        if not ok and not sampler.aborted:
            with open(log_path, encoding="utf-8", errors="replace") as text:
                tail = text.read().splitlines()[-20:]
            print("  the server's last lines:\n    " + "\n    ".join(tail))
        print("login_flood: " + ("PASS" if ok else "FAIL"))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
