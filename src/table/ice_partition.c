/* ice_partition.c — Iceberg partition transforms: parsing and naming, the validity table,
 * applying a transform to one value, the bucket hash, and partition path text (table
 * layer; contract in ice_partition.h), and the result types of a partition spec.
 *
 * Bucket: murmur3_x86_32 with seed 0 over the value's hash form (spec Appendix B), then
 * (hash & INT32_MAX) % N. ints hash as 8-byte longs so promoting int to long keeps every
 * row in its bucket; dates hash as longs of the day count for the same reason.
 *
 * Time transforms floor: a timestamp before 1970 belongs to the hour/day/month/year that
 * contains it (hour(-1 µs) = -1), never to the one after, matching Java's
 * Math.floorDiv-based Timestamps/Dates transforms.
 *
 * Truncate: v - floorMod(v, W) for integers (Java's int/long arithmetic, which wraps at
 * the type's minimum, is reproduced by computing in unsigned); decimals truncate their
 * unscaled value with the same W; strings keep at most W code points (W UTF-8 sequences,
 * so a multi-byte character is never split); binaries keep W bytes.
 */
#include "table/ice_partition.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"

/* ---- names ---------------------------------------------------------------------------- */

static const struct {
    const char *name;
    IceTransformKind kind;
} plain_transforms[] = {
        {"identity", ICE_TR_IDENTITY}, {"year", ICE_TR_YEAR}, {"month", ICE_TR_MONTH},
        {"day", ICE_TR_DAY},           {"hour", ICE_TR_HOUR}, {"void", ICE_TR_VOID},
};

/* "name[N]" with N a positive int32. 1 parsed, 0 not this name, -1 malformed. */
static int parse_param(const char *text, const char *name, int32_t *param)
{
    size_t name_len = strlen(name);
    if (strncmp(text, name, name_len) != 0 || text[name_len] != '[')
        return 0;
    const char *p = text + name_len + 1;
    int64_t value = 0;
    int n_digits = 0;
    while (*p >= '0' && *p <= '9' && n_digits < 11) {
        value = value * 10 + (*p - '0');
        p++;
        n_digits++;
    }
    if (n_digits == 0 || *p != ']' || p[1] != '\0' || value < 1 || value > INT32_MAX)
        return -1;
    *param = (int32_t)value;
    return 1;
}

ErrCode ice_transform_parse(const char *text, IceTransform *out, Err *err)
{
    for (size_t i = 0; i < TN_ARRAY_LEN(plain_transforms); i++) {
        if (strcmp(text, plain_transforms[i].name) == 0) {
            *out = (IceTransform){.kind = plain_transforms[i].kind};
            return ERR_OK;
        }
    }
    static const struct {
        const char *name;
        IceTransformKind kind;
    } param_transforms[] = {{"bucket", ICE_TR_BUCKET}, {"truncate", ICE_TR_TRUNCATE}};
    for (size_t i = 0; i < TN_ARRAY_LEN(param_transforms); i++) {
        int32_t param = 0;
        int found = parse_param(text, param_transforms[i].name, &param);
        if (found < 0)
            return err_set(err, ERR_INVALID,
                           "invalid transform \"%s\": expected %s[N] with N from 1 to %d", text,
                           param_transforms[i].name, INT32_MAX);
        if (found > 0) {
            *out = (IceTransform){.kind = param_transforms[i].kind, .param = param};
            return ERR_OK;
        }
    }
    return err_set(err, ERR_UNSUPPORTED, "unknown partition transform \"%s\"", text);
}

void ice_transform_format(IceTransform transform, char *buf, size_t buf_len)
{
    switch (transform.kind) {
    case ICE_TR_IDENTITY:
        snprintf(buf, buf_len, "identity");
        return;
    case ICE_TR_BUCKET:
        snprintf(buf, buf_len, "bucket[%d]", transform.param);
        return;
    case ICE_TR_TRUNCATE:
        snprintf(buf, buf_len, "truncate[%d]", transform.param);
        return;
    case ICE_TR_YEAR:
        snprintf(buf, buf_len, "year");
        return;
    case ICE_TR_MONTH:
        snprintf(buf, buf_len, "month");
        return;
    case ICE_TR_DAY:
        snprintf(buf, buf_len, "day");
        return;
    case ICE_TR_HOUR:
        snprintf(buf, buf_len, "hour");
        return;
    case ICE_TR_VOID:
        snprintf(buf, buf_len, "void");
        return;
    }
    snprintf(buf, buf_len, "?");
}

