"""Web checks: bounded uploads and pool, a time limit, owners, restarts, retention, ID numbers, file names."""

import io
import json
import os
import subprocess
import time

import pandas as pd

from planner.check.jobs import process_started, safe_filename
from planner.web import create_app
from planner.web.check import check_settings
from tests.check_support import row, write_list
from tests.hostile_files import declared_bomb
from tests.web.conftest import csrf, sign_in, wait_for_check

GOOD = (116.628, 40.1035)
DAY = 86400


def _upload(client, data: bytes, name: str, **form):
    fields = {"csrf_token": csrf(client), "profile": "yiwu", "file": (io.BytesIO(data), name), **form}
    return client.post("/check/", data=fields)


def _list(tmp_path, name="list.csv") -> bytes:
    return write_list(tmp_path / name, [row("p", GOOD), row("q", ("x", 40.1))]).read_bytes()


def _jobs(app):
    return app.instance_path + "/checks"


def _folders(app) -> list[str]:
    root = _jobs(app)
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def test_uploads_larger_than_the_setting_get_413(app, client, monkeypatch):
    monkeypatch.setenv("PLANNER_MAX_UPLOAD_MB", "3")
    assert check_settings()["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = _upload(client, b"x" * (1024 * 1024 + 10), "big.csv")
    assert response.status_code == 413 and "上传内容超过 1 MB 的上限" in response.get_data(as_text=True)
    assert _folders(app) == []


def test_a_zip_bomb_fails_its_job_with_one_line(app, client, tmp_path):
    response = _upload(client, declared_bomb(tmp_path / "bomb.xlsx").read_bytes(), "bomb.xlsx", lang="en")
    status = wait_for_check(client, response.headers["Location"])
    assert status["state"] == "failed"
    assert status["message"].startswith("bomb.xlsx: unpacks to 1,049 MB") and "zip bomb" in status["message"]
    assert "\n" not in status["message"] and "/" not in status["message"].split(":")[0]
    assert app.instance_path not in status["message"] and "Traceback" not in status["message"]


def test_file_names_are_reduced_to_a_safe_short_form(app, client, tmp_path):
    data = _list(tmp_path)
    response = _upload(client, data, "申" * 300 + ".csv")
    assert response.status_code == 302
    status = wait_for_check(client, response.headers["Location"])
    assert status["state"] == "done"
    download = client.get(response.headers["Location"] + "/download")
    assert download.status_code == 200 and ".checked.csv" in download.headers["Content-Disposition"]
    job = json.load(open(f"{_jobs(app)}/{_folders(app)[0]}/job.json", encoding="utf-8"))
    assert job["filename"] == "申" * 40 + ".csv"  # 120 bytes of UTF-8
    for name, safe in (("../../etc/x.csv", "x.csv"), ("a\x1bb\u202e\x7f.csv", "ab.csv"), ("..csv", None),
                       ("a" * 300 + ".exe", None)):
        before = _folders(app)
        response = _upload(client, data, name, lang="en")
        if safe is None:
            assert response.status_code == 400 and _folders(app) == before  # refused, nothing left behind
            continue
        assert response.status_code == 302
        token = response.headers["Location"].rsplit("/", 1)[1]
        job = json.load(open(f"{_jobs(app)}/{token}/job.json", encoding="utf-8"))
        assert job["filename"] == safe
        wait_for_check(client, response.headers["Location"])


def test_safe_filename():
    assert safe_filename("C:\\Users\\me\\名单.XLSX") == "名单.XLSX"
    assert safe_filename(" .hidden.csv ") == "hidden.csv" and safe_filename("") == "upload"
    assert safe_filename("a\x00b\r\n\t\u202e\u2028.csv") == "ab.csv"
    assert safe_filename("x" * 300 + ".geojson") == "x" * 120 + ".geojson"


def test_raw_uploads_with_id_numbers_are_deleted_when_the_check_ends(app, client, tmp_path):
    response = _upload(client, _list(tmp_path), "list.csv")
    location = response.headers["Location"]
    assert wait_for_check(client, location)["state"] == "done"
    folder = f"{_jobs(app)}/{location.rsplit('/', 1)[1]}"
    assert sorted(os.listdir(folder)) == ["job.json", "list.checked.csv", "rows.geojson"]
    result = pd.read_csv(io.BytesIO(client.get(location + "/download").data), dtype=str)
    assert result["身份证号"].tolist() == ["110113********1234"] * 2


def test_only_the_owner_and_admins_see_a_job(app, client, tmp_path):
    location = _upload(client, _list(tmp_path), "list.csv").headers["Location"]
    wait_for_check(client, location)
    other, admin = sign_in(app.test_client(), "alice"), sign_in(app.test_client(), "ada")
    for suffix in ("", "/status", "/rows.geojson", "/download"):
        assert other.get(location + suffix).status_code == 404
        assert admin.get(location + suffix).status_code == 200
        assert client.get(location + suffix).status_code == 200


def test_the_pool_refuses_beyond_its_queue_with_503(app, client, tmp_path):
    app.config.update(CHECK_WORKERS=1, CHECK_QUEUE=1)
    data = _list(tmp_path)
    first, second = _upload(client, data, "a.csv"), _upload(client, data, "b.csv")
    third = _upload(client, data, "c.csv")
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 503)
    assert "排队的检查任务过多" in third.get_data(as_text=True)
    assert len(_folders(app)) == 2  # the refused upload was not saved
    assert wait_for_check(client, first.headers["Location"])["state"] == "done"
    assert wait_for_check(client, second.headers["Location"])["state"] == "done"
    assert _upload(client, data, "d.csv").status_code == 302  # slots are given back


