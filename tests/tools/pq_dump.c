/* pq_dump.c — print a Parquet file as JSON lines, through tarn's reader (test tool; driven
 * by tests/interop/parquet_tarn_reads_duckdb.test.mjs and handy by hand).
 *
 *   pq_dump FILE [--columns a,b] [--schema]
 *
 * Rows: one JSON object per row, keys = the selected decodable columns in schema order
 * (unsupported columns are left out). Canonical text per value:
 *   NULL                 null
 *   boolean              true / false
 *   int32, date          JSON number (date = days since 1970-01-01)
 *   int64                string of the decimal value ("-12"); UINT64 columns unsigned
 *   decimal              string with exactly `scale` fraction digits ("-1.50")
 *   timestamp(tz)        string of microseconds since the epoch ("1700000000000000")
 *   float, double        JSON number printed with %.17g (floats widened to double first);
 *                        NaN and infinities as strings "NaN", "Infinity", "-Infinity"
 *   string               JSON string (control characters escaped, other bytes as they are)
 *   binary, fixed, uuid  string of lower-case hex
 * --schema prints one JSON object per leaf column instead: name, type, nullable,
 * field_id (null when absent), unsupported (null or the reason).
 * Exit status 0 on success, 1 on any error (message on stderr).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "format/pq_reader.h"

static void put_json_string(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void put_hex(const ColStr *s)
{
    putchar('"');
    for (uint32_t i = 0; i < s->len; i++) {
        printf("%02x", (unsigned char)s->ptr[i]);
    }
    putchar('"');
}

static void put_double(double v)
{
    if (isnan(v))
        printf("\"NaN\"");
    else if (isinf(v))
        printf(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else
        printf("%.17g", v);
}

/* Unscaled value `v` with `scale` fraction digits. */
static void put_decimal(__int128 v, int scale)
{
    char digits[64];
    int n = 0;
    bool is_neg = v < 0;
    unsigned __int128 u = is_neg ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u && n < 60);
    while (n <= scale) {
        digits[n++] = '0';
    }
    putchar('"');
    if (is_neg)
        putchar('-');
    for (int i = n - 1; i >= 0; i--) {
        putchar(digits[i]);
        if (i == scale && scale > 0)
            putchar('.');
    }
    putchar('"');
}

static __int128 be_to_i128(const ColStr *s)
{
    const uint8_t *b = (const uint8_t *)s->ptr;
    unsigned __int128 v = s->len && (b[0] & 0x80) ? ~(unsigned __int128)0 : 0;
    for (uint32_t i = 0; i < s->len; i++) {
        v = (v << 8) | b[i];
    }
    return (__int128)v;
}

static bool is_uint64(const PqColumnInfo *info)
{
    const PqSchemaElement *e = info->element;
    return e->type == PQ_INT64 && ((e->logical.kind == PQ_LT_INTEGER && !e->logical.is_signed) ||
                                   (e->has_converted_type && e->converted_type == PQ_CT_UINT_64));
}

static void put_value(const PqColumnInfo *info, const ColVec *vec, size_t row)
{
    if (colvec_is_null(vec, row)) {
        printf("null");
        return;
    }
    const void *base = vec->values;
    size_t idx = row;
    if (vec->codes) {
        base = vec->dict->values;
        idx = vec->codes[row];
    }
    const ColTypeInfo *t = &vec->type;
    switch (t->id) {
    case COL_BOOL:
        printf(((const uint8_t *)base)[idx] ? "true" : "false");
        return;
    case COL_INT32:
    case COL_DATE:
        printf("%d", ((const int32_t *)base)[idx]);
        return;
    case COL_INT64:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ: {
        int64_t v = ((const int64_t *)base)[idx];
        if (is_uint64(info))
            printf("\"%llu\"", (unsigned long long)(uint64_t)v);
        else
            printf("\"%lld\"", (long long)v);
        return;
    }
    case COL_FLOAT:
        put_double(((const float *)base)[idx]);
        return;
    case COL_DOUBLE:
        put_double(((const double *)base)[idx]);
        return;
    case COL_DECIMAL:
        if (t->precision <= 18)
            put_decimal(((const int64_t *)base)[idx], t->scale);
        else
            put_decimal(be_to_i128(&((const ColStr *)base)[idx]), t->scale);
        return;
    case COL_STRING: {
        const ColStr *s = &((const ColStr *)base)[idx];
        put_json_string(s->ptr, s->len);
        return;
    }
    case COL_BINARY:
    case COL_UUID:
    case COL_FIXED:
        put_hex(&((const ColStr *)base)[idx]);
        return;
    }
}

