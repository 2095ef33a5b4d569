"""The web workspace at province scale: drawing 60,000 points, and the single-site check API under load.

    .venv/bin/python bench/web.py            # 60,000 points; 20 clients for 30 s
    .venv/bin/python bench/web.py --quick    # 6,000 points; 20 clients for 5 s

Both parts use one generated registry (outlets, stations, applicants spread
over about 200 km × 200 km of Sichuan), imported with `planner import` into a
fresh PostGIS database (127.0.0.1:5432, or $PLANNER_BENCH_DATABASE_URL) and
served by `planner serve` (gunicorn) on a free local port.

(a) Draw time in headless Chromium (Debian's), from navigation start until the
    markers are on screen. Every side is loaded cold (a fresh browser context:
    empty HTTP cache, first page of the tab after signing in on a page without
    a map) and warm (the same tab again, best of `--repeat`):
    - ours: the overview page, which fetches the layers from /api/layers and
      draws them on one canvas (`window.__overviewDrawnAt`), both with the
      registry unchanged since `planner serve` started (which answers the
      default overview before forking its workers) and right after a change to
      the registry (an import of one unchanged row: every cached answer is stale);
    - peers: plain folium maps of the same points inlined, served locally with
      leaflet.markercluster 1.5.3 from the npm registry (two animation frames
      after the load event): `FastMarkerCluster` (markers made in JavaScript
      from one array — folium's fast path, the peer the speedup is against)
      and, beside it, one `Marker` per point in a `MarkerCluster`.
    Tile requests are refused for all.
(b) The single-site check under load: a second process runs 20 client threads
    for the given time against `POST /api/check` (bearer token, profile yiwu)
    and then sends the very statement the API's database path sends
    (planner.registry.nearest's: nearest counted outlet, station and approved
    applicant, KNN bound then exact geodesic distances) directly through
    psycopg, one connection per client: the floor our API stands on.
    Reports requests, p50/p95 and errors of both.

Ends with `RESULT draw_speedup=… draw_speedup_cold=… p95_ratio=… errors=…` (speedups against
FastMarkerCluster; MarkerCluster's beside them).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
WEST, SOUTH, SPAN = 103.0, 29.5, 2.0  # degrees: about 190 km × 220 km
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# -- data --------------------------------------------------------------------------------------

def generate(folder: Path, n_points: int, seed: int = 5) -> dict:
    """Three CSV files with n_points sites in all: 1/6 outlets, 1/2 stations, 1/3 applicants."""
    rng = np.random.default_rng(seed)
    counts = {"branches": n_points // 6, "stations": n_points // 2}
    counts["candidates"] = n_points - counts["branches"] - counts["stations"]
    files = {}
    specs = {
        "branches": (["机构号", "网点名称", "类型", "经度", "纬度"], "O",
                     lambda: rng.choice(["支局", "代办点"], p=[0.7, 0.3])),
        "stations": (["机构号", "名称", "状态", "经度", "纬度"], "S",
                     lambda: rng.choice(["营业", "待退出"], p=[0.95, 0.05])),
        "candidates": (["序号", "店名", "状态", "经度", "纬度"], "C",
                       lambda: rng.choice(["待勘察", "已勘察", "已批准", "已拒绝"], p=[0.5, 0.3, 0.1, 0.1])),
    }
    for kind, (header, prefix, status) in specs.items():
        n = counts[kind]
        lon = WEST + rng.random(n) * SPAN
        lat = SOUTH + rng.random(n) * SPAN
        path = folder / f"{kind}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for i in range(n):
                writer.writerow([f"{prefix}{i:06d}", f"{prefix}{i:06d}号", status(), f"{lon[i]:.6f}", f"{lat[i]:.6f}"])
        files[kind] = path
    return files


def fresh_database(admin_url: str) -> str:
    import psycopg

    name = f"planner_bench_web_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def planner(*args, env=None, stdin=None) -> str:
    done = subprocess.run([str(BIN / "planner"), *args], capture_output=True, text=True, input=stdin,
                          env={**os.environ, **(env or {})}, check=False)
    if done.returncode:
        raise SystemExit(f"planner {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str = "/api/openapi.json", timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not answer")


# -- (a) drawing -------------------------------------------------------------------------------

def _markercluster_assets(folder: Path) -> str:
    """leaflet and leaflet.markercluster 1.5.3 (from the npm registry) beside the peer pages; their folder."""
    assets = folder / "assets"
    (assets / "leaflet").mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        (assets / "leaflet" / name).write_bytes((ROOT / "planner/static/vendor/leaflet" / name).read_bytes())
    packed = subprocess.run(["npm", "pack", "leaflet.markercluster@1.5.3", "--silent"], cwd=assets,
                            capture_output=True, text=True)
    if packed.returncode:
        raise SystemExit(f"npm pack leaflet.markercluster failed: {packed.stderr.strip()}")
    subprocess.run(["tar", "xzf", packed.stdout.strip()], cwd=assets, check=True)
    return "assets/package/dist"


def _points_and_codes(files: dict) -> tuple[list, list]:
    points, codes = [], []
    for path in files.values():
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                points.append([float(row["纬度"]), float(row["经度"])])
                codes.append(row.get("机构号") or row.get("序号"))
    return points, codes


def peer_pages(folder: Path, files: dict) -> dict[str, Path]:
    """Plain folium maps of every point inlined, with local assets: FastMarkerCluster and MarkerCluster."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    dist = _markercluster_assets(folder)
    for plugin in (MarkerCluster, FastMarkerCluster):
        plugin.default_js = [("markerclusterjs", f"{dist}/leaflet.markercluster.js")]
        plugin.default_css = [("markerclustercss", f"{dist}/MarkerCluster.css"),
                              ("markerclusterdefaultcss", f"{dist}/MarkerCluster.Default.css")]
    points, codes = _points_and_codes(files)
    pages = {}
    for name in ("FastMarkerCluster", "MarkerCluster"):
        fmap = folium.Map(location=[SOUTH + SPAN / 2, WEST + SPAN / 2], zoom_start=8, tiles=None)
        fmap.default_js = [("leaflet", "assets/leaflet/leaflet.js")]
        fmap.default_css = [("leaflet_css", "assets/leaflet/leaflet.css")]
        folium.TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", attr="OSM").add_to(fmap)
        if name == "FastMarkerCluster":
            FastMarkerCluster(points).add_to(fmap)
        else:
            cluster = MarkerCluster().add_to(fmap)
            for point, code in zip(points, codes):
                folium.Marker(point, tooltip=code).add_to(cluster)
        fmap.get_root().html.add_child(folium.Element(
            "<script>window.addEventListener('load', () => requestAnimationFrame(() => requestAnimationFrame(() => "
            "{ window.__drawnAt = performance.now(); })));</script>"))
        pages[name] = folder / f"peer-{name}.html"
        fmap.save(pages[name])
    return pages


