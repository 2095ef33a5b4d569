"""The review queue: oldest first, survey deadlines in Chinese working days, overdue rows marked."""

import re

from tests.file_support import load_file, write_xlsx


def _load_queue(engine, tmp_path):
    path = write_xlsx(tmp_path / "cand.xlsx", ["序号", "店名", "状态", "报送日期", "经度", "纬度"], [
        ["C3", "晚报店", "待勘察", "2026-11-20", 116.62, 40.11],
        ["C1", "早报店", "待勘察", "2026-09-30", 116.61, 40.11],
        ["C2", "已勘察店", "已勘察", "2026-11-02", 116.63, 40.11],
        ["C4", "已批准店", "已批准", "2026-11-01", 116.64, 40.11],
    ])
    load_file(engine, path, "candidates")


def test_queue_order_deadlines_and_overdue(client, engine, tmp_path):
    _load_queue(engine, tmp_path)
    html = client.get("/review/?today=2026-10-12").get_data(as_text=True)
    rows = re.findall(r'<tr class="(\w*)" data-code="(\w+)">', html)
    assert [code for _, code in rows] == ["C1", "C2", "C3"]  # approved ones are not waiting
    assert {code: cls for cls, code in rows}["C1"] == "overdue"  # due 10 Oct (make-up Saturday)
    assert "2026年10月10日" in html
    later = client.get("/review/?today=2026-11-23&lang=en").get_data(as_text=True)
    assert "25 Nov 2026" in later and ">2 overdue<" not in later
    assert re.search(r'id="overdue-count"[^>]*>1 overdue<', later)


def test_bad_date_is_a_400(client):
    assert client.get("/review/?today=yesterday").status_code == 400
