import datetime as dt

from planner.rules.workdays import add_workdays, is_workday, workdays_between

D = dt.date


def test_national_day_holiday_and_make_up_saturday_2026():
    assert is_workday(D(2026, 10, 1)) == (False, True)  # 国庆节
    assert is_workday(D(2026, 10, 10)) == (True, True)  # a Saturday worked in exchange
    # Reported on the last working day before the holiday: three working days are 8, 9 and 10 October.
    assert add_workdays(D(2026, 9, 30), 3) == (D(2026, 10, 10), True)


def test_ordinary_week_and_weekend():
    assert add_workdays(D(2026, 11, 20), 3) == (D(2026, 11, 25), True)  # Fri → Wed
    assert workdays_between(D(2026, 11, 20), D(2026, 11, 23)) == 1
    assert workdays_between(D(2026, 11, 23), D(2026, 11, 20)) == -1


def test_years_without_official_data_fall_back_to_weekdays_and_say_so():
    assert add_workdays(D(2030, 1, 4), 1) == (D(2030, 1, 7), False)


def test_working_days_between_far_apart_days_are_counted_at_once():
    """A date typed a century off (an import's 2206 for 2026, ?today=2100-01-01) must not take the queue
    seconds per task: beyond the official calendar, whole weeks are counted, not walked day by day."""
    import time

    from planner.rules.workdays import is_workday, workdays_between

    def walked(start, end):
        return sum(is_workday(start + dt.timedelta(days=k))[0] for k in range(1, (end - start).days + 1))

    for start, end in ((dt.date(2025, 12, 20), dt.date(2031, 3, 4)), (dt.date(2001, 2, 3), dt.date(2005, 1, 9)),
                       (dt.date(2026, 11, 30), dt.date(2027, 1, 1)), (dt.date(2030, 1, 1), dt.date(2030, 1, 6))):
        assert workdays_between(start, end) == walked(start, end)
        assert workdays_between(end, start) == -walked(start, end)
    began = time.perf_counter()
    assert workdays_between(dt.date(2026, 11, 30), dt.date(9999, 12, 31)) > 1_800_000
    assert workdays_between(dt.date(1, 1, 1), dt.date(2026, 11, 30)) > 500_000
    # ?today=0001-01-01 on a queue whose tasks fall due on many days: each spans the whole official calendar.
    assert all(workdays_between(dt.date(1, 1, 1), dt.date(2026, 1, 1) + dt.timedelta(days=k)) > 500_000
               for k in range(300))
    assert time.perf_counter() - began < 1.0
