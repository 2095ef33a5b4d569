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
