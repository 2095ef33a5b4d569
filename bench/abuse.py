"""Hostile uploads while staff use the single-site check: refused fast, memory bounded, nobody else slowed.

    .venv/bin/python bench/abuse.py            # 60,000 sites; 20 clients; a 1.1 GB zip bomb, a 200 MB line
    .venv/bin/python bench/abuse.py --quick    # 6,000 sites; smaller bomb and line; under a minute

One generated registry (bench/web.py's) in a fresh PostGIS database, served by
`planner serve` (gunicorn, its default workers) on a free local port. First 20
client threads use `POST /api/check` for a while on an idle server; then the
same clients run again while this process sends, one after another:

- through the web (`POST /check/` with a bearer token, then the job's status
  polled): an `.xlsx` whose sheet unpacks to 1.1 GB (a zip bomb), a CSV with
  1,000,000 columns, a CSV with one 200 MB line, and a GeoJSON with a point at
  (1e308, 1e308) next to a good one;
- through the command line: `planner import candidates` and `planner check` of
  the same four files.

A hostile request counts as refused when it ends within 10 s with a clear
message: the web answers 4xx or the job fails with a message (the 1e308 row
may instead come back as an `error` row while the good row is checked), the
command exits 2 with one line on stderr and no traceback; and the registry
is unchanged by the refused imports. Worker memory is the largest resident
set of any process under `planner serve`, sampled every 50 ms.

Targets: every hostile request refused within 10 s, worker RSS ≤ 1 GB, the
clients' p95 under abuse ≤ 2× the idle p95, 0 client errors. The exit code is
1 when any target is missed.
Ends with `RESULT refused=… max_worker_mb=… p95_ratio=… errors=…`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web as web_bench  # bench/web.py: data, database, server and load client

BIN = web_bench.BIN
REFUSE_WITHIN_S = 10.0
MAX_WORKER_MB = 1024
MAX_P95_RATIO = 2.0


# -- hostile files -------------------------------------------------------------------------------

def zip_bomb_xlsx(path: Path, unpacked_mb: int) -> None:
    """A real .xlsx (made by openpyxl) whose first sheet is replaced by `unpacked_mb` MB of rows."""
    import openpyxl

    small = path.with_suffix(".small.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["序号", "店名", "经度", "纬度"])
    book.save(small)
    row = (b'<row><c t="inlineStr"><is><t>A</t></is></c><c t="inlineStr"><is><t>B</t></is></c>'
           b'<c><v>116.5</v></c><c><v>40.1</v></c></row>')
    block = row * (1024 * 1024 // len(row) + 1)
    block = block[: len(block) - len(block) % len(row)]
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                for _ in range(unpacked_mb):
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    small.unlink()


def wide_csv(path: Path, columns: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(",".join(f"c{i}" for i in range(columns)) + "\n")
        handle.write(",".join("1" for _ in range(columns)) + "\n")


def long_line_csv(path: Path, line_mb: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("序号,店名,经度,纬度\nC1,")
        chunk = "长" * (1024 * 1024 // 3)
        for _ in range(line_mb):
            handle.write(chunk)
        handle.write(",116.5,40.1\n")


def huge_geojson(path: Path) -> None:
    features = [{"type": "Feature", "properties": {"序号": f"C{i}", "店名": name},
                 "geometry": {"type": "Point", "coordinates": coords}}
                for i, (name, coords) in enumerate([("好店", [103.9, 30.4]), ("坏店", [1e308, 1e308])])]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def hostile_files(folder: Path, quick: bool) -> dict[str, Path]:
    files = {"zip_bomb": folder / "bomb.xlsx", "million_columns": folder / "wide.csv",
             "long_line": folder / "long_line.csv", "huge_coordinates": folder / "huge.geojson"}
    zip_bomb_xlsx(files["zip_bomb"], 200 if quick else 1100)
    wide_csv(files["million_columns"], 1_000_000)
    long_line_csv(files["long_line"], 60 if quick else 200)
    huge_geojson(files["huge_coordinates"])
    return files


# -- watching the server's memory ----------------------------------------------------------------

def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch(threading.Thread):
    """The largest resident set of any process under `root`, sampled until stopped."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.max_mb, self._halt = root, 0.0, threading.Event()
        self.start()

    def run(self):
        while not self._halt.is_set():
            for pid in _descendants(self.root):
                self.max_mb = max(self.max_mb, _rss_mb(pid))
            self._halt.wait(0.05)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.max_mb


