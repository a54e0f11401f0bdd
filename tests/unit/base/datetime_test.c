/* datetime_test.c — unit tests for base/datetime: the calendar against a naive day-by-day
 * walk, parsing (forms, offsets, fractions, error positions), formatting styles, month
 * arithmetic, truncation, intervals and the clocks. */
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "test_util.h"

static int64_t ts_of(int32_t year, int32_t month, int32_t day, int32_t hour, int32_t minute,
                     int32_t second, int32_t micros)
{
    DatetimeFields f = {year, month, day, hour, minute, second, micros};
    int64_t ts = 0;
    Err err;
    assert_ok(datetime_from_fields(&f, &ts, &err), &err);
    return ts;
}

static int64_t parse_ok(const char *text)
{
    int64_t ts = 0;
    Err err;
    err_init(&err);
    ErrCode rc = datetime_parse(text, strlen(text), &ts, NULL, &err);
    if (rc != ERR_OK)
        fail_msg("parsing \"%s\" failed: %s", text, err.msg);
    return ts;
}

/* Parse must fail with a message containing `fragment`. */
static void parse_fails(const char *text, const char *fragment)
{
    int64_t ts = 12345;
    Err err;
    err_init(&err);
    ErrCode rc = datetime_parse(text, strlen(text), &ts, NULL, &err);
    if (rc != ERR_INVALID)
        fail_msg("parsing \"%s\" should fail", text);
    if (!strstr(err.msg, fragment))
        fail_msg("message for \"%s\" is \"%s\", expected to contain \"%s\"", text, err.msg,
                 fragment);
    assert_int_equal(ts, 12345);
}

