/* datetime.c — proleptic Gregorian calendar arithmetic, parsing and formatting (see
 * datetime.h).
 *
 * Day numbers: the calendar repeats every 400 years (146097 days, an "era"). Counting
 * years from March 1 puts the leap day at the end of each year, so the day of the year
 * from March 1 follows from the month alone: the month lengths from March run
 * 31 30 31 30 31 | 31 30 31 30 31 | 31 28/29, two five-month blocks of 153 days, which
 * (153 * m + 2) / 5 reproduces for m = 0 (March) .. 11 (February). Within an era,
 * day = 365 * year + year / 4 - year / 100 (the 400-year rule falls on the era boundary).
 * civil_from_days inverts this: the year of the era is the day of the era minus the leap
 * days before it, divided by 365. The epoch 1970-01-01 is day 719468 counted from
 * 0000-03-01. All arithmetic is in int64 with floor division, so negative day counts and
 * years before 1 work the same way.
 *
 * Parsing walks the text with a cursor and reports the 1-based position of the first
 * character that does not fit; it never reads past `len`.
 */
#include "base/datetime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAYS_PER_ERA          146097
#define EPOCH_FROM_0000_03_01 719468

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

int64_t datetime_days_from_civil(int64_t year, int32_t month, int32_t day)
{
    int64_t shifted_year = month <= 2 ? year - 1 : year;
    int64_t month_from_march = month <= 2 ? month + 9 : month - 3;
    int64_t era = floor_div(shifted_year, 400);
    int64_t year_of_era = shifted_year - era * 400;
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - EPOCH_FROM_0000_03_01;
}

void datetime_civil_from_days(int64_t days, int32_t *year, int32_t *month, int32_t *day)
{
    int64_t since_0000_03_01 = days + EPOCH_FROM_0000_03_01;
    int64_t era = floor_div(since_0000_03_01, DAYS_PER_ERA);
    int64_t day_of_era = since_0000_03_01 - era * DAYS_PER_ERA;
    /* Remove the leap days before this day (one per 4 years, less the 100-year ones, and
     * the 400-year one on the era's last day) to get a 365-day year count. */
    int64_t year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    int32_t civil_day = (int32_t)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    int32_t civil_month =
            (int32_t)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    int64_t civil_year = year_of_era + era * 400 + (civil_month <= 2 ? 1 : 0);
    if (year)
        *year = (int32_t)civil_year;
    if (month)
        *month = civil_month;
    if (day)
        *day = civil_day;
}

bool datetime_is_leap_year(int64_t year)
{
    return floor_mod(year, 4) == 0 && (floor_mod(year, 100) != 0 || floor_mod(year, 400) == 0);
}

int32_t datetime_days_in_month(int64_t year, int32_t month)
{
    static const int32_t lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && datetime_is_leap_year(year))
        return 29;
    return lengths[month - 1];
}

int32_t datetime_iso_day_of_week(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    return (int32_t)floor_mod(days + 3, 7) + 1;
}

int32_t datetime_day_of_year(int64_t days)
{
    int32_t year;
    datetime_civil_from_days(days, &year, NULL, NULL);
    return (int32_t)(days - datetime_days_from_civil(year, 1, 1)) + 1;
}

int64_t datetime_ts_to_days(int64_t ts_us)
{
    return floor_div(ts_us, DATETIME_MICROS_PER_DAY);
}

void datetime_to_fields(int64_t ts_us, DatetimeFields *out)
{
    int64_t days = datetime_ts_to_days(ts_us);
    int64_t time_us = ts_us - days * DATETIME_MICROS_PER_DAY;
    datetime_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int32_t)(time_us / DATETIME_MICROS_PER_HOUR);
    out->minute = (int32_t)(time_us / DATETIME_MICROS_PER_MINUTE % 60);
    out->second = (int32_t)(time_us / DATETIME_MICROS_PER_SEC % 60);
    out->micros = (int32_t)(time_us % DATETIME_MICROS_PER_SEC);
}

static bool in_range(int32_t value, int32_t lo, int32_t hi)
{
    return value >= lo && value <= hi;
}