/* ---- validity and result types ------------------------------------------------------- */

static bool is_date_or_time(IceTypeId id)
{
    return id == ICE_DATE || id == ICE_TIMESTAMP || id == ICE_TIMESTAMPTZ;
}

static bool transform_applies(IceTransformKind kind, IceTypeId id)
{
    if (!ice_type_is_primitive(id))
        return false;
    switch (kind) {
    case ICE_TR_IDENTITY:
    case ICE_TR_VOID:
        return true;
    case ICE_TR_BUCKET:
        return id != ICE_BOOLEAN && id != ICE_FLOAT && id != ICE_DOUBLE;
    case ICE_TR_TRUNCATE:
        return id == ICE_INT || id == ICE_LONG || id == ICE_DECIMAL || id == ICE_STRING ||
               id == ICE_BINARY;
    case ICE_TR_YEAR:
    case ICE_TR_MONTH:
    case ICE_TR_DAY:
        return is_date_or_time(id);
    case ICE_TR_HOUR:
        return id == ICE_TIMESTAMP || id == ICE_TIMESTAMPTZ;
    }
    return false;
}

static ErrCode not_applicable(IceTransform transform, IcePrim source, Err *err)
{
    char tr_name[ICE_TRANSFORM_NAME_CAP], type_name[48];
    ice_transform_format(transform, tr_name, sizeof tr_name);
    ice_prim_name(source, type_name, sizeof type_name);
    return err_set(err, ERR_INVALID, "transform %s cannot be applied to a %s column", tr_name,
                   type_name);
}

ErrCode ice_transform_result_type(IceTransform transform, IcePrim source, IcePrim *out, Err *err)
{
    if (!transform_applies(transform.kind, source.id))
        return not_applicable(transform, source, err);
    switch (transform.kind) {
    case ICE_TR_IDENTITY:
    case ICE_TR_TRUNCATE:
    case ICE_TR_VOID:
        *out = source;
        return ERR_OK;
    case ICE_TR_BUCKET:
    case ICE_TR_YEAR:
    case ICE_TR_MONTH:
    case ICE_TR_DAY:
    case ICE_TR_HOUR:
        *out = (IcePrim){.id = ICE_INT};
        return ERR_OK;
    }
    return not_applicable(transform, source, err);
}

/* ---- murmur3 and the bucket hash ------------------------------------------------------ */

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t murmur_mix_k(uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    return k * 0x1b873593u;
}