def test_a_check_over_its_time_limit_is_stopped(app, client, tmp_path):
    app.config["CHECK_TIMEOUT_S"] = 0.3  # less than a worker process needs to start
    response = _upload(client, _list(tmp_path), "list.csv", lang="en")
    status = wait_for_check(client, response.headers["Location"])
    assert status["state"] == "failed" and status["message"].startswith("the check took longer than 0.3 s")
    folder = f"{_jobs(app)}/{response.headers['Location'].rsplit('/', 1)[1]}"
    assert os.listdir(folder) == ["job.json"]  # the killed worker's upload is deleted too


def _job_folder(app, token, **fields):
    job = {"token": token, "filename": "l.csv", "profile": "yiwu", "crs": None, "lang": "en", "user": "paula",
           "created_at": time.time(), "state": "running", **fields}
    os.makedirs(f"{_jobs(app)}/{token}", exist_ok=True)
    with open(f"{_jobs(app)}/{token}/job.json", "w", encoding="utf-8") as handle:
        json.dump(job, handle)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_jobs_whose_web_process_is_gone_are_failed(app, client, loaded):
    dead, alive = "a" * 32, "b" * 32
    _job_folder(app, dead, owner_pid=_dead_pid())
    _job_folder(app, alive, owner_pid=os.getpid(), owner_started=process_started(os.getpid()))
    create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True}, instance_path=app.instance_path)
    assert json.load(open(f"{_jobs(app)}/{dead}/job.json"))["state"] == "failed"  # at start-up
    assert client.get(f"/check/{alive}/status").get_json()["state"] == "running"
    _job_folder(app, "c" * 32, owner_pid=_dead_pid(), state="queued")  # its worker died later
    status = client.get(f"/check/{'c' * 32}/status").get_json()
    assert status["state"] == "failed" and status["message"].startswith("the server restarted during this check")


def test_uploads_are_deleted_after_the_retention_period(app, monkeypatch):
    old, recent, leftover, running = "d" * 32, "e" * 32, "f" * 32, "0" * 32
    _job_folder(app, old, created_at=time.time() - 31 * DAY, state="done")
    _job_folder(app, recent, created_at=time.time() - 29 * DAY, state="done")
    _job_folder(app, running, created_at=time.time() - 31 * DAY, owner_pid=os.getpid(),
                owner_started=process_started(os.getpid()))
    os.makedirs(f"{_jobs(app)}/{leftover}")
    os.utime(f"{_jobs(app)}/{leftover}", (time.time() - 7200, time.time() - 7200))
    create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True}, instance_path=app.instance_path)
    assert _folders(app) == [running, recent]  # a check still running keeps its folder
    monkeypatch.setenv("PLANNER_UPLOAD_RETENTION_DAYS", "7")
    create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True}, instance_path=app.instance_path)
    assert _folders(app) == [running]


def test_an_upload_named_like_the_jobs_own_files_keeps_its_result_map(app, client):
    features = [{"type": "Feature", "properties": {"编号": "p", "名称": "商店"},
                 "geometry": {"type": "Point", "coordinates": list(GOOD)}}]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    location = _upload(client, data, "rows.geojson").headers["Location"]
    assert wait_for_check(client, location)["state"] == "done"
    rows = client.get(location + "/rows.geojson")
    assert rows.status_code == 200 and [f["properties"]["id"] for f in rows.get_json()["features"]] == ["p"]
    download = client.get(location + "/download")
    assert download.status_code == 200 and "upload-rows.checked.geojson" in download.headers["Content-Disposition"]


def _raw_upload(app, token):
    with open(f"{_jobs(app)}/{token}/l.csv", "w", encoding="utf-8") as handle:
        handle.write("身份证号\n110113199001011234\n")


def test_a_job_cut_off_by_a_restart_loses_its_raw_upload_at_once(app, client, loaded):
    cut, later = "9" * 32, "8" * 32
    _job_folder(app, cut, owner_pid=_dead_pid(), state="queued")
    _raw_upload(app, cut)
    create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True}, instance_path=app.instance_path)
    assert os.listdir(f"{_jobs(app)}/{cut}") == ["job.json"]  # at start-up, not after the retention period
    _job_folder(app, later, owner_pid=_dead_pid())  # its web process died after start-up
    _raw_upload(app, later)
    assert client.get(f"/check/{later}/status").get_json()["state"] == "failed"
    assert os.listdir(f"{_jobs(app)}/{later}") == ["job.json"]