class _Static(threading.Thread):
    def __init__(self, folder: Path):
        import functools
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        super().__init__(target=self.server.serve_forever, daemon=True)
        self.start()


def _local_only(route):
    return route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()


def _drawn_at(page, url: str, flag: str) -> float:
    """Seconds from navigation start until `flag` is set in the page."""
    page.goto("about:blank")
    page.goto(url, timeout=600_000)
    deadline = time.monotonic() + 600
    while not page.evaluate(f"window.{flag} !== undefined"):
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not draw")
        page.wait_for_timeout(20)
    if flag == "__overviewDrawnAt" and "error" in str(page.evaluate("window.__overviewDrawn")):
        raise SystemExit(f"overview failed: {page.evaluate('window.__overviewDrawn')}")
    return page.evaluate(f"window.{flag}") / 1000


def _fresh_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", _local_only)
    return context, page


def draw_times(base: str, peers: dict[str, str], user: tuple[str, str], repeat: int, change) -> dict[str, dict]:
    """{side: {"cold": s, "warm": [s, …]}} from navigation start to markers on screen, for ours with the
    registry unchanged since the server started, ours right after `change()`, and each peer page.

    Polled with page.evaluate: the overview's Content-Security-Policy refuses the eval() that
    page.wait_for_function uses."""
    from playwright.sync_api import sync_playwright

    times: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context, page = _fresh_page(browser)
        page.goto(base + "/signin?next=/review/")
        page.fill("input[name=name]", user[0])
        page.fill("input[name=password]", user[1])
        page.click("button[type=submit]")
        page.wait_for_url(base + "/review/")
        times["ours"] = {"cold": _drawn_at(page, base + "/", "__overviewDrawnAt"),
                         "warm": [_drawn_at(page, base + "/", "__overviewDrawnAt") for _ in range(repeat)]}
        changed = []
        for _ in range(repeat):
            change()
            changed.append(_drawn_at(page, base + "/", "__overviewDrawnAt"))
        times["ours after a change"] = {"cold": changed[0], "warm": changed}
        context.close()
        for name, url in peers.items():
            context, page = _fresh_page(browser)
            times[name] = {"cold": _drawn_at(page, url, "__drawnAt"),
                           "warm": [_drawn_at(page, url, "__drawnAt") for _ in range(repeat)]}
            context.close()
        browser.close()
    return times