# -- sending them ----------------------------------------------------------------------------------

@dataclass
class Outcome:
    door: str
    name: str
    refused: bool
    seconds: float
    message: str


def _multipart(path: Path, fields: dict) -> tuple[str, int, object]:
    boundary = uuid.uuid4().hex
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
             "Content-Type: application/octet-stream\r\n\r\n")
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head.encode()) + path.stat().st_size + len(tail)

    def chunks():
        yield head.encode()
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                yield block
        yield tail

    return f"multipart/form-data; boundary={boundary}", size, chunks()


def _post_file(port: int, token: str, path: Path) -> tuple[int, dict, bytes]:
    """POST the file to /check/; the server may answer (413) before the body is all sent."""
    content_type, size, body = _multipart(path, {"profile": "yiwu", "lang": "en"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", "/check/")
    for key, value in (("Authorization", f"Bearer {token}"), ("Content-Type", content_type),
                       ("Content-Length", str(size))):
        conn.putheader(key, value)
    conn.endheaders()
    try:
        for block in body:
            conn.send(block)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused while sending: the answer is still there to read
    try:
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    except (ConnectionResetError, http.client.RemoteDisconnected) as exc:
        return 0, {}, str(exc).encode()
    finally:
        conn.close()


def _get_json(port: int, token: str, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    return answer.status, (json.loads(body) if body[:1] == b"{" else {})


def _clear(message: str) -> bool:
    """A message for a person: said, no traceback, no internal error, no server path."""
    lowered = message.lower()
    return (bool(message.strip()) and "traceback" not in lowered and "internal error" not in lowered
            and "/tmp/" not in message and "instance/" not in message)  # a leaked path (no file is made)


def send_web(port: int, token: str, name: str, path: Path) -> Outcome:
    start = time.perf_counter()
    status, headers, body = _post_file(port, token, path)
    text = body.decode("utf-8", "replace")
    if status in (302, 303) and "/check/" in headers.get("Location", ""):
        job = headers["Location"].rstrip("/").rsplit("/", 1)[1]
        while time.perf_counter() - start < 60:
            _, state = _get_json(port, token, f"/check/{job}/status")
            if state.get("state") in ("done", "failed"):
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if state.get("state") == "failed":
            return Outcome("web", name, _clear(state.get("message", "")), seconds, state.get("message", ""))
        counts = state.get("counts", {})
        # A hostile row, not a hostile file: refused as an `error` row while the good row is checked.
        row_refused = state.get("state") == "done" and counts.get("error") == 1 and sum(counts.values()) == 2
        return Outcome("web", name, row_refused, seconds, f"job {state.get('state')}: {counts}")
    seconds = time.perf_counter() - start
    refused = 400 <= status < 500 and _clear(text)
    return Outcome("web", name, refused, seconds, f"HTTP {status}: {' '.join(text.split())[:160]}")


def send_cli(command: str, name: str, path: Path, env: dict, folder: Path) -> tuple[Outcome, float]:
    """Run `planner import candidates FILE` or `planner check FILE`; its peak memory comes from wait4."""
    args = ["import", "candidates", str(path)] if command == "import" else \
        ["check", str(path), "-o", str(folder / f"out-{name}{path.suffix}")]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(BIN / "planner"), *args], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                stderr=err, cwd=folder)
        killer = threading.Timer(120, proc.kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace").strip()
    peak_mb = usage.ru_maxrss / 1024
    code = proc.returncode
    if command == "check" and code == 0 and name == "huge_coordinates":
        verdicts = [f["properties"].get("verdict") for f in
                    json.loads((folder / f"out-{name}{path.suffix}").read_text(encoding="utf-8"))["features"]]
        refused = len(verdicts) == 2 and verdicts[0] in ("pass", "fail") and verdicts[1] == "error"
        message = f"exit 0, verdicts {verdicts}"
    else:
        refused = code == 2 and _clear(stderr) and len(stderr.splitlines()) == 1
        message = f"exit {code}: {stderr[:160]}"
    return Outcome(f"cli {command}", name, refused, seconds, message), peak_mb


def _registry_counts(url: str) -> tuple:
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our fixed table names
                     for table in ("candidates", "stations", "outlets", "events"))


def abuse(port: int, token: str, files: dict, env: dict, folder: Path, url: str) -> tuple[list[Outcome], float]:
    outcomes, cli_peak = [], 0.0
    for name, path in files.items():
        outcomes.append(send_web(port, token, name, path))
    before = _registry_counts(url)
    for command in ("import", "check"):
        for name, path in files.items():
            outcome, peak = send_cli(command, name, path, env, folder)
            outcomes.append(outcome)
            cli_peak = max(cli_peak, peak)
    if _registry_counts(url) != before:
        outcomes.append(Outcome("registry", "unchanged after refused imports", False, 0.0,
                                f"{before} → {_registry_counts(url)}"))
    return outcomes, cli_peak


# -- main --------------------------------------------------------------------------------------

def _load_during(port: int, token: str, clients: int, seconds: float, box: dict) -> threading.Thread:
    def run():
        box["load"] = web_bench.run_load("api", f"{port}:{token}", clients, seconds)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def measure(args, folder: Path, url: str) -> dict:
    env = {"PLANNER_DATABASE_URL": url, "PLANNER_USER": "bench"}
    for kind, path in web_bench.generate(folder, 6_000 if args.quick else 60_000).items():
        web_bench.planner("import", kind, str(path), env=env)
    token = web_bench.planner("user", "add", "bench", "--role", "planner", "--password-stdin", "--token", env=env,
                              stdin="bench password 1\n").split("API token: ")[1].strip()
    files = hostile_files(folder, args.quick)
    port = web_bench.free_port()
    server = subprocess.Popen([str(BIN / "planner"), "serve", "--port", str(port)], env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    try:
        web_bench.wait_for(port)
        seconds = 10.0 if args.quick else 30.0
        web_bench.run_load("api", f"{port}:{token}", 4, 2.0)  # warm every worker up
        idle = web_bench.run_load("api", f"{port}:{token}", args.clients, seconds)
        watch = MemoryWatch(server.pid)
        box: dict = {}
        load = _load_during(port, token, args.clients, seconds, box)
        outcomes, cli_peak = abuse(port, token, files, env, folder, url)
        load.join()
        max_worker_mb = watch.stop()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"idle": idle, "busy": box["load"], "outcomes": outcomes, "max_worker_mb": max_worker_mb,
            "cli_peak_mb": cli_peak}


def report(found: dict) -> int:
    outcomes = found["outcomes"]
    for o in outcomes:
        ok = "refused" if o.refused and o.seconds <= REFUSE_WITHIN_S else "NOT REFUSED IN TIME"
        print(f"{o.door:<12} {o.name:<18} {o.seconds:6.2f} s  {ok:<20} {o.message}")
    idle, busy = found["idle"], found["busy"]
    for name, r in (("idle", idle), ("under abuse", busy)):
        print(f"/api/check {name}: {r['requests']:,} requests ({r['rps']:.0f}/s), p50 {r['p50_ms']:.1f} ms, "
              f"p95 {r['p95_ms']:.1f} ms, {r['errors']} errors")
    refused = sum(o.refused and o.seconds <= REFUSE_WITHIN_S for o in outcomes)
    ratio = busy["p95_ms"] / idle["p95_ms"]
    errors = busy["errors"] + idle["errors"]
    print(f"worker peak {found['max_worker_mb']:.0f} MB; command-line peak {found['cli_peak_mb']:.0f} MB")
    print(f"RESULT refused={refused}/{len(outcomes)} max_worker_mb={found['max_worker_mb']:.0f} p95_ratio={ratio:.2f} "
          f"errors={errors} cli_peak_mb={found['cli_peak_mb']:.0f} idle_p95_ms={idle['p95_ms']:.1f} "
          f"busy_p95_ms={busy['p95_ms']:.1f}")
    met = (refused == len(outcomes) and found["max_worker_mb"] <= MAX_WORKER_MB and ratio <= MAX_P95_RATIO
           and errors == 0)
    if not met:
        print("targets missed: every hostile request refused within 10 s, worker ≤ 1 GB, p95 ≤ 2× idle, 0 errors")
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    admin = os.environ.get("PLANNER_BENCH_DATABASE_URL", web_bench.ADMIN_URL)
    with tempfile.TemporaryDirectory(prefix="planner-bench-abuse-") as tmp:
        url = web_bench.fresh_database(admin)
        try:
            found = measure(args, Path(tmp), url)
        finally:
            web_bench.drop_database(admin, url)
    return report(found)


if __name__ == "__main__":
    sys.exit(main())