uint32_t ice_murmur3_32(const void *data, size_t len, uint32_t seed)
{
    const uint8_t *bytes = data;
    uint32_t h = seed;
    size_t n_blocks = len / 4;
    for (size_t i = 0; i < n_blocks; i++) {
        h ^= murmur_mix_k(load_u32le(bytes + 4 * i));
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    const uint8_t *tail = bytes + 4 * n_blocks;
    uint32_t k = 0;
    switch (len & 3) {
    case 3:
        k ^= (uint32_t)tail[2] << 16;
        TN_FALLTHROUGH;
    case 2:
        k ^= (uint32_t)tail[1] << 8;
        TN_FALLTHROUGH;
    case 1:
        k ^= tail[0];
        h ^= murmur_mix_k(k);
        break;
    default:
        break;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static int32_t hash_long(int64_t v)
{
    uint8_t buf[8];
    store_u64le(buf, (uint64_t)v);
    return (int32_t)ice_murmur3_32(buf, 8, 0);
}

static int32_t hash_double(double v)
{
    uint64_t bits;
    if (isnan(v)) {
        bits = UINT64_C(0x7ff8000000000000);
    } else {
        if (v == 0)
            v = 0.0; /* -0.0 hashes as +0.0 */
        memcpy(&bits, &v, 8);
    }
    return hash_long((int64_t)bits);
}

int32_t ice_bucket_hash(const IceValue *value)
{
    if (value->is_null)
        return 0;
    switch (value->type.id) {
    case ICE_BOOLEAN:
        return hash_long(value->b ? 1 : 0);
    case ICE_INT:
    case ICE_DATE:
        return hash_long(value->i32);
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        return hash_long(value->i64);
    case ICE_FLOAT:
        return hash_double(value->f32);
    case ICE_DOUBLE:
        return hash_double(value->f64);
    case ICE_DECIMAL: {
        uint8_t buf[ICE_VALUE_FIXED_MAX];
        uint32_t len = ice_decimal_min_bytes(value->dec, buf);
        return (int32_t)ice_murmur3_32(buf, len, 0);
    }
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
        return (int32_t)ice_murmur3_32(value->bytes.ptr, value->bytes.len, 0);
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return 0;
    }
    return 0;
}

/* ---- applying ------------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Days since the epoch of a date or timestamp value. */
static int64_t value_days(const IceValue *in)
{
    return in->type.id == ICE_DATE ? in->i32 : datetime_ts_to_days(in->i64);
}

static int32_t months_from_days(int64_t days)
{
    int32_t year, month;
    datetime_civil_from_days(days, &year, &month, NULL);
    return (int32_t)((int64_t)(year - 1970) * 12 + (month - 1));
}

static int32_t years_from_days(int64_t days)
{
    int32_t year;
    datetime_civil_from_days(days, &year, NULL, NULL);
    return year - 1970;
}

/* Byte length of the first `n_chars` UTF-8 code points of s (all of s if shorter). */
static uint32_t utf8_prefix_len(const uint8_t *s, uint32_t len, int32_t n_chars)
{
    int32_t n_seen = 0;
    for (uint32_t i = 0; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            if (n_seen == n_chars)
                return i;
            n_seen++;
        }
    }
    return len;
}

static void apply_truncate(int32_t width, const IceValue *in, IceValue *out)
{
    *out = *in;
    switch (in->type.id) {
    case ICE_INT: {
        int64_t rem = (((int64_t)in->i32 % width) + width) % width; /* no int overflow */
        out->i32 = (int32_t)(uint32_t)((uint32_t)in->i32 - (uint32_t)rem);
        return;
    }
    case ICE_LONG: {
        int64_t rem = ((in->i64 % width) + width) % width;
        out->i64 = (int64_t)((uint64_t)in->i64 - (uint64_t)rem);
        return;
    }
    case ICE_DECIMAL: {
        __int128 rem = ((in->dec % width) + width) % width;
        out->dec = in->dec - rem;
        return;
    }
    case ICE_STRING:
        out->bytes.len = utf8_prefix_len(in->bytes.ptr, in->bytes.len, width);
        return;
    case ICE_BINARY:
        out->bytes.len = TN_MIN(in->bytes.len, (uint32_t)width);
        return;
    case ICE_BOOLEAN:
    case ICE_FLOAT:
    case ICE_DOUBLE:
    case ICE_DATE:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return; /* excluded by transform_applies */
    }
}

ErrCode ice_transform_apply(IceTransform transform, const IceValue *in, IceValue *out, Err *err)
{
    IcePrim result_type;
    ErrCode rc = ice_transform_result_type(transform, in->type, &result_type, err);
    if (rc != ERR_OK)
        return rc;
    if (in->is_null || transform.kind == ICE_TR_VOID) {
        *out = ice_value_null(result_type);
        return ERR_OK;
    }
    switch (transform.kind) {
    case ICE_TR_IDENTITY:
        *out = *in;
        return ERR_OK;
    case ICE_TR_BUCKET:
        *out = ice_value_int((ice_bucket_hash(in) & INT32_MAX) % transform.param);
        return ERR_OK;
    case ICE_TR_TRUNCATE:
        apply_truncate(transform.param, in, out);
        return ERR_OK;
    case ICE_TR_YEAR:
        *out = ice_value_int(years_from_days(value_days(in)));
        return ERR_OK;
    case ICE_TR_MONTH:
        *out = ice_value_int(months_from_days(value_days(in)));
        return ERR_OK;
    case ICE_TR_DAY:
        *out = ice_value_int((int32_t)value_days(in));
        return ERR_OK;
    case ICE_TR_HOUR:
        *out = ice_value_int((int32_t)floor_div(in->i64, DATETIME_MICROS_PER_HOUR));
        return ERR_OK;
    case ICE_TR_VOID:
        break;
    }
    *out = ice_value_null(result_type);
    return ERR_OK;
}

/* ---- human text and paths ------------------------------------------------------------- */

/* Java's LocalTime.toString: HH:mm, then :ss unless seconds and fraction are zero, then
 * the fraction in groups of three digits. */
static size_t format_java_time(int64_t micros, char *buf, size_t buf_len)
{
    int64_t secs = micros / DATETIME_MICROS_PER_SEC;
    int32_t frac = (int32_t)(micros % DATETIME_MICROS_PER_SEC);
    int h = (int)(secs / 3600), m = (int)(secs / 60 % 60), s = (int)(secs % 60);
    if (s == 0 && frac == 0)
        return (size_t)snprintf(buf, buf_len, "%02d:%02d", h, m);
    if (frac == 0)
        return (size_t)snprintf(buf, buf_len, "%02d:%02d:%02d", h, m, s);
    if (frac % 1000 == 0)
        return (size_t)snprintf(buf, buf_len, "%02d:%02d:%02d.%03d", h, m, s, frac / 1000);
    return (size_t)snprintf(buf, buf_len, "%02d:%02d:%02d.%06d", h, m, s, frac);
}

/* Java's ISO_LOCAL_DATE_TIME (seconds always, fraction trimmed), plus "+00:00" for
 * timestamptz as DateTimeUtil.microsToIsoTimestamptz writes it. */
static size_t format_java_timestamp(int64_t micros, bool is_zoned, char *buf, size_t buf_len)
{
    char text[DATETIME_FORMAT_CAP];
    size_t len = datetime_format(micros, DATETIME_RFC3339_TRIM, text, sizeof text);
    if (len > 0 && len < sizeof text && text[len - 1] == 'Z')
        text[--len] = '\0';
    return (size_t)snprintf(buf, buf_len, "%s%s", text, is_zoned ? "+00:00" : "");
}

static size_t format_base64(const uint8_t *ptr, uint32_t len, char *buf, size_t buf_len)
{
    static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t total = (size_t)(len + 2) / 3 * 4;
    size_t at = 0;
    for (uint32_t i = 0; i < len; i += 3) {
        uint32_t n = (uint32_t)ptr[i] << 16;
        if (i + 1 < len)
            n |= (uint32_t)ptr[i + 1] << 8;
        if (i + 2 < len)
            n |= ptr[i + 2];
        char quad[4] = {alphabet[n >> 18 & 63], alphabet[n >> 12 & 63],
                        i + 1 < len ? alphabet[n >> 6 & 63] : '=',
                        i + 2 < len ? alphabet[n & 63] : '='};
        for (int q = 0; q < 4; q++) {
            if (at + 1 < buf_len)
                buf[at++] = quad[q];
        }
    }
    if (buf_len > 0)
        buf[at] = '\0';
    return total;
}

/* Text of an identity or truncate value (Java's Transform.toHumanString(Type, value)). */
static size_t format_source_value(const IceValue *v, char *buf, size_t buf_len)
{
    switch (v->type.id) {
    case ICE_DATE: {
        int32_t year, month, day;
        datetime_civil_from_days(v->i32, &year, &month, &day);
        return (size_t)snprintf(buf, buf_len, "%04d-%02d-%02d", year, month, day);
    }
    case ICE_TIME:
        return format_java_time(v->i64, buf, buf_len);
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        return format_java_timestamp(v->i64, v->type.id == ICE_TIMESTAMPTZ, buf, buf_len);
    case ICE_FIXED:
    case ICE_BINARY:
        return format_base64(v->bytes.ptr, v->bytes.len, buf, buf_len);
    case ICE_BOOLEAN:
    case ICE_INT:
    case ICE_LONG:
    case ICE_FLOAT:
    case ICE_DOUBLE:
    case ICE_DECIMAL:
    case ICE_STRING:
    case ICE_UUID:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return ice_value_format(v, buf, buf_len);
}

size_t ice_transform_human(IceTransform transform, const IceValue *result, char *buf,
                           size_t buf_len)
{
    if (result->is_null)
        return (size_t)snprintf(buf, buf_len, "null");
    switch (transform.kind) {
    case ICE_TR_YEAR:
        return (size_t)snprintf(buf, buf_len, "%04lld", 1970LL + result->i32);
    case ICE_TR_MONTH:
        return (size_t)snprintf(buf, buf_len, "%04lld-%02lld",
                                (long long)(1970 + floor_div(result->i32, 12)),
                                (long long)(result->i32 - 12 * floor_div(result->i32, 12) + 1));
    case ICE_TR_DAY: {
        int32_t year, month, day;
        datetime_civil_from_days(result->i32, &year, &month, &day);
        return (size_t)snprintf(buf, buf_len, "%04d-%02d-%02d", year, month, day);
    }
    case ICE_TR_HOUR: {
        int64_t hours = result->i32;
        int64_t days = floor_div(hours, 24);
        int32_t year, month, day;
        datetime_civil_from_days(days, &year, &month, &day);
        return (size_t)snprintf(buf, buf_len, "%04d-%02d-%02d-%02d", year, month, day,
                                (int)(hours - days * 24));
    }
    case ICE_TR_BUCKET:
        return (size_t)snprintf(buf, buf_len, "%d", result->i32);
    case ICE_TR_IDENTITY:
    case ICE_TR_TRUNCATE:
        return format_source_value(result, buf, buf_len);
    case ICE_TR_VOID:
        break;
    }
    return (size_t)snprintf(buf, buf_len, "null");
}

static bool is_path_safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* Percent-encoding of len bytes of text at out (room for 3*len); returns bytes written. */
static size_t percent_encode(const char *text, size_t len, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t at = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (is_path_safe(c)) {
            out[at++] = (char)c;
        } else {
            out[at++] = '%';
            out[at++] = hex[c >> 4];
            out[at++] = hex[c & 15];
        }
    }
    return at;
}

ErrCode ice_partition_path(Arena *arena, const IcePartitionSpec *spec, const IceValue *values,
                           const char **out, Err *err)
{
    /* Pass 1 sizes the path, pass 2 writes it: human texts can be long (identity strings). */
    size_t total = 1;
    for (int32_t i = 0; i < spec->n_fields; i++) {
        size_t human_len = ice_transform_human(spec->fields[i].transform, &values[i], NULL, 0);
        size_t name_len = spec->fields[i].name ? strlen(spec->fields[i].name) : 0;
        total += 3 * (name_len + human_len) + 2;
    }
    char *path = arena_alloc(arena, total);
    char *human = NULL;
    size_t human_cap = 0;
    if (!path)
        return arena_error(arena, err);
    size_t at = 0;
    for (int32_t i = 0; i < spec->n_fields; i++) {
        const IcePartitionField *field = &spec->fields[i];
        size_t human_len = ice_transform_human(field->transform, &values[i], NULL, 0);
        if (human_len + 1 > human_cap) {
            human_cap = human_len + 1;
            human = arena_alloc(arena, human_cap);
            if (!human)
                return arena_error(arena, err);
        }
        ice_transform_human(field->transform, &values[i], human, human_cap);
        if (i > 0)
            path[at++] = '/';
        const char *name = field->name ? field->name : "";
        at += percent_encode(name, strlen(name), path + at);
        path[at++] = '=';
        at += percent_encode(human, human_len, path + at);
    }
    path[at] = '\0';
    *out = path;
    return ERR_OK;
}

/* ---- specs ---------------------------------------------------------------------------- */

ErrCode ice_partition_spec_result_types(const IcePartitionSpec *spec, const IceSchema *schema,
                                        Arena *arena, IcePrim **out, Err *err)
{
    IcePrim *types = arena_alloc_array(arena, (size_t)TN_MAX(spec->n_fields, 1), sizeof *types);
    if (!types)
        return arena_error(arena, err);
    for (int32_t i = 0; i < spec->n_fields; i++) {
        const IcePartitionField *field = &spec->fields[i];
        const char *name = field->name ? field->name : "";
        const IceType *source = ice_schema_find_type(schema, field->source_id);
        if (!source && field->transform.kind == ICE_TR_VOID) {
            types[i] = (IcePrim){.id = ICE_INT}; /* the spec: "source type or int" */
            continue;
        }
        if (!source)
            return err_set(err, ERR_NOT_FOUND,
                           "partition field \"%s\" (id %d): source column id %d is not in "
                           "schema %d",
                           name, field->field_id, field->source_id, schema->schema_id);
        if (!ice_type_is_primitive(source->id))
            return err_set(err, ERR_INVALID,
                           "partition field \"%s\" (id %d): source column id %d is not a "
                           "primitive type",
                           name, field->field_id, field->source_id);
        IcePrim source_prim = source->prim;
        source_prim.id = source->id;
        ErrCode rc = ice_transform_result_type(field->transform, source_prim, &types[i], err);
        if (rc != ERR_OK) {
            err_prefix(err, "partition field \"%s\" (id %d)", name, field->field_id);
            return rc;
        }
    }
    *out = types;
    return ERR_OK;
}

bool ice_partition_spec_is_unpartitioned(const IcePartitionSpec *spec)
{
    for (int32_t i = 0; i < spec->n_fields; i++) {
        if (spec->fields[i].transform.kind != ICE_TR_VOID)
            return false;
    }
    return true;
}
