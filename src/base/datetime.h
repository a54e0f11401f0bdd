/* datetime.h — calendar and clock arithmetic for dates, timestamps and intervals (base layer).
 *
 * Representations (the same as Parquet, Iceberg and ColVec):
 *   timestamp  int64_t microseconds since 1970-01-01T00:00:00Z (negative before)
 *   date       int32_t days since 1970-01-01
 *   interval   {months, days, micros}, kept apart because a month has no fixed length and
 *              a day may not be 24 hours in a zone (PostgreSQL/DuckDB semantics)
 * The calendar is the proleptic Gregorian one with astronomical year numbering (year 0 is
 * 1 BC); conversions are exact for every int32 day count. Leap seconds do not exist here.
 *
 * Text: datetime_parse accepts RFC 3339 and the common ISO-8601 variants (see there);
 * datetime_format writes RFC 3339 or the SQL form of DuckDB/Trino, with the fraction fixed
 * at six digits, trimmed, or as milliseconds (Envoy's start_time).
 *
 * Callers: column statistics and partition transforms, SQL date functions, ingest parsers,
 * the logger. No allocation, no state. Thread contract: all functions are thread-safe.
 */
#ifndef TARN_BASE_DATETIME_H
#define TARN_BASE_DATETIME_H

#include "base/err.h"

#define DATETIME_MICROS_PER_SEC    INT64_C(1000000)
#define DATETIME_MICROS_PER_MINUTE (60 * DATETIME_MICROS_PER_SEC)
#define DATETIME_MICROS_PER_HOUR   (60 * DATETIME_MICROS_PER_MINUTE)
#define DATETIME_MICROS_PER_DAY    (24 * DATETIME_MICROS_PER_HOUR)

/* Buffer size that holds any datetime_format / datetime_format_date output with its NUL. */
#define DATETIME_FORMAT_CAP 48

/* Broken-down civil time (UTC). month 1..12, day 1..31, hour 0..23, minute and second
 * 0..59, micros 0..999999. */
typedef struct DatetimeFields {
    int32_t year;
    int32_t month;
    int32_t day;
    int32_t hour;
    int32_t minute;
    int32_t second;
    int32_t micros;
} DatetimeFields;

typedef struct DatetimeInterval {
    int32_t months;
    int32_t days;
    int64_t micros;
} DatetimeInterval;

/* Units for datetime_trunc. */
typedef enum DatetimeUnit {
    DATETIME_YEAR,
    DATETIME_MONTH,
    DATETIME_DAY,
    DATETIME_HOUR,
    DATETIME_MINUTE,
    DATETIME_SECOND,
} DatetimeUnit;

/* Output styles for datetime_format. */
typedef enum DatetimeStyle {
    DATETIME_RFC3339_FIXED,  /* 2024-03-01T12:34:56.120000Z (always six digits) */
    DATETIME_RFC3339_TRIM,   /* 2024-03-01T12:34:56.12Z; no fraction when zero */
    DATETIME_RFC3339_MILLIS, /* 2024-01-15T10:30:00.123Z (Envoy start_time; truncated) */
    DATETIME_SQL_TRIM,       /* 2024-03-01 12:34:56.12 (DuckDB/Trino display) */
    DATETIME_SQL_FIXED,      /* 2024-03-01 12:34:56.120000 */
} DatetimeStyle;

/* Days since 1970-01-01 of the civil date year-month-day (month 1..12, day 1..31, not
 * validated: day 0 or 32 simply lands in the neighbouring month). */
int64_t datetime_days_from_civil(int64_t year, int32_t month, int32_t day);

/* Civil date of a day count; any pointer may be NULL. */
void datetime_civil_from_days(int64_t days, int32_t *year, int32_t *month, int32_t *day);

/* True for Gregorian leap years; days in a month (1..12) of a year. */
bool datetime_is_leap_year(int64_t year);
int32_t datetime_days_in_month(int64_t year, int32_t month);

/* ISO day of the week: 1 = Monday ... 7 = Sunday. */
int32_t datetime_iso_day_of_week(int64_t days);

/* Day of the year, 1..366. */
int32_t datetime_day_of_year(int64_t days);

/* Split a timestamp into fields, and join fields (validated) back into one.
 * datetime_from_fields errors: ERR_INVALID naming the field that is out of range. */
void datetime_to_fields(int64_t ts_us, DatetimeFields *out);
TN_MUST_CHECK ErrCode datetime_from_fields(const DatetimeFields *fields, int64_t *ts_us_out,
                                           Err *err);

/* Day of a timestamp (floor division, so times before 1970 land on the right day). */
int64_t datetime_ts_to_days(int64_t ts_us);

/* Add months to a date, clamping the day to the end of the target month
 * (2024-01-31 + 1 month = 2024-02-29). */
int64_t datetime_date_add_months(int64_t days, int32_t months);

/* Add an interval to a timestamp: months first (clamping as above, time of day kept), then
 * days, then micros. Errors: ERR_INVALID when the result leaves int64 range. */
TN_MUST_CHECK ErrCode datetime_add_interval(int64_t ts_us, DatetimeInterval interval,
                                            int64_t *ts_us_out, Err *err);

/* Truncate a timestamp down (towards the past) to the start of its unit. */
int64_t datetime_trunc(int64_t ts_us, DatetimeUnit unit);

/* Parse a timestamp into microseconds since the epoch (UTC). Accepted:
 *   YYYY-MM-DD                                   (midnight)
 *   YYYY-MM-DD{T|t| }hh:mm[:ss[{.|,}f...]][zone] (1..9 fraction digits, truncated to µs)
 *   zone: Z, z, +hh, +hhmm, +hh:mm, -hh:mm ...   (absent: the time is taken as UTC)
 * `len` bytes of `text` are parsed (no NUL needed). *is_zoned_out (may be NULL) tells
 * whether a zone was given. Errors: ERR_INVALID with the text and the 1-based position of
 * the first bad character, e.g. `invalid timestamp "2024-02-30": day 30 is out of range for
 * 2024-02 at character 9`. On error the outputs are untouched. */
TN_MUST_CHECK ErrCode datetime_parse(const char *text, size_t len, int64_t *ts_us_out,
                                     bool *is_zoned_out, Err *err);

/* Parse a date YYYY-MM-DD into days since the epoch. Errors as datetime_parse. */
TN_MUST_CHECK ErrCode datetime_parse_date(const char *text, size_t len, int32_t *days_out,
                                          Err *err);

/* Format a timestamp in `style` into buf (DATETIME_FORMAT_CAP bytes suffice); returns the
 * length written, excluding the NUL (snprintf semantics when buf is too small).
 * Years outside 0..9999 are written with a sign and as many digits as needed. */
size_t datetime_format(int64_t ts_us, DatetimeStyle style, char *buf, size_t buf_len);

/* Format a date as YYYY-MM-DD; returns the length as datetime_format. */
size_t datetime_format_date(int64_t days, char *buf, size_t buf_len);

/* Wall-clock time in microseconds since the epoch (CLOCK_REALTIME). */
int64_t datetime_now_us(void);

/* Monotonic nanoseconds (CLOCK_MONOTONIC) for measuring durations; arbitrary origin. */
int64_t datetime_monotonic_ns(void);

#endif