def measure_draw(folder: Path, files: dict, port: int, env: dict, user, repeat: int) -> dict[str, dict]:
    """Part (a): cold and best warm draw times of every side, printed."""
    static = _Static(folder)
    pages = peer_pages(folder, files)
    touch = folder / "touch.csv"
    touch.write_text("机构号,网点名称,类型,经度,纬度\nO000000,O000000号,支局,103.5,30.5\n", encoding="utf-8")
    peers = {name: f"http://127.0.0.1:{static.server.server_port}/{path.name}" for name, path in pages.items()}
    times = draw_times(f"http://127.0.0.1:{port}", peers, user, repeat,
                       lambda: planner("import", "branches", str(touch), env=env))
    n_points = sum(1 for path in files.values() for _ in open(path, encoding="utf-8")) - len(files)
    print(f"(a) {n_points:,} points drawn (cold: fresh browser; warm: best of {repeat} again):")
    for name, found in times.items():
        found["best"] = min(found["warm"])
        print(f"    {name:<22} cold {found['cold']:.2f} s, warm {found['best']:.2f} s")
    return times


# -- (b) load ----------------------------------------------------------------------------------

def _points(n: int, seed: int):
    rng = np.random.default_rng(seed)
    return np.column_stack([WEST + 0.1 + rng.random(n) * (SPAN - 0.2), SOUTH + 0.1 + rng.random(n) * (SPAN - 0.2)])


def api_statement():
    """The statement the API's database path sends for a yiwu check, in psycopg's parameter style, and
    a function giving its parameters at a point."""
    import re

    from planner.check.site import nearest_questions
    from planner.registry.nearest import postgis_query
    from planner.rules.profiles import load_profile

    questions = nearest_questions(load_profile("yiwu"))
    text = postgis_query(0.0, 0.0, questions)[0]
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", text), lambda lon, lat: postgis_query(lon, lat, questions)[1]