static void datetime_known_days(void **state)
{
    (void)state;
    assert_int_equal(datetime_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(datetime_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(datetime_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(datetime_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(datetime_days_from_civil(9999, 12, 31), 2932896);
    assert_int_equal(datetime_days_from_civil(2100, 3, 1) - datetime_days_from_civil(2100, 2, 28),
                     1);
    assert_int_equal(datetime_days_from_civil(2000, 3, 1) - datetime_days_from_civil(2000, 2, 28),
                     2);
    assert_int_equal(datetime_days_from_civil(1900, 3, 1) - datetime_days_from_civil(1900, 2, 28),
                     1);
    assert_true(datetime_is_leap_year(2000));
    assert_true(datetime_is_leap_year(2024));
    assert_true(datetime_is_leap_year(0));
    assert_true(datetime_is_leap_year(-4));
    assert_false(datetime_is_leap_year(1900));
    assert_false(datetime_is_leap_year(2100));
    assert_false(datetime_is_leap_year(2023));
}

/* Walk day by day with a naive calendar from 1000 BC (year -999) to AD 12000 and check
 * both conversions at every step. */
static void datetime_civil_round_trips_over_a_wide_range(void **state)
{
    (void)state;
    int32_t year = -999, month = 1, day = 1;
    int64_t days = datetime_days_from_civil(year, month, day);
    int32_t dow = datetime_iso_day_of_week(days);
    while (year < 12000) {
        int32_t y, m, d;
        datetime_civil_from_days(days, &y, &m, &d);
        if (y != year || m != month || d != day)
            fail_msg("day %lld: got %d-%d-%d, expected %d-%d-%d", (long long)days, y, m, d, year,
                     month, day);
        if (datetime_days_from_civil(year, month, day) != days)
            fail_msg("%d-%d-%d: days_from_civil disagrees", year, month, day);
        assert_int_equal(datetime_iso_day_of_week(days), dow);
        days++;
        dow = dow % 7 + 1;
        day++;
        bool is_leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = lengths[month - 1] + (month == 2 && is_leap);
        if (day > len) {
            day = 1;
            if (++month > 12) {
                month = 1;
                year++;
            }
        }
    }
}

static void datetime_day_of_week_and_year(void **state)
{
    (void)state;
    assert_int_equal(datetime_iso_day_of_week(0), 4);                                    /* Thu */
    assert_int_equal(datetime_iso_day_of_week(datetime_days_from_civil(2024, 3, 1)), 5); /* Fri */
    assert_int_equal(datetime_iso_day_of_week(datetime_days_from_civil(1, 1, 1)), 1);    /* Mon */
    assert_int_equal(datetime_iso_day_of_week(datetime_days_from_civil(1969, 12, 28)), 7);
    assert_int_equal(datetime_day_of_year(datetime_days_from_civil(2024, 12, 31)), 366);
    assert_int_equal(datetime_day_of_year(datetime_days_from_civil(2023, 12, 31)), 365);
    assert_int_equal(datetime_day_of_year(datetime_days_from_civil(1960, 1, 1)), 1);
}

static void datetime_fields_round_trip_before_and_after_epoch(void **state)
{
    (void)state;
    DatetimeFields f;
    datetime_to_fields(-1, &f);
    assert_int_equal(f.year, 1969);
    assert_int_equal(f.month, 12);
    assert_int_equal(f.day, 31);
    assert_int_equal(f.hour, 23);
    assert_int_equal(f.minute, 59);
    assert_int_equal(f.second, 59);
    assert_int_equal(f.micros, 999999);
    int64_t samples[] = {0,
                         -1,
                         1,
                         INT64_C(1709296496123456),
                         INT64_C(-62135596800000000),
                         INT64_C(253402300799999999),
                         INT64_C(-2208988800000001)};
    for (size_t i = 0; i < TN_ARRAY_LEN(samples); i++) {
        datetime_to_fields(samples[i], &f);
        int64_t back = 0;
        Err err;
        assert_ok(datetime_from_fields(&f, &back, &err), &err);
        assert_int_equal(back, samples[i]);
    }
}

static void datetime_from_fields_rejects_out_of_range(void **state)
{
    (void)state;
    DatetimeFields f = {2023, 2, 29, 0, 0, 0, 0};
    int64_t ts = 7;
    Err err;
    assert_int_equal(datetime_from_fields(&f, &ts, &err), ERR_INVALID);
    assert_string_equal(err.msg, "day 29 is out of range for 2023-02");
    f = (DatetimeFields){2023, 13, 1, 0, 0, 0, 0};
    assert_int_equal(datetime_from_fields(&f, &ts, &err), ERR_INVALID);
    assert_string_equal(err.msg, "month 13 is out of range");
    f = (DatetimeFields){2023, 1, 1, 0, 0, 60, 0};
    assert_int_equal(datetime_from_fields(&f, &ts, &err), ERR_INVALID);
    assert_int_equal(ts, 7);
}

static void datetime_parse_accepts_rfc3339_forms(void **state)
{
    (void)state;
    int64_t want = ts_of(2024, 3, 1, 12, 34, 56, 123456);
    assert_int_equal(parse_ok("2024-03-01T12:34:56.123456Z"), want);
    assert_int_equal(parse_ok("2024-03-01t12:34:56.123456z"), want);
    assert_int_equal(parse_ok("2024-03-01 12:34:56.123456"), want);
    assert_int_equal(parse_ok("2024-03-01T12:34:56,123456Z"), want);
    assert_int_equal(parse_ok("2024-03-01"), ts_of(2024, 3, 1, 0, 0, 0, 0));
    assert_int_equal(parse_ok("2024-03-01T12:34"), ts_of(2024, 3, 1, 12, 34, 0, 0));
    assert_int_equal(parse_ok("2024-03-01T12:34Z"), ts_of(2024, 3, 1, 12, 34, 0, 0));
    assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), INT64_C(-62135596800000000));
    assert_int_equal(parse_ok("9999-12-31T23:59:59.999999Z"), INT64_C(253402300799999999));
    assert_int_equal(parse_ok("1969-12-31T23:59:59.999999Z"), -1);
    assert_int_equal(parse_ok("2000-02-29"), ts_of(2000, 2, 29, 0, 0, 0, 0));
    int64_t ts = 0;
    bool is_zoned = true;
    Err err;
    assert_ok(datetime_parse("2024-03-01 10:00", 16, &ts, &is_zoned, &err), &err);
    assert_false(is_zoned);
    assert_ok(datetime_parse("2024-03-01 10:00Z", 17, &ts, &is_zoned, &err), &err);
    assert_true(is_zoned);
    /* Only `len` bytes are read. */
    assert_ok(datetime_parse("2024-03-01T10:00:00Zgarbage", 20, &ts, NULL, &err), &err);
    assert_int_equal(ts, ts_of(2024, 3, 1, 10, 0, 0, 0));
}

static void datetime_parse_applies_offsets(void **state)
{
    (void)state;
    int64_t utc = ts_of(2024, 3, 1, 10, 34, 56, 0);
    assert_int_equal(parse_ok("2024-03-01T12:34:56+02:00"), utc);
    assert_int_equal(parse_ok("2024-03-01T12:34:56+0200"), utc);
    assert_int_equal(parse_ok("2024-03-01T12:34:56+02"), utc);
    assert_int_equal(parse_ok("2024-03-01T05:04:56-05:30"), utc);
    assert_int_equal(parse_ok("2024-03-01T10:34:56+00:00"), utc);
    assert_int_equal(parse_ok("2024-03-01T10:34:56-00:00"), utc);
    /* An offset that crosses midnight and a month end. */
    assert_int_equal(parse_ok("2024-03-01T01:00:00+02:00"), ts_of(2024, 2, 29, 23, 0, 0, 0));
    assert_int_equal(parse_ok("2023-12-31T22:00:00-03:00"), ts_of(2024, 1, 1, 1, 0, 0, 0));
}

static void datetime_parse_truncates_fractions_to_micros(void **state)
{
    (void)state;
    int64_t base = ts_of(2024, 1, 15, 10, 30, 0, 0);
    static const struct {
        const char *text;
        int32_t micros;
    } cases[] = {
            {"2024-01-15T10:30:00Z", 0},
            {"2024-01-15T10:30:00.1Z", 100000},
            {"2024-01-15T10:30:00.12Z", 120000},
            {"2024-01-15T10:30:00.123Z", 123000},
            {"2024-01-15T10:30:00.1234Z", 123400},
            {"2024-01-15T10:30:00.12345Z", 123450},
            {"2024-01-15T10:30:00.123456Z", 123456},
            {"2024-01-15T10:30:00.1234567Z", 123456},
            {"2024-01-15T10:30:00.12345678Z", 123456},
            {"2024-01-15T10:30:00.123456789Z", 123456},
            {"2024-01-15T10:30:00.999999999Z", 999999},
            {"2024-01-15T10:30:00.000001Z", 1},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        assert_int_equal(parse_ok(cases[i].text), base + cases[i].micros);
    }
}

static void datetime_parse_errors_name_the_position(void **state)
{
    (void)state;
    parse_fails("", "expected a digit but the text ended at character 1");
    parse_fails("2024-3-01", "expected a digit, found '-' at character 7");
    parse_fails("2024/03/01", "expected '-', found '/' at character 5");
    parse_fails("2024-13-01", "month 13 is out of range at character 6");
    parse_fails("2024-00-01", "month 0 is out of range at character 6");
    parse_fails("2023-02-29", "day 29 is out of range for 2023-02 at character 9");
    parse_fails("2024-04-31", "day 31 is out of range for 2024-04 at character 9");
    parse_fails("0000-01-01", "year 0 is out of range at character 1");
    parse_fails("2024-03-0x", "expected a digit, found 'x' at character 10");
    parse_fails("2024-03-01X10:00", "expected 'T' or a space, found 'X' at character 11");
    parse_fails("2024-03-01T24:00", "hour 24 is out of range at character 12");
    parse_fails("2024-03-01T10:60", "minute 60 is out of range at character 15");
    parse_fails("2024-03-01T10:59:60", "second 60 is out of range at character 18");
    parse_fails("2024-03-01T10", "expected ':' but the text ended at character 14");
    parse_fails("2024-03-01T10:00:00.", "expected a digit but the text ended at character 21");
    parse_fails("2024-03-01T10:00:00.1234567891Z", "more than 9 fraction digits at character 30");
    parse_fails("2024-03-01T10:00:00Zjunk", "unexpected trailing characters at character 21");
    parse_fails("2024-03-01T10:00:00+25:00", "offset hour 25 is out of range at character 21");
    parse_fails("2024-03-01T10:00:00+02:7", "expected a digit but the text ended at character 25");
    parse_fails("2024-03-01T10:00:00 UTC", "expected 'Z' or a '+hh:mm' offset, found ' '");
    parse_fails("2024-03-01T10:00:00\x01", "found byte 0x01 at character 20");
}

static void datetime_parse_date_forms(void **state)
{
    (void)state;
    int32_t days = 0;
    Err err;
    assert_ok(datetime_parse_date("2000-03-01", 10, &days, &err), &err);
    assert_int_equal(days, 11017);
    assert_int_equal(datetime_parse_date("2000-03-01T00:00", 16, &days, &err), ERR_INVALID);
    assert_string_equal(err.msg,
                        "invalid date \"2000-03-01T00:00\": unexpected trailing characters at "
                        "character 11");
    assert_int_equal(days, 11017);
}

static void datetime_format_styles(void **state)
{
    (void)state;
    char buf[DATETIME_FORMAT_CAP];
    int64_t ts = ts_of(2024, 3, 1, 12, 34, 56, 120000);
    datetime_format(ts, DATETIME_RFC3339_FIXED, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01T12:34:56.120000Z");
    datetime_format(ts, DATETIME_RFC3339_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01T12:34:56.12Z");
    datetime_format(ts, DATETIME_RFC3339_MILLIS, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01T12:34:56.120Z");
    datetime_format(ts, DATETIME_SQL_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01 12:34:56.12");
    size_t len = datetime_format(ts, DATETIME_SQL_FIXED, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01 12:34:56.120000");
    assert_int_equal(len, strlen(buf));
    datetime_format(ts_of(2024, 3, 1, 0, 0, 0, 0), DATETIME_RFC3339_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01T00:00:00Z");
    datetime_format(ts_of(2024, 3, 1, 0, 0, 0, 1), DATETIME_SQL_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-01 00:00:00.000001");
    datetime_format(-1, DATETIME_RFC3339_FIXED, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
    datetime_format(ts_of(1, 1, 1, 0, 0, 0, 0), DATETIME_RFC3339_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "0001-01-01T00:00:00Z");
    datetime_format(datetime_days_from_civil(-44, 3, 15) * DATETIME_MICROS_PER_DAY,
                    DATETIME_RFC3339_TRIM, buf, sizeof buf);
    assert_string_equal(buf, "-0044-03-15T00:00:00Z");
    datetime_format_date(datetime_days_from_civil(2100, 2, 28) + 1, buf, sizeof buf);
    assert_string_equal(buf, "2100-03-01");
    /* Too small a buffer: snprintf semantics. */
    char small[11];
    len = datetime_format(ts, DATETIME_RFC3339_FIXED, small, sizeof small);
    assert_int_equal(len, 27);
    assert_string_equal(small, "2024-03-01");
}

static void datetime_envoy_start_time_round_trips(void **state)
{
    (void)state;
    const char *text = "2024-01-15T10:30:00.123Z";
    int64_t ts = parse_ok(text);
    assert_int_equal(ts, ts_of(2024, 1, 15, 10, 30, 0, 123000));
    char buf[DATETIME_FORMAT_CAP];
    datetime_format(ts, DATETIME_RFC3339_MILLIS, buf, sizeof buf);
    assert_string_equal(buf, text);
    datetime_format(ts + 999, DATETIME_RFC3339_MILLIS, buf, sizeof buf);
    assert_string_equal(buf, text); /* truncated, not rounded */
}

static void datetime_format_then_parse_round_trips(void **state)
{
    (void)state;
    char buf[DATETIME_FORMAT_CAP];
    int64_t step = INT64_C(987654321987); /* about 11.4 days plus odd micros */
    for (int64_t ts = INT64_C(-62135596800000000); ts < INT64_C(253402300799999999); ts += step) {
        DatetimeStyle styles[] = {DATETIME_RFC3339_FIXED, DATETIME_RFC3339_TRIM, DATETIME_SQL_TRIM,
                                  DATETIME_SQL_FIXED};
        for (size_t i = 0; i < TN_ARRAY_LEN(styles); i++) {
            size_t len = datetime_format(ts, styles[i], buf, sizeof buf);
            int64_t back = 0;
            Err err;
            assert_ok(datetime_parse(buf, len, &back, NULL, &err), &err);
            if (back != ts)
                fail_msg("%s parsed back as %lld, not %lld", buf, (long long)back, (long long)ts);
        }
    }
}

static int64_t add_months_to(int32_t y, int32_t m, int32_t d, int32_t months)
{
    return datetime_date_add_months(datetime_days_from_civil(y, m, d), months);
}

static void datetime_add_months_clamps_to_month_end(void **state)
{
    (void)state;
    assert_int_equal(add_months_to(2024, 1, 31, 1), datetime_days_from_civil(2024, 2, 29));
    assert_int_equal(add_months_to(2023, 1, 31, 1), datetime_days_from_civil(2023, 2, 28));
    assert_int_equal(add_months_to(2024, 3, 31, -1), datetime_days_from_civil(2024, 2, 29));
    assert_int_equal(add_months_to(2024, 2, 29, 12), datetime_days_from_civil(2025, 2, 28));
    assert_int_equal(add_months_to(2024, 2, 29, 48), datetime_days_from_civil(2028, 2, 29));
    assert_int_equal(add_months_to(2024, 5, 31, 1), datetime_days_from_civil(2024, 6, 30));
    assert_int_equal(add_months_to(2024, 1, 15, -13), datetime_days_from_civil(2022, 12, 15));
    assert_int_equal(add_months_to(2024, 12, 31, 2), datetime_days_from_civil(2025, 2, 28));
    assert_int_equal(add_months_to(1, 1, 31, -1), datetime_days_from_civil(0, 12, 31));
    assert_int_equal(add_months_to(1900, 1, 29, 1), datetime_days_from_civil(1900, 2, 28));
    assert_int_equal(add_months_to(2000, 1, 29, 1), datetime_days_from_civil(2000, 2, 29));
    assert_int_equal(add_months_to(2024, 7, 4, 0), datetime_days_from_civil(2024, 7, 4));
}

static void datetime_add_interval_applies_months_days_then_micros(void **state)
{
    (void)state;
    Err err;
    int64_t out = 0;
    DatetimeInterval iv = {.months = 1, .days = 1, .micros = DATETIME_MICROS_PER_HOUR};
    assert_ok(datetime_add_interval(ts_of(2024, 1, 31, 10, 0, 0, 5), iv, &out, &err), &err);
    assert_int_equal(out, ts_of(2024, 3, 1, 11, 0, 0, 5));
    iv = (DatetimeInterval){.months = 0, .days = -1, .micros = -1};
    assert_ok(datetime_add_interval(0, iv, &out, &err), &err);
    assert_int_equal(out, -DATETIME_MICROS_PER_DAY - 1);
    /* Time of day is kept for timestamps before 1970 too. */
    iv = (DatetimeInterval){.months = -1, .days = 0, .micros = 0};
    assert_ok(datetime_add_interval(ts_of(1960, 3, 31, 23, 59, 59, 1), iv, &out, &err), &err);
    assert_int_equal(out, ts_of(1960, 2, 29, 23, 59, 59, 1));
    iv = (DatetimeInterval){.months = 0, .days = 0, .micros = INT64_MAX};
    out = 42;
    assert_int_equal(datetime_add_interval(DATETIME_MICROS_PER_DAY, iv, &out, &err), ERR_INVALID);
    assert_string_equal(err.msg, "timestamp out of range after adding interval");
    assert_int_equal(out, 42);
}

static void datetime_trunc_goes_towards_the_past(void **state)
{
    (void)state;
    int64_t ts = ts_of(2024, 3, 17, 13, 45, 27, 654321);
    assert_int_equal(datetime_trunc(ts, DATETIME_YEAR), ts_of(2024, 1, 1, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_MONTH), ts_of(2024, 3, 1, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_DAY), ts_of(2024, 3, 17, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_HOUR), ts_of(2024, 3, 17, 13, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_MINUTE), ts_of(2024, 3, 17, 13, 45, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_SECOND), ts_of(2024, 3, 17, 13, 45, 27, 0));
    ts = ts_of(1969, 7, 20, 20, 17, 40, 500000);
    assert_int_equal(datetime_trunc(ts, DATETIME_YEAR), ts_of(1969, 1, 1, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_MONTH), ts_of(1969, 7, 1, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_DAY), ts_of(1969, 7, 20, 0, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_HOUR), ts_of(1969, 7, 20, 20, 0, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_MINUTE), ts_of(1969, 7, 20, 20, 17, 0, 0));
    assert_int_equal(datetime_trunc(ts, DATETIME_SECOND), ts_of(1969, 7, 20, 20, 17, 40, 0));
    assert_int_equal(datetime_trunc(-1, DATETIME_SECOND), -DATETIME_MICROS_PER_SEC);
    assert_int_equal(datetime_ts_to_days(-1), -1);
    assert_int_equal(datetime_ts_to_days(0), 0);
}

static void datetime_clocks_are_plausible(void **state)
{
    (void)state;
    int64_t now = datetime_now_us();
    assert_true(now > ts_of(2020, 1, 1, 0, 0, 0, 0));
    assert_true(now < ts_of(2200, 1, 1, 0, 0, 0, 0));
    int64_t a = datetime_monotonic_ns();
    int64_t b = datetime_monotonic_ns();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(datetime_known_days),
            cmocka_unit_test(datetime_civil_round_trips_over_a_wide_range),
            cmocka_unit_test(datetime_day_of_week_and_year),
            cmocka_unit_test(datetime_fields_round_trip_before_and_after_epoch),
            cmocka_unit_test(datetime_from_fields_rejects_out_of_range),
            cmocka_unit_test(datetime_parse_accepts_rfc3339_forms),
            cmocka_unit_test(datetime_parse_applies_offsets),
            cmocka_unit_test(datetime_parse_truncates_fractions_to_micros),
            cmocka_unit_test(datetime_parse_errors_name_the_position),
            cmocka_unit_test(datetime_parse_date_forms),
            cmocka_unit_test(datetime_format_styles),
            cmocka_unit_test(datetime_envoy_start_time_round_trips),
            cmocka_unit_test(datetime_format_then_parse_round_trips),
            cmocka_unit_test(datetime_add_months_clamps_to_month_end),
            cmocka_unit_test(datetime_add_interval_applies_months_days_then_micros),
            cmocka_unit_test(datetime_trunc_goes_towards_the_past),
            cmocka_unit_test(datetime_clocks_are_plausible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
