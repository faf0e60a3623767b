"""Report site under load: gunicorn serving a built warehouse, 32 concurrent keep-alive clients.

Starts `gunicorn webreport:create_app()` (as `reelmart serve` does) on a free port of 127.0.0.1 over
the serving snapshot of `--data-dir`, signs in through the login form, then for each target drives
`--connections` client threads (http.client, persistent connections) for `--seconds` and reports
requests/s, latency percentiles and errors. Without `--data-dir` it generates and builds the 200k-user
scale into a temporary folder first (minutes).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from reelmart.bench.table import measure, print_table
from reelmart.warehouse import PROJECT_DIR, WarehousePaths, build

BENCH_USER = "bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="a built instance (default: generate + build 200k in a tmp dir)")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each target's run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--scale", default="200k", help="scale generated when --data-dir is not given")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(args: argparse.Namespace) -> WarehousePaths:
    if args.data_dir:
        paths = WarehousePaths(args.data_dir.resolve())
        if not paths.serving_db.exists():
            raise SystemExit(f"nothing published at {paths.serving_db}: run `reelmart build --data-dir {args.data_dir}`")
        return paths
    from reelmart.simulate import SCALES, PlatformSimulator

    paths = WarehousePaths(Path(tempfile.mkdtemp(prefix="reelmart-bench-web-")))
    print(f"no --data-dir: generating and building the {args.scale} scale into {paths.data_dir} (takes minutes)",
          flush=True)
    PlatformSimulator(SCALES[args.scale], paths.data_dir, seed=7, progress=False).run()
    build(paths, full_refresh=True, docs=False, quiet=True)
    return paths


class Server:
    """gunicorn with the production app factory over one snapshot, a throwaway login and secret."""

    def __init__(self, paths: WarehousePaths, workers: int) -> None:
        from werkzeug.security import generate_password_hash

        self.password = os.urandom(12).hex()
        self.port = _free_port()
        self.instance = tempfile.mkdtemp(prefix="reelmart-bench-instance-")
        env = dict(os.environ)
        env.update({
            "REELMART_INSTANCE": self.instance,
            "REELMART_SERVING_DB": str(paths.serving_db),
            "REELMART_DOCS_HTML": str(paths.docs_html),
            "REELMART_SECRET_KEY": os.urandom(16).hex(),
            "REELMART_USERS": json.dumps({BENCH_USER: generate_password_hash(self.password)}),
        })
        gunicorn = Path(sys.executable).with_name("gunicorn")
        # the server's log goes to a file: a pipe nobody reads fills after a few logged errors and blocks the workers
        self._log = open(Path(self.instance) / "gunicorn.log", "w")  # closed in stop()
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--chdir",
             str(PROJECT_DIR), "--log-level", "warning", "webreport:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=self._log, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = self.request("GET", "/health")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not come up within 60 s")

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def login(self) -> str:
        """Sign in through the real form (CSRF token and all); returns the session cookie header."""
        _, headers, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        cookie = "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
        form = urllib.parse.urlencode({"username": BENCH_USER, "password": self.password, "csrf_token": token})
        status, headers, _ = self.request("POST", "/login", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        if status != 302:
            raise RuntimeError(f"login failed with HTTP {status}")
        return "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def load(port: int, cookie: str, paths: list[str], connections: int, seconds: float) -> dict:
    """`connections` threads, each with one persistent connection, cycling through `paths`."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = i
        while time.perf_counter() < stop_at:
            path = paths[n % len(paths)]
            n += connections
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[i].append(time.perf_counter() - started)
            errors[i] += 0 if ok else 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = sorted(x for per_client in latencies for x in per_client)

    def percentile(q: float) -> float:
        return merged[min(len(merged) - 1, int(q * len(merged)))] * 1000 if merged else float("nan")

    return {"requests": len(merged), "req_per_s": len(merged) / elapsed, "p50_ms": percentile(0.50),
            "p95_ms": percentile(0.95), "p99_ms": percentile(0.99), "errors": sum(errors)}


def run(args: argparse.Namespace) -> int:
    paths = _prepare(args)
    import duckdb

    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        users = con.execute("select count(*) from dim_users").fetchone()[0]
        events = con.execute("select count(*) from fct_watch_events").fetchone()[0]
        video_ids = [row[0] for row in con.execute(
            "select video_id from dim_videos order by views desc, video_id limit 1000").fetchall()]
    server = Server(paths, args.workers)
    rows = []
    try:
        cookie = server.login()
        targets = {
            "overview /": ["/"],
            "drill-down /videos/<top id>": [f"/videos/{video_ids[0]}"],
            f"drill-down, {len(video_ids)} ids rotating": [f"/videos/{v}" for v in video_ids],
            "api /api/overview": ["/api/overview"],
        }
        for name, target_paths in targets.items():
            load(server.port, cookie, target_paths[:4], 4, 1.0)  # warm-up: workers start, first queries run
            with measure() as m:
                result = load(server.port, cookie, target_paths, args.connections, args.seconds)
            rows.append({"target": name, "users": users, "watch_events": events, "connections": args.connections,
                         "workers": args.workers, **result, "peak_rss_mb": m.peak_rss_mb})
    finally:
        server.stop()
    print_table(rows, f"Report site under load (gunicorn, {args.workers} workers, {args.connections} connections, "
                      f"{args.seconds:g} s per target)")
    return 0 if all(row["errors"] == 0 for row in rows) else 1
