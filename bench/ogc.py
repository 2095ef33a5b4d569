"""A province's stations read by a GIS client: GDAL's OAPIF driver through /ogc/ against the same features from
/api/layers.

    .venv/bin/python bench/ogc.py            # 60,000 stations
    .venv/bin/python bench/ogc.py --quick    # 6,000 stations

One generated registry (stations spread over about 200 km × 200 km of Sichuan), imported with `planner import`
into a fresh PostGIS database (127.0.0.1:5432, or $PLANNER_BENCH_DATABASE_URL) and served by `planner serve`
(gunicorn) on a free local port. Both sides are read by GDAL through pyogrio in a client process of their own,
with the bench user's bearer token (GDAL_HTTP_AUTH=BEARER) and gzip, in pages of 10,000 features:
- ours: the OGC API – Features collection, `OAPIF:…/ogc/collections/stations` with PAGE_SIZE=10000 (GDAL reads
  the collection, then follows the items' `next` links);
- peer: /api/layers/stations?limit=10000&offset=… page by page (as far as its numberMatched) through GDAL's
  GeoJSON driver, concatenated.
Each side is read `--repeat` times (default 3), alternating; the first read of each is its cold time (the server
has not answered that question since it started), the best its warm time.

A third read measures the client alone: /api/layers' own pages (its bytes, with an OGC `next` link added) served
from memory by a minimal static OGC API in a process of its own (`floor`), read by the same OAPIF driver. No
server can be faster than answering instantly with the peer's own bytes, so `floor_ratio` (floor / peer) is the
least ratio any OGC API server could show here; `over_floor` (ours / floor) is what our answers (the server's
time and the properties /api/layers leaves out: id, opened_on, updated_at) add to it.

Both sides must return every station exactly once, with the same codes, names, statuses and positions (to
1e-7°): the exit code is 1 otherwise. Ends with `RESULT ratio=…` (ours / peer, best warm times; the target is
≤ 1.5) beside the cold ratio and the times.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web as web_bench  # bench/web.py: database, planner commands, server helpers

PAGE = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
WEST, SOUTH, SPAN = 103.0, 29.5, 2.0


def generate(path: Path, n: int, seed: int = 11) -> Path:
    rng = np.random.default_rng(seed)
    lon, lat = WEST + rng.random(n) * SPAN, SOUTH + rng.random(n) * SPAN
    status = rng.choice(["营业", "待退出", "已关闭"], size=n, p=[0.9, 0.07, 0.03])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["机构号", "名称", "状态", "经度", "纬度"])
        for i in range(n):
            writer.writerow([f"S{i:06d}", f"服务站{i:06d}号", status[i], f"{lon[i]:.6f}", f"{lat[i]:.6f}"])
    return path


def read_side(side: str, port: int, token: str, n: int, out: str) -> dict:
    """In a client process: read every station one way, time it, keep what was read for the comparison."""
    import pandas as pd
    import pyogrio

    pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token,
                                     "GDAL_HTTP_TIMEOUT": "300"})
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    if side in ("ours", "floor"):
        prefix = "/ogc" if side == "ours" else ""
        frame = pyogrio.read_dataframe(f"OAPIF:{base}{prefix}/collections/stations", PAGE_SIZE=PAGE)
        requests = -(-n // PAGE)
    else:
        pages = [pyogrio.read_dataframe(f"/vsicurl_streaming/{base}/api/layers/stations?limit={PAGE}&offset={offset}")
                 for offset in range(0, n, PAGE)]  # as far as the first page's numberMatched says
        frame = pd.concat(pages, ignore_index=True)
        requests = len(pages)
    seconds = time.perf_counter() - started
    frame = frame.sort_values("code")
    np.savez(out, code=frame["code"].to_numpy(dtype=str), name=frame["name"].to_numpy(dtype=str),
             status=frame["status"].to_numpy(dtype=str), x=frame.geometry.x.to_numpy(), y=frame.geometry.y.to_numpy())
    return {"seconds": seconds, "features": len(frame), "requests": requests}


def keep_peer_pages(port: int, token: str, n: int, folder: Path) -> Path:
    """/api/layers' pages as served (gzip undone), each with an OGC `next` link to the following page: what the
    floor server answers with."""
    import urllib.request

    pages = folder / "floor"
    pages.mkdir()
    for page, offset in enumerate(range(0, n, PAGE)):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/layers/stations?limit={PAGE}&offset={offset}",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310 (our own server's http URL)
            document = json.loads(answer.read())
        if offset + PAGE < n:
            document["links"] = [{"href": f"BASE/collections/stations/items?offset={offset + PAGE}&limit={PAGE}",
                                  "rel": "next", "type": "application/geo+json"}]
        (pages / f"{page}.json").write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return pages


def serve_floor(pages: Path) -> None:
    """In a process of its own: a minimal OGC API over the kept pages, each answered from memory."""
    import http.server
    import urllib.parse

    kept = [path.read_text() for path in sorted(pages.glob("*.json"), key=lambda path: int(path.stem))]

    class Floor(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK stall per answer)

        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            query = urllib.parse.parse_qs(url.query)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if url.path == "/collections/stations/items":
                limit, offset = int(query.get("limit", ["10"])[0]), int(query.get("offset", ["0"])[0])
                text, kind = kept[offset // PAGE].replace("BASE", base), "application/geo+json"
                if limit < PAGE:  # GDAL's first look at a few features
                    document = json.loads(text)
                    document["features"] = document["features"][:limit]
                    text = json.dumps(document, ensure_ascii=False)
            elif url.path == "/collections/stations":
                text, kind = json.dumps({"id": "stations", "itemType": "feature", "crs": [CRS84], "links": [
                    {"href": f"{base}/collections/stations/items", "rel": "items", "type": "application/geo+json"}]}
                ), "application/json"
            else:
                self.send_error(404)
                return
            body = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Floor)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _client(side: str, port: int, token: str, n: int, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--client", side, "--port", str(port), "--token", token,
                           "--n", str(n), "--out", str(out)], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the {side} client failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _agree(ours: Path, peer: Path, n: int) -> list[str]:
    a, b = np.load(ours), np.load(peer)
    problems = []
    for side, data in (("ours", a), ("peer", b)):
        if len(data["code"]) != n or len(set(data["code"])) != n:
            problems.append(f"{side}: {len(data['code'])} features, {len(set(data['code']))} codes, want {n}")
    if problems:
        return problems
    for name in ("code", "name", "status"):
        if not np.array_equal(a[name], b[name]):
            problems.append(f"{name} differs")
    for name in ("x", "y"):
        if np.abs(a[name] - b[name]).max() > 1e-7:
            problems.append(f"positions differ ({name}: {np.abs(a[name] - b[name]).max():.2e}°)")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="reads per side; the best counts (default 3)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: planner serve's)")
    parser.add_argument("--client", choices=["ours", "peer", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        serve_floor(Path(args.floor))
        return 0
    if args.client:
        print(json.dumps(read_side(args.client, args.port, args.token, args.n, args.out)))
        return 0
    n = 6_000 if args.quick else 60_000
    admin = os.environ.get("PLANNER_BENCH_DATABASE_URL", web_bench.ADMIN_URL)
    times: dict[str, list[float]] = {"ours": [], "peer": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="planner-bench-ogc-") as tmp:
        folder = Path(tmp)
        stations = generate(folder / "stations.csv", n)
        url = web_bench.fresh_database(admin)
        server = floor = None
        try:
            env = {"PLANNER_DATABASE_URL": url, "PLANNER_USER": "bench"}
            web_bench.planner("import", "stations", str(stations), env=env)
            token = web_bench.planner("user", "add", "bench", "--role", "planner", "--password-stdin", "--token",
                                      env=env, stdin="bench password 1\n").split("API token: ")[1].strip()
            port = web_bench.free_port()
            serve = ["serve", "--port", str(port)] + (["--workers", str(args.workers)] if args.workers else [])
            server = subprocess.Popen([str(web_bench.BIN / "planner"), *serve], env={**os.environ, **env},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
            web_bench.wait_for(port)
            pages = keep_peer_pages(port, token, n, folder)
            floor = subprocess.Popen([sys.executable, __file__, "--floor", str(pages)], stdout=subprocess.PIPE,
                                     text=True)
            ports = {"ours": port, "peer": port, "floor": int(floor.stdout.readline())}
            for _ in range(args.repeat):
                for side in ("ours", "peer", "floor"):
                    read = _client(side, ports[side], token, n, folder / f"{side}.npz")
                    times[side].append(read["seconds"])
                    print(f"{side}: {read['features']:,} features in {read['requests']} pages, "
                          f"{read['seconds']:.2f} s", flush=True)
            problems = _agree(folder / "ours.npz", folder / "peer.npz", n) + [
                f"floor: {problem}" for problem in _agree(folder / "floor.npz", folder / "peer.npz", n)]
        finally:
            if floor is not None:
                floor.terminate()
                floor.wait(timeout=30)
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            web_bench.drop_database(admin, url)
    for problem in problems:
        print("DISAGREE", problem)
    ours, peer, least = min(times["ours"]), min(times["peer"]), min(times["floor"])
    print(f"RESULT ratio={ours / peer:.2f} ratio_cold={times['ours'][0] / times['peer'][0]:.2f} "
          f"floor_ratio={least / peer:.2f} over_floor={ours / least:.2f} floor_s={least:.2f} "
          f"stations={n} ours_s={ours:.2f} peer_s={peer:.2f} ours_cold_s={times['ours'][0]:.2f} "
          f"peer_cold_s={times['peer'][0]:.2f} agree={not problems}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