ErrCode datetime_from_fields(const DatetimeFields *fields, int64_t *ts_us_out, Err *err)
{
    if (!in_range(fields->month, 1, 12))
        return err_set(err, ERR_INVALID, "month %d is out of range", fields->month);
    int32_t mdays = datetime_days_in_month(fields->year, fields->month);
    if (!in_range(fields->day, 1, mdays))
        return err_set(err, ERR_INVALID, "day %d is out of range for %04d-%02d", fields->day,
                       fields->year, fields->month);
    if (!in_range(fields->hour, 0, 23))
        return err_set(err, ERR_INVALID, "hour %d is out of range", fields->hour);
    if (!in_range(fields->minute, 0, 59))
        return err_set(err, ERR_INVALID, "minute %d is out of range", fields->minute);
    if (!in_range(fields->second, 0, 59))
        return err_set(err, ERR_INVALID, "second %d is out of range", fields->second);
    if (!in_range(fields->micros, 0, 999999))
        return err_set(err, ERR_INVALID, "microsecond %d is out of range", fields->micros);
    int64_t days = datetime_days_from_civil(fields->year, fields->month, fields->day);
    *ts_us_out = days * DATETIME_MICROS_PER_DAY + fields->hour * DATETIME_MICROS_PER_HOUR +
                 fields->minute * DATETIME_MICROS_PER_MINUTE +
                 fields->second * DATETIME_MICROS_PER_SEC + fields->micros;
    return ERR_OK;
}

int64_t datetime_date_add_months(int64_t days, int32_t months)
{
    int32_t year, month, day;
    datetime_civil_from_days(days, &year, &month, &day);
    int64_t month_index = (int64_t)year * 12 + (month - 1) + months;
    int64_t new_year = floor_div(month_index, 12);
    int32_t new_month = (int32_t)floor_mod(month_index, 12) + 1;
    int32_t mdays = datetime_days_in_month(new_year, new_month);
    return datetime_days_from_civil(new_year, new_month, TN_MIN(day, mdays));
}

ErrCode datetime_add_interval(int64_t ts_us, DatetimeInterval interval, int64_t *ts_us_out,
                              Err *err)
{
    int64_t days = datetime_ts_to_days(ts_us);
    int64_t time_us = ts_us - days * DATETIME_MICROS_PER_DAY;
    days = datetime_date_add_months(days, interval.months) + interval.days;
    int64_t result;
    if (__builtin_mul_overflow(days, DATETIME_MICROS_PER_DAY, &result) ||
        __builtin_add_overflow(result, time_us, &result) ||
        __builtin_add_overflow(result, interval.micros, &result))
        return err_set(err, ERR_INVALID, "timestamp out of range after adding interval");
    *ts_us_out = result;
    return ERR_OK;
}

int64_t datetime_trunc(int64_t ts_us, DatetimeUnit unit)
{
    int64_t days = datetime_ts_to_days(ts_us);
    switch (unit) {
    case DATETIME_YEAR: {
        int32_t year;
        datetime_civil_from_days(days, &year, NULL, NULL);
        return datetime_days_from_civil(year, 1, 1) * DATETIME_MICROS_PER_DAY;
    }
    case DATETIME_MONTH: {
        int32_t year, month;
        datetime_civil_from_days(days, &year, &month, NULL);
        return datetime_days_from_civil(year, month, 1) * DATETIME_MICROS_PER_DAY;
    }
    case DATETIME_DAY:
        return days * DATETIME_MICROS_PER_DAY;
    case DATETIME_HOUR:
        return floor_div(ts_us, DATETIME_MICROS_PER_HOUR) * DATETIME_MICROS_PER_HOUR;
    case DATETIME_MINUTE:
        return floor_div(ts_us, DATETIME_MICROS_PER_MINUTE) * DATETIME_MICROS_PER_MINUTE;
    case DATETIME_SECOND:
        return floor_div(ts_us, DATETIME_MICROS_PER_SEC) * DATETIME_MICROS_PER_SEC;
    }
    return ts_us;
}

/* ---- parsing ----------------------------------------------------------------------- */

typedef struct Cursor {
    const char *text;
    size_t len;
    size_t pos;
    const char *what; /* "timestamp" or "date", for messages */
} Cursor;

static ErrCode parse_error(const Cursor *cur, size_t pos, Err *err, const char *reason)
{
    int shown = (int)TN_MIN(cur->len, 64);
    return err_set(err, ERR_INVALID, "invalid %s \"%.*s%s\": %s at character %zu", cur->what, shown,
                   cur->text, cur->len > 64 ? "..." : "", reason, pos + 1);
}

static ErrCode unexpected(const Cursor *cur, Err *err, const char *expected)
{
    char reason[96];
    if (cur->pos >= cur->len) {
        snprintf(reason, sizeof reason, "expected %s but the text ended", expected);
    } else {
        unsigned char ch = (unsigned char)cur->text[cur->pos];
        if (ch >= 0x20 && ch < 0x7f) {
            snprintf(reason, sizeof reason, "expected %s, found '%c'", expected, ch);
        } else {
            snprintf(reason, sizeof reason, "expected %s, found byte 0x%02x", expected, ch);
        }
    }
    return parse_error(cur, cur->pos, err, reason);
}

static bool peek_is(const Cursor *cur, char ch)
{
    return cur->pos < cur->len && cur->text[cur->pos] == ch;
}

