"""The command line's summaries in the chosen language: Chinese by default (PLANNER_LANG unset), English with
PLANNER_LANG=en, and --lang on the command line wins; profiles by their display names beside their ids."""

import re
import subprocess

from tests.check_support import row, write_list
from tests.cli_support import PLANNER
from tests.conftest import prepared_database
from tests.geometry_files import GOOD
from tests.monthly_support import load_monthly_registry

ENGLISH = re.compile(r"\b(?:rows|pass|fail|error|areas|people|covered|ranked|stations|judged|exit|keep|profile)\b")


def _run(tmp_path, *args, lang=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_USER": "cli-test"}
    if lang:
        env["PLANNER_LANG"] = lang
    done = subprocess.run([PLANNER, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_summaries_in_chinese_by_default_english_on_request(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_monthly_registry(engine, tmp_path))
    applicants = write_list(tmp_path / "申请.xlsx", [row("p", GOOD), row("q", ("x", 1))])

    check = _run(tmp_path, "check", str(applicants), "--db", url)
    assert "共 2 行，通过 1 行，不通过 0 行，数据有误 1 行（布点规则：义乌市规则（yiwu））" in check
    assert not ENGLISH.search(check.replace(str(tmp_path), ""))
    assert "2 rows, 1 pass, 0 fail, 1 error (profile Yiwu rules (yiwu))" in _run(
        tmp_path, "check", str(applicants), "--db", url, lang="en")
    # --lang given on the command line decides the summary too, whatever PLANNER_LANG says.
    assert "通过 1 行" in _run(tmp_path, "check", str(applicants), "--lang", "zh", "--db", url, lang="en")

    coverage = _run(tmp_path, "coverage", "-o", "c.xlsx", "--db", url)
    assert re.search(r"c\.xlsx：\d+ 个村/社区，[\d,]+ 人中 [\d.]+% 已覆盖，无服务的村/社区 \d+ 个，"
                     r"覆盖空白区 \d+ 处", coverage)
    assert not ENGLISH.search(coverage)

    rank = _run(tmp_path, "rank", "-o", "r.xlsx", "--db", url)
    assert re.search(r"r\.xlsx：\d+ 户中 \d+ 户入选排序", rank) and not ENGLISH.search(rank)

    exits = _run(tmp_path, "exits", "--month", "2026-09", "--db", url)
    last = exits.strip().splitlines()[-1]
    assert re.match(r"2026-09：评估服务站 \d+ 个：列入退出 \d+ 个（提议 \d+ 个），保留 \d+ 个", last), last
    assert not ENGLISH.search(last)

    monthly = _run(tmp_path, "report", "monthly", "--month", "2026-09", "-o", "m.xlsx", "--db", url)
    assert "m.xlsx：2026-09，服务站" in monthly and "报送截止 2026-10-08" in monthly
    assert not ENGLISH.search(monthly) and "UTC" not in monthly


def test_rank_exact_says_how_close_to_the_best_it_proved(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_monthly_registry(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_USER": "cli-test"}
    done = subprocess.run([PLANNER, "rank", "-n", "2", "--exact", "--gap", "0.5", "-o", "r.csv", "--db", url],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said = re.search(r"精确求解：所选组合与最优解的差距已证明不超过 ([\d.]+)%", done.stderr)
    assert said and float(said.group(1)) <= 0.5
    english = subprocess.run([PLANNER, "rank", "-n", "2", "--exact", "--db", url], cwd=tmp_path,
                             env={**env, "PLANNER_LANG": "en"}, capture_output=True, text=True, timeout=300)
    assert "exact: the chosen set is proved within 0.00% of the best" in english.stderr
    alone = subprocess.run([PLANNER, "rank", "-n", "2", "--gap", "1", "--db", url], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert alone.returncode == 2 and "--gap 需与 --exact 一起使用" in alone.stderr
    not_a_number = subprocess.run([PLANNER, "rank", "-n", "2", "--exact", "--gap", "nan", "--db", url], cwd=tmp_path,
                                  env=env, capture_output=True, text=True, timeout=300)
    assert not_a_number.returncode == 2 and "'nan' is not a number / 不是数字" in not_a_number.stderr
    no_cell = subprocess.run([PLANNER, "coverage", "--cell", "nan", "--db", url], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
    assert no_cell.returncode == 2 and "--cell" in no_cell.stderr and "Traceback" not in no_cell.stderr