def load_client(mode: str, target: str, clients: int, seconds: float) -> dict:
    """Run in the second process: `clients` threads, each in a loop for `seconds`."""
    latencies, errors = [[] for _ in range(clients)], [0] * clients
    stop = time.perf_counter() + seconds

    def api(i):
        port, token = target.split(":", 1)
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for lon, lat in _points(100_000, i):
            if time.perf_counter() > stop:
                break
            body = json.dumps({"lon": float(lon), "lat": float(lat), "profile": "yiwu"})
            start = time.perf_counter()
            try:
                conn.request("POST", "/api/check", body=body, headers=headers)
                answer = conn.getresponse()
                data = json.loads(answer.read())
                ok = answer.status == 200 and data["nearest_outlet"] is not None
            except Exception:  # every failure counts as an error
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
            latencies[i].append(time.perf_counter() - start)
            errors[i] += not ok

    def sql(i):
        import psycopg

        statement, params_at = api_statement()
        with psycopg.connect(target, autocommit=True) as conn:
            for lon, lat in _points(100_000, i):
                if time.perf_counter() > stop:
                    break
                start = time.perf_counter()
                try:
                    found = conn.execute(statement, params_at(float(lon), float(lat))).fetchall()
                    ok = any(row[0] == 0 for row in found)  # a nearest outlet, as the API client asks
                except Exception:
                    ok = False
                latencies[i].append(time.perf_counter() - start)
                errors[i] += not ok

    threads = [threading.Thread(target=api if mode == "api" else sql, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = sorted(x for chunk in latencies for x in chunk)
    return {"requests": len(flat), "errors": sum(errors), "p50_ms": 1000 * statistics.median(flat),
            "p95_ms": 1000 * flat[int(0.95 * (len(flat) - 1))], "rps": len(flat) / seconds}


def run_load(mode: str, target: str, clients: int, seconds: float) -> dict:
    done = subprocess.run([sys.executable, __file__, "--load-client", mode, "--target", target,
                           "--clients", str(clients), "--seconds", str(seconds)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"load client failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- main --------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="page loads per side; the best counts (default 2)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: planner serve's)")
    parser.add_argument("--only", choices=["draw", "load"], help="run one part only (no RESULT line)")
    parser.add_argument("--load-client", choices=["api", "sql"], help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_client:
        print(json.dumps(load_client(args.load_client, args.target, args.clients, args.seconds)))
        return
    n_points, seconds = (6_000, 5.0) if args.quick else (60_000, 30.0)
    admin = os.environ.get("PLANNER_BENCH_DATABASE_URL", ADMIN_URL)
    with tempfile.TemporaryDirectory(prefix="planner-bench-web-") as tmp:
        folder = Path(tmp)
        files = generate(folder, n_points)
        url = fresh_database(admin)
        server = None
        try:
            env = {"PLANNER_DATABASE_URL": url, "PLANNER_USER": "bench"}
            for kind, path in files.items():
                planner("import", kind, str(path), env=env)
            password = "bench password 1"  # the throwaway bench user's, in a fresh database
            token = planner("user", "add", "bench", "--role", "planner", "--password-stdin", "--token",
                            env=env, stdin=password + "\n").split("API token: ")[1].strip()
            port = free_port()
            serve_args = ["serve", "--port", str(port)] + (["--workers", str(args.workers)] if args.workers else [])
            server = subprocess.Popen([str(BIN / "planner"), *serve_args], env={**os.environ, **env},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
            wait_for(port)
            if args.only != "load":
                times = measure_draw(folder, files, port, env, ("bench", password), args.repeat)
            if args.only != "draw":
                run_load("api", f"{port}:{token}", 4, 2.0)  # warm every worker up
                api = run_load("api", f"{port}:{token}", args.clients, seconds)
                sql = run_load("sql", url, args.clients, seconds)
                for name, r in (("API /api/check", api), ("direct SQL, the API's statement", sql)):
                    print(f"(b) {name}: {r['requests']:,} requests ({r['rps']:.0f}/s), p50 {r['p50_ms']:.1f} ms, "
                          f"p95 {r['p95_ms']:.1f} ms, {r['errors']} errors")
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            drop_database(admin, url)
    if args.only:
        return
    ours, fast, slow = times["ours"], times["FastMarkerCluster"], times["MarkerCluster"]
    changed = times["ours after a change"]
    print(f"RESULT draw_speedup={fast['best'] / ours['best']:.2f} draw_speedup_cold={fast['cold'] / ours['cold']:.2f} "
          f"draw_speedup_after_change={fast['best'] / changed['best']:.2f} "
          f"draw_speedup_markercluster={slow['best'] / ours['best']:.2f} p95_ratio={api['p95_ms'] / sql['p95_ms']:.2f} "
          f"errors={api['errors'] + sql['errors']} points={n_points} ours_draw_s={ours['best']:.2f} "
          f"ours_cold_s={ours['cold']:.2f} fast_draw_s={fast['best']:.2f} fast_cold_s={fast['cold']:.2f} "
          f"markercluster_draw_s={slow['best']:.2f} api_p95_ms={api['p95_ms']:.1f} sql_p95_ms={sql['p95_ms']:.1f}")


if __name__ == "__main__":
    main()