static bool peek_digit(const Cursor *cur)
{
    return cur->pos < cur->len && cur->text[cur->pos] >= '0' && cur->text[cur->pos] <= '9';
}

/* Exactly `n_digits` digits into *value. */
static ErrCode digits(Cursor *cur, int n_digits, int32_t *value, Err *err)
{
    int32_t result = 0;
    for (int i = 0; i < n_digits; i++) {
        if (!peek_digit(cur))
            return unexpected(cur, err, "a digit");
        result = result * 10 + (cur->text[cur->pos++] - '0');
    }
    *value = result;
    return ERR_OK;
}

static ErrCode expect_char(Cursor *cur, char ch, Err *err)
{
    if (!peek_is(cur, ch)) {
        char expected[8];
        snprintf(expected, sizeof expected, "'%c'", ch);
        return unexpected(cur, err, expected);
    }
    cur->pos++;
    return ERR_OK;
}

/* A two-digit field checked against [lo, hi]; the error points at its first digit. */
static ErrCode ranged_field(Cursor *cur, const char *name, int32_t lo, int32_t hi, int32_t *value,
                            Err *err)
{
    size_t start = cur->pos;
    ErrCode rc = digits(cur, 2, value, err);
    if (rc != ERR_OK)
        return rc;
    if (*value < lo || *value > hi) {
        char reason[64];
        snprintf(reason, sizeof reason, "%s %d is out of range", name, *value);
        return parse_error(cur, start, err, reason);
    }
    return ERR_OK;
}

static ErrCode parse_ymd(Cursor *cur, DatetimeFields *f, Err *err)
{
    size_t start = cur->pos;
    ErrCode rc = digits(cur, 4, &f->year, err);
    if (rc == ERR_OK && f->year == 0)
        return parse_error(cur, start, err, "year 0 is out of range");
    if (rc == ERR_OK)
        rc = expect_char(cur, '-', err);
    if (rc == ERR_OK)
        rc = ranged_field(cur, "month", 1, 12, &f->month, err);
    if (rc == ERR_OK)
        rc = expect_char(cur, '-', err);
    size_t day_pos = cur->pos;
    if (rc == ERR_OK)
        rc = ranged_field(cur, "day", 1, 31, &f->day, err);
    if (rc != ERR_OK)
        return rc;
    if (f->day > datetime_days_in_month(f->year, f->month)) {
        char reason[64];
        snprintf(reason, sizeof reason, "day %d is out of range for %04d-%02d", f->day, f->year,
                 f->month);
        return parse_error(cur, day_pos, err, reason);
    }
    return ERR_OK;
}

/* Optional ".fffffffff": 1..9 digits, truncated to microseconds. */
static ErrCode parse_fraction(Cursor *cur, int32_t *micros, Err *err)
{
    *micros = 0;
    if (!peek_is(cur, '.') && !peek_is(cur, ','))
        return ERR_OK;
    cur->pos++;
    if (!peek_digit(cur))
        return unexpected(cur, err, "a digit");
    int n_digits = 0;
    int32_t value = 0;
    while (peek_digit(cur)) {
        if (n_digits == 9)
            return parse_error(cur, cur->pos, err, "more than 9 fraction digits");
        if (n_digits < 6)
            value = value * 10 + (cur->text[cur->pos] - '0');
        n_digits++;
        cur->pos++;
    }
    for (int i = n_digits; i < 6; i++) {
        value *= 10;
    }
    *micros = value;
    return ERR_OK;
}

static ErrCode parse_time(Cursor *cur, DatetimeFields *f, Err *err)
{
    ErrCode rc = ranged_field(cur, "hour", 0, 23, &f->hour, err);
    if (rc == ERR_OK)
        rc = expect_char(cur, ':', err);
    if (rc == ERR_OK)
        rc = ranged_field(cur, "minute", 0, 59, &f->minute, err);
    if (rc != ERR_OK || !peek_is(cur, ':'))
        return rc;
    cur->pos++;
    rc = ranged_field(cur, "second", 0, 59, &f->second, err);
    if (rc != ERR_OK)
        return rc;
    return parse_fraction(cur, &f->micros, err);
}