static void print_schema(const PqReader *r)
{
    for (int32_t c = 0; c < pq_reader_n_columns(r); c++) {
        const PqColumnInfo *info = pq_reader_column(r, c);
        char type[64];
        colvec_type_name(info->type, type, sizeof type);
        printf("{\"name\":");
        put_json_string(info->name, strlen(info->name));
        printf(",\"type\":\"%s\",\"nullable\":%s,\"field_id\":", type,
               info->is_nullable ? "true" : "false");
        if (info->field_id >= 0)
            printf("%d", info->field_id);
        else
            printf("null");
        printf(",\"unsupported\":");
        if (info->unsupported)
            put_json_string(info->unsupported, strlen(info->unsupported));
        else
            printf("null");
        printf("}\n");
    }
}

static bool selected(const char *list, const char *name)
{
    if (!list)
        return true;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == len && strncmp(p, name, n) == 0)
            return true;
        p += n + (comma ? 1 : 0);
    }
    return false;
}

static int dump_rows(PqReader *r, const char *columns, Mem *mem)
{
    int32_t n_cols = pq_reader_n_columns(r);
    Arena arena;
    arena_init(&arena, mem, 1 << 20);
    Err err;
    err_init(&err);
    ColVec *vecs = arena_alloc_array(&arena, (size_t)n_cols + 1, sizeof(ColVec));
    int32_t *cols = arena_alloc_array(&arena, (size_t)n_cols + 1, sizeof(int32_t));
    Arena rg_arena;
    arena_init(&rg_arena, mem, 1 << 20);
    int rc = 0;
    int32_t n_sel = 0;
    for (int32_t c = 0; c < n_cols; c++) {
        const PqColumnInfo *info = pq_reader_column(r, c);
        if (!info->unsupported && selected(columns, info->name))
            cols[n_sel++] = c;
    }
    for (int32_t rg = 0; rg < pq_reader_n_row_groups(r) && rc == 0; rg++) {
        arena_reset(&rg_arena);
        for (int32_t i = 0; i < n_sel; i++) {
            if (pq_reader_read_column(r, rg, cols[i], &rg_arena, &vecs[i], &err) != ERR_OK) {
                fprintf(stderr, "pq_dump: %s\n", err.msg);
                rc = 1;
                break;
            }
        }
        size_t n_rows = (size_t)pq_reader_row_group_rows(r, rg);
        for (size_t row = 0; row < n_rows && rc == 0; row++) {
            putchar('{');
            for (int32_t i = 0; i < n_sel; i++) {
                const PqColumnInfo *info = pq_reader_column(r, cols[i]);
                if (i)
                    putchar(',');
                put_json_string(info->name, strlen(info->name));
                putchar(':');
                put_value(info, &vecs[i], row);
            }
            printf("}\n");
        }
    }
    arena_fini(&rg_arena);
    arena_fini(&arena);
    return rc;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *columns = NULL;
    bool want_schema = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--schema") == 0)
            want_schema = true;
        else if (strcmp(argv[i], "--columns") == 0 && i + 1 < argc)
            columns = argv[++i];
        else if (!path)
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: pq_dump FILE [--columns a,b] [--schema]\n");
        return 2;
    }
    /* A budget, as every tarn process has one (DESIGN.md §7): a hostile file claiming
     * billions of rows gets "memory limit exceeded", not the machine's memory. */
    Mem mem;
    mem_init(&mem, NULL, "pq_dump", (size_t)4 << 30);
    Err err;
    err_init(&err);
    PqReader *r;
    if (pq_reader_open(&mem, path, &r, &err) != ERR_OK) {
        fprintf(stderr, "pq_dump: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    if (want_schema)
        print_schema(r);
    else
        rc = dump_rows(r, columns, &mem);
    pq_reader_close(r);
    return rc;
}
