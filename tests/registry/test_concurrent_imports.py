"""Imports of the same kind at once: one after the other, or a clear line — never a database traceback."""

import subprocess
import threading
from contextlib import contextmanager

from sqlalchemy import text

from planner.files.imports import prepare_import
from planner.registry.import_lock import ImportBusyError
from planner.registry.tables import load_records
from tests.cli_support import PLANNER

N = 400


def _stations(path):
    lines = ["机构号,名称,状态,经度,纬度"]
    lines += [f"S{i},站{i},营业,{116.5 + i * 0.0005:.6f},{40.1 + (i % 7) * 0.001:.6f}" for i in range(N)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _counts(engine):
    with engine.connect() as conn:
        stations = conn.execute(text("SELECT count(*) FROM stations")).scalar()
        created = conn.execute(text("SELECT count(*) FROM events WHERE table_name = 'stations' "
                                    "AND action = 'create'")).scalar()
    return stations, created


def test_three_threads_import_the_same_file(engine, tmp_path):
    batches = [prepare_import(_stations(tmp_path / "stations.csv"), "stations") for _ in range(3)]
    start, outcomes = threading.Barrier(3), [None] * 3

    def run(i):
        start.wait()
        try:
            outcomes[i] = load_records(engine, batches[i], actor=f"t{i}")
        except Exception as exc:  # anything else than a summary or the clear refusal fails the test below
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    unexpected = [o for o in outcomes if not (isinstance(o, ImportBusyError) or hasattr(o, "created"))]
    assert not unexpected, unexpected
    summaries = [o for o in outcomes if hasattr(o, "created")]
    assert sorted(s.created for s in summaries)[-1] == N  # the first writes every row ...
    assert all(s.created in (0, N) and s.created + s.unchanged == N for s in summaries)  # ... the others none
    assert _counts(engine) == (N, N)


@contextmanager
def _registry_busy(engine):
    """Hold the registry's write turn as a running import does."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE")
        else:
            conn.begin()
            conn.execute(text("UPDATE locks SET taken_at = now() WHERE name = 'sites'"))
        try:
            yield
        finally:
            if engine.dialect.name == "sqlite":
                conn.connection.driver_connection.execute("ROLLBACK")
            else:
                conn.rollback()


def test_a_busy_registry_gives_one_clear_line_and_exit_2(engine, database_url, tmp_path):
    path = _stations(tmp_path / "stations.csv")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_IMPORT_WAIT_S": "1"}

    def cli(lang):
        return subprocess.run([PLANNER, "import", "stations", str(path), "--db", database_url], cwd=tmp_path,
                              env=dict(env, PLANNER_LANG=lang), capture_output=True, text=True, timeout=120)

    with _registry_busy(engine):
        en, zh = cli("en"), cli("zh")
    assert (en.returncode, zh.returncode) == (2, 2), en.stderr
    assert en.stderr == ("planner: another import of stations is running (or the registry is busy with another "
                         "change); try again\n")
    assert zh.stderr == "planner: 另一个便民服务站导入正在进行（或登记库正忙于其他修改）；请稍后重试\n"
    assert _counts(engine) == (0, 0)
    assert cli("en").returncode == 0 and _counts(engine) == (N, N)  # free again: the import goes through