/* Zone designator; *offset_us is local time minus UTC. */
static ErrCode parse_zone(Cursor *cur, int64_t *offset_us, bool *is_zoned, Err *err)
{
    *offset_us = 0;
    *is_zoned = false;
    if (cur->pos >= cur->len)
        return ERR_OK;
    char sign = cur->text[cur->pos];
    if (sign == 'Z' || sign == 'z') {
        cur->pos++;
        *is_zoned = true;
        return ERR_OK;
    }
    if (sign != '+' && sign != '-')
        return unexpected(cur, err, "'Z' or a '+hh:mm' offset");
    cur->pos++;
    int32_t hours, minutes = 0;
    ErrCode rc = ranged_field(cur, "offset hour", 0, 23, &hours, err);
    if (rc != ERR_OK)
        return rc;
    if (peek_is(cur, ':')) {
        cur->pos++;
        rc = ranged_field(cur, "offset minute", 0, 59, &minutes, err);
    } else if (peek_digit(cur)) {
        rc = ranged_field(cur, "offset minute", 0, 59, &minutes, err);
    }
    if (rc != ERR_OK)
        return rc;
    int64_t offset = hours * DATETIME_MICROS_PER_HOUR + minutes * DATETIME_MICROS_PER_MINUTE;
    *offset_us = sign == '-' ? -offset : offset;
    *is_zoned = true;
    return ERR_OK;
}

ErrCode datetime_parse(const char *text, size_t len, int64_t *ts_us_out, bool *is_zoned_out,
                       Err *err)
{
    Cursor cur = {text, len, 0, "timestamp"};
    DatetimeFields f = {0};
    ErrCode rc = parse_ymd(&cur, &f, err);
    if (rc != ERR_OK)
        return rc;
    int64_t offset_us = 0;
    bool is_zoned = false;
    if (cur.pos < len) {
        char sep = text[cur.pos];
        if (sep != 'T' && sep != 't' && sep != ' ')
            return unexpected(&cur, err, "'T' or a space");
        cur.pos++;
        rc = parse_time(&cur, &f, err);
        if (rc == ERR_OK)
            rc = parse_zone(&cur, &offset_us, &is_zoned, err);
        if (rc != ERR_OK)
            return rc;
        if (cur.pos < len)
            return parse_error(&cur, cur.pos, err, "unexpected trailing characters");
    }
    int64_t local_us;
    rc = datetime_from_fields(&f, &local_us, err);
    if (rc != ERR_OK)
        return rc; /* unreachable: every field was range-checked above */
    *ts_us_out = local_us - offset_us;
    if (is_zoned_out)
        *is_zoned_out = is_zoned;
    return ERR_OK;
}

ErrCode datetime_parse_date(const char *text, size_t len, int32_t *days_out, Err *err)
{
    Cursor cur = {text, len, 0, "date"};
    DatetimeFields f = {0};
    ErrCode rc = parse_ymd(&cur, &f, err);
    if (rc != ERR_OK)
        return rc;
    if (cur.pos < len)
        return parse_error(&cur, cur.pos, err, "unexpected trailing characters");
    *days_out = (int32_t)datetime_days_from_civil(f.year, f.month, f.day);
    return ERR_OK;
}

/* ---- formatting -------------------------------------------------------------------- */

static int format_ymd(int32_t year, int32_t month, int32_t day, char *buf, size_t buf_len)
{
    if (year >= 0 && year <= 9999)
        return snprintf(buf, buf_len, "%04d-%02d-%02d", year, month, day);
    return snprintf(buf, buf_len, "%+05d-%02d-%02d", year, month, day);
}

size_t datetime_format_date(int64_t days, char *buf, size_t buf_len)
{
    int32_t year, month, day;
    datetime_civil_from_days(days, &year, &month, &day);
    int n = format_ymd(year, month, day, buf, buf_len);
    return n < 0 ? 0 : (size_t)n;
}

size_t datetime_format(int64_t ts_us, DatetimeStyle style, char *buf, size_t buf_len)
{
    DatetimeFields f;
    datetime_to_fields(ts_us, &f);
    bool is_sql = style == DATETIME_SQL_TRIM || style == DATETIME_SQL_FIXED;
    char frac[16] = "";
    switch (style) {
    case DATETIME_RFC3339_FIXED:
    case DATETIME_SQL_FIXED:
        snprintf(frac, sizeof frac, ".%06d", f.micros);
        break;
    case DATETIME_RFC3339_MILLIS:
        snprintf(frac, sizeof frac, ".%03d", f.micros / 1000);
        break;
    case DATETIME_RFC3339_TRIM:
    case DATETIME_SQL_TRIM:
        if (f.micros != 0) {
            int n = snprintf(frac, sizeof frac, ".%06d", f.micros);
            while (n > 1 && frac[n - 1] == '0') {
                frac[--n] = '\0';
            }
        }
        break;
    }
    char date[24];
    format_ymd(f.year, f.month, f.day, date, sizeof date);
    int n = snprintf(buf, buf_len, "%s%c%02d:%02d:%02d%s%s", date, is_sql ? ' ' : 'T', f.hour,
                     f.minute, f.second, frac, is_sql ? "" : "Z");
    return n < 0 ? 0 : (size_t)n;
}

/* ---- clocks ------------------------------------------------------------------------ */

int64_t datetime_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * DATETIME_MICROS_PER_SEC + ts.tv_nsec / 1000;
}

int64_t datetime_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
