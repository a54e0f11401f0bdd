/* envoy_parse_test.c — unit tests for stream/envoy_parse: Envoy Gateway JSON lines (every
 * column, numbers as strings, "-" / null / "", escapes and UTF-8, unknown and nested keys,
 * missing keys, duplicates, x-forwarded-for lists, IPv6 remote addresses, route_name
 * parsing, timestamps with offsets), Envoy's default text format, rejects with their exact
 * reasons and the batch left untouched by them, and the batch lifecycle (capacity, reset,
 * string heap chunks, memory budget). */
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "stream/envoy_parse.h"
#include "test_util.h"

/* A realistic Envoy Gateway line (keys in Envoy Gateway's order). */
static const char gateway_line[] =
        "{\"start_time\":\"2026-11-24T10:00:00.123Z\",\"method\":\"POST\","
        "\"x-envoy-origin-path\":\"/api/v1/items?x=1\",\"protocol\":\"HTTP/2\","
        "\"response_code\":201,\"response_flags\":\"-\",\"response_code_details\":\"via_upstream\","
        "\"connection_termination_details\":null,\"upstream_transport_failure_reason\":null,"
        "\"bytes_received\":420,\"bytes_sent\":310,\"duration\":31,"
        "\"x-envoy-upstream-service-time\":\"29\",\"x-forwarded-for\":\"203.0.113.7\","
        "\"user-agent\":\"curl/8.10.1\",\"x-request-id\":\"8f2c0b8e-4f6a-4a8e-9d0e-2b1c3d4e5f60\","
        "\":authority\":\"api.example.com\",\"upstream_host\":\"10.244.3.10:3000\","
        "\"upstream_cluster\":\"httproute/default/backend/rule/0\","
        "\"upstream_local_address\":\"10.244.0.9:41234\","
        "\"downstream_local_address\":\"10.244.0.9:10443\","
        "\"downstream_remote_address\":\"10.0.1.21:52100\","
        "\"requested_server_name\":\"api.example.com\","
        "\"route_name\":\"httproute/default/backend/rule/0/match/0/api_example_com\"}";

static const char text_line[] =
        "[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 "
        "\"10.0.35.28\" \"nsq2http\" \"cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2\" \"locations\" "
        "\"tcp://10.0.2.1:80\"";

static EnvoyBatch *new_batch(Mem *mem, size_t capacity)
{
    mem_init(mem, NULL, "ingest batch", 0);
    EnvoyBatch *batch = NULL;
    Err err;
    assert_ok(envoy_batch_new(mem, capacity, &batch, &err), &err);
    return batch;
}

static ErrCode add(EnvoyBatch *batch, const char *line, Err *err)
{
    return envoy_batch_add_line(batch, line, strlen(line), err);
}

/* Add a line that must be accepted; returns its row. */
static size_t add_ok(EnvoyBatch *batch, const char *line)
{
    Err err;
    assert_ok(add(batch, line, &err), &err);
    return envoy_batch_n_rows(batch) - 1;
}

static void assert_str(const EnvoyBatch *batch, EnvoyColumn col, size_t row, const char *expected)
{
    const ColVec *vec = &envoy_batch_columns(batch)[col];
    assert_true(row < vec->n_rows);
    const ColStr *value = &((const ColStr *)vec->values)[row];
    if (!expected) {
        if (!colvec_is_null(vec, row)) {
            fail_msg("column %s row %zu: expected NULL, got \"%.*s\"", envoy_columns[col].name, row,
                     (int)value->len, value->ptr);
        }
        assert_int_equal(value->len, 0); /* NULL slots are zero */
        assert_null(value->ptr);
        return;
    }
    if (colvec_is_null(vec, row)) {
        fail_msg("column %s row %zu: expected \"%s\", got NULL", envoy_columns[col].name, row,
                 expected);
    }
    if (value->len != strlen(expected) || memcmp(value->ptr, expected, value->len) != 0) {
        fail_msg("column %s row %zu: expected \"%s\", got \"%.*s\"", envoy_columns[col].name, row,
                 expected, (int)value->len, value->ptr);
    }
}

static int64_t int_value(const ColVec *vec, size_t row)
{
    if (vec->type.id == COL_INT32)
        return ((const int32_t *)vec->values)[row];
    return ((const int64_t *)vec->values)[row];
}

static void assert_int(const EnvoyBatch *batch, EnvoyColumn col, size_t row, int64_t expected)
{
    const ColVec *vec = &envoy_batch_columns(batch)[col];
    if (colvec_is_null(vec, row)) {
        fail_msg("column %s row %zu: expected %lld, got NULL", envoy_columns[col].name, row,
                 (long long)expected);
    }
    if (int_value(vec, row) != expected) {
        fail_msg("column %s row %zu: expected %lld, got %lld", envoy_columns[col].name, row,
                 (long long)expected, (long long)int_value(vec, row));
    }
}

static void assert_null_int(const EnvoyBatch *batch, EnvoyColumn col, size_t row)
{
    const ColVec *vec = &envoy_batch_columns(batch)[col];
    if (!colvec_is_null(vec, row)) {
        fail_msg("column %s row %zu: expected NULL, got %lld", envoy_columns[col].name, row,
                 (long long)int_value(vec, row));
    }
    assert_int_equal(int_value(vec, row), 0);
}

static int64_t ts(const char *text)
{
    int64_t value = 0;
    Err err;
    assert_ok(datetime_parse(text, strlen(text), &value, NULL, &err), &err);
    return value;
}

/* The line must be rejected with exactly `expected` as the reason, leaving the batch as it
 * was. */
static void assert_reject(EnvoyBatch *batch, const char *line, size_t len, const char *expected)
{
    size_t rows_before = envoy_batch_n_rows(batch);
    size_t bytes_before = envoy_batch_string_bytes(batch);
    Err err;
    err_init(&err);
    ErrCode rc = envoy_batch_add_line(batch, line, len, &err);
    if (rc != ERR_INVALID) {
        fail_msg("expected a reject (%s) for %.*s, got %s", expected, (int)len, line,
                 err_code_name(rc));
    }
    assert_string_equal(err.msg, expected);
    assert_int_equal(envoy_batch_n_rows(batch), rows_before);
    assert_int_equal(envoy_batch_string_bytes(batch), bytes_before);
}

/* Byte offset of `needle` in `line`. */
static size_t offset_of(const char *line, const char *needle)
{
    const char *hit = strstr(line, needle);
    assert_non_null(hit);
    return (size_t)(hit - line);
}

static void envoy_columns_follow_the_table_schema(void **state)
{
    (void)state;
    static const char *const names[ENVOY_N_COLS] = {
            "event_time",
            "method",
            "path",
            "protocol",
            "response_code",
            "response_flags",
            "response_code_details",
            "bytes_received",
            "bytes_sent",
            "response_time_ms",
            "upstream_service_time_ms",
            "client_ip",
            "user_agent",
            "request_id",
            "authority",
            "upstream_host",
            "upstream_cluster",
            "route_name",
            "route_namespace",
            "route",
    };
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        assert_string_equal(envoy_columns[col].name, names[col]);
        assert_int_equal(envoy_columns[col].is_nullable, col != ENVOY_COL_EVENT_TIME);
    }
    assert_int_equal(envoy_columns[ENVOY_COL_EVENT_TIME].type.id, COL_TIMESTAMPTZ);
    assert_int_equal(envoy_columns[ENVOY_COL_RESPONSE_CODE].type.id, COL_INT32);
    assert_int_equal(envoy_columns[ENVOY_COL_BYTES_RECEIVED].type.id, COL_INT64);
    assert_int_equal(envoy_columns[ENVOY_COL_BYTES_SENT].type.id, COL_INT64);
    assert_int_equal(envoy_columns[ENVOY_COL_RESPONSE_TIME_MS].type.id, COL_INT32);
    assert_int_equal(envoy_columns[ENVOY_COL_UPSTREAM_SERVICE_TIME_MS].type.id, COL_INT32);
    assert_int_equal(envoy_columns[ENVOY_COL_ROUTE].type.id, COL_STRING);
}

static void envoy_parse_reads_every_column_of_a_gateway_line(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, gateway_line);
    assert_int_equal(row, 0);
    assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts("2026-11-24T10:00:00.123Z"));
    assert_str(batch, ENVOY_COL_METHOD, row, "POST");
    assert_str(batch, ENVOY_COL_PATH, row, "/api/v1/items?x=1");
    assert_str(batch, ENVOY_COL_PROTOCOL, row, "HTTP/2");
    assert_int(batch, ENVOY_COL_RESPONSE_CODE, row, 201);
    assert_str(batch, ENVOY_COL_RESPONSE_FLAGS, row, NULL); /* "-" */
    assert_str(batch, ENVOY_COL_RESPONSE_CODE_DETAILS, row, "via_upstream");
    assert_int(batch, ENVOY_COL_BYTES_RECEIVED, row, 420);
    assert_int(batch, ENVOY_COL_BYTES_SENT, row, 310);
    assert_int(batch, ENVOY_COL_RESPONSE_TIME_MS, row, 31);
    assert_int(batch, ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, row, 29);
    assert_str(batch, ENVOY_COL_CLIENT_IP, row, "203.0.113.7");
    assert_str(batch, ENVOY_COL_USER_AGENT, row, "curl/8.10.1");
    assert_str(batch, ENVOY_COL_REQUEST_ID, row, "8f2c0b8e-4f6a-4a8e-9d0e-2b1c3d4e5f60");
    assert_str(batch, ENVOY_COL_AUTHORITY, row, "api.example.com");
    assert_str(batch, ENVOY_COL_UPSTREAM_HOST, row, "10.244.3.10:3000");
    assert_str(batch, ENVOY_COL_UPSTREAM_CLUSTER, row, "httproute/default/backend/rule/0");
    assert_str(batch, ENVOY_COL_ROUTE_NAME, row,
               "httproute/default/backend/rule/0/match/0/api_example_com");
    assert_str(batch, ENVOY_COL_ROUTE_NAMESPACE, row, "default");
    assert_str(batch, ENVOY_COL_ROUTE, row, "backend");
    const ColVec *cols = envoy_batch_columns(batch);
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        assert_int_equal(cols[col].n_rows, 1);
        assert_null(cols[col].codes);
        assert_int_equal(cols[col].type.id, envoy_columns[col].type.id);
        assert_int_equal(cols[col].validity != NULL, col != ENVOY_COL_EVENT_TIME);
    }
    envoy_batch_free(batch);
    assert_int_equal(mem_used(&mem), 0);
}

static void envoy_parse_normalizes_numbers_dashes_nulls_and_empties(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, "{\"start_time\":\"2026-11-24T10:00:00Z\",\"response_code\":\"200\","
                               "\"bytes_received\":\"-\",\"bytes_sent\":\"\",\"duration\":null,"
                               "\"x-envoy-upstream-service-time\":\"12\",\"method\":null,"
                               "\"protocol\":\"-\",\"response_flags\":\"UF,URX\","
                               "\"user-agent\":\"\"}");
    assert_int(batch, ENVOY_COL_RESPONSE_CODE, row, 200);
    assert_null_int(batch, ENVOY_COL_BYTES_RECEIVED, row);
    assert_null_int(batch, ENVOY_COL_BYTES_SENT, row);
    assert_null_int(batch, ENVOY_COL_RESPONSE_TIME_MS, row);
    assert_int(batch, ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, row, 12);
    assert_str(batch, ENVOY_COL_METHOD, row, NULL);
    assert_str(batch, ENVOY_COL_PROTOCOL, row, NULL);
    assert_str(batch, ENVOY_COL_RESPONSE_FLAGS, row, "UF,URX");
    assert_str(batch, ENVOY_COL_USER_AGENT, row, ""); /* an empty string stays a string */
    /* JSON numbers, negatives, the int32 and int64 limits, and a number kept as text */
    row = add_ok(batch, "{\"start_time\":\"2026-11-24T10:00:00Z\",\"response_code\":-1,"
                        "\"duration\":2147483647,\"bytes_sent\":9223372036854775807,"
                        "\"bytes_received\":\"-9223372036854775808\",\"method\":7,"
                        "\"protocol\":true,\"x-envoy-upstream-service-time\":0}");
    assert_int(batch, ENVOY_COL_RESPONSE_CODE, row, -1);
    assert_int(batch, ENVOY_COL_RESPONSE_TIME_MS, row, INT32_MAX);
    assert_int(batch, ENVOY_COL_BYTES_SENT, row, INT64_MAX);
    assert_int(batch, ENVOY_COL_BYTES_RECEIVED, row, INT64_MIN);
    assert_int(batch, ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, row, 0);
    assert_str(batch, ENVOY_COL_METHOD, row, "7");
    assert_str(batch, ENVOY_COL_PROTOCOL, row, "true");
    envoy_batch_free(batch);
}

static void envoy_parse_unescapes_strings_to_utf8(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, "{\"start_time\":\"2026-11-24T10:00:00Z\","
                               "\"x-envoy-origin-path\":\"/a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\","
                               "\"user-agent\":\"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\u0041\","
                               "\":authority\":\"h\xc3\xa9llo-\xe2\x82\xac-\xf0\x9f\x98\x80\","
                               "\"x-request-id\":\"0123456789abcdef0123456789abcdef\\n\"}");
    assert_str(batch, ENVOY_COL_PATH, row, "/a\"b\\c/d\b\f\n\r\t");
    assert_str(batch, ENVOY_COL_USER_AGENT, row, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 A");
    assert_str(batch, ENVOY_COL_AUTHORITY, row, "h\xc3\xa9llo-\xe2\x82\xac-\xf0\x9f\x98\x80");
    assert_str(batch, ENVOY_COL_REQUEST_ID, row, "0123456789abcdef0123456789abcdef\n");
    envoy_batch_free(batch);
}

static void envoy_parse_skips_unknown_and_nested_values(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(
            batch,
            "  { \"x-extra\" : {\"a\":[1,-2.5e+3,{\"b\":\"c\\u00e9\\\"\"},[],{}],\"d\":null} ,"
            "\"list\":[true,false,null,0,\"\\ud83d\\ude00\"], \"n\":-0.0E-1 , \"empty\":{},"
            "\"start_time\" :\t\"2026-11-24T10:00:00Z\", \"method\":\"GET\", "
            "\"connection_termination_details\":\"x\",\"requested_server_name\":null }  ");
    assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts("2026-11-24T10:00:00Z"));
    assert_str(batch, ENVOY_COL_METHOD, row, "GET");
    envoy_batch_free(batch);
}

static void envoy_parse_makes_missing_keys_null(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, "{\"start_time\":\"2026-11-24T10:00:00Z\"}");
    const ColVec *cols = envoy_batch_columns(batch);
    for (int col = 1; col < ENVOY_N_COLS; col++) {
        assert_true(colvec_is_null(&cols[col], row));
    }
    assert_int_equal(colvec_null_count(&cols[ENVOY_COL_METHOD]), 1);
    envoy_batch_free(batch);
}

static void envoy_parse_takes_the_last_of_duplicate_keys(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, "{\"start_time\":\"2020-01-01T00:00:00Z\",\"method\":\"GET\","
                               "\"response_code\":200,\"start_time\":\"2026-11-24T10:00:00Z\","
                               "\"method\":\"POST\",\"response_code\":null,"
                               "\"route_name\":\"httproute/a/b/rule/0\","
                               "\"route_name\":\"httproute/c/d/rule/1/match/0/x\","
                               "\"x-forwarded-for\":\"1.1.1.1\",\"x-forwarded-for\":null,"
                               "\"downstream_remote_address\":\"2.2.2.2:1\"}");
    assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts("2026-11-24T10:00:00Z"));
    assert_str(batch, ENVOY_COL_METHOD, row, "POST");
    assert_null_int(batch, ENVOY_COL_RESPONSE_CODE, row);
    assert_str(batch, ENVOY_COL_ROUTE_NAMESPACE, row, "c");
    assert_str(batch, ENVOY_COL_ROUTE, row, "d");
    assert_str(batch, ENVOY_COL_CLIENT_IP, row, "2.2.2.2");
    envoy_batch_free(batch);
}

static void envoy_parse_derives_the_client_ip(void **state)
{
    (void)state;
    static const struct {
        const char *xff;    /* JSON value text or NULL for absent */
        const char *remote; /* JSON value text or NULL for absent */
        const char *expected;
    } cases[] = {
            {"\"203.0.113.7\"", "\"10.0.0.1:5432\"", "203.0.113.7"},
            {"\" 203.0.113.7 , 10.0.0.2,10.0.0.3\"", NULL, "203.0.113.7"},
            {"\"\\t2001:db8::7\\t, 10.0.0.2\"", NULL, "2001:db8::7"},
            {"\"-\"", "\"10.0.0.1:5432\"", "10.0.0.1"},
            {"null", "\"[::1]:80\"", "::1"},
            {"\"  \"", "\"[2001:db8::1]:443\"", "2001:db8::1"},
            {"\", 10.0.0.9\"", "\"192.0.2.5:1\"", "192.0.2.5"},
            {NULL, "\"10.1.1.1\"", "10.1.1.1"},
            {NULL, "\"2001:db8::2\"", "2001:db8::2"},
            {NULL, "\"-\"", NULL},
            {NULL, "\"[]:80\"", NULL},
            {NULL, NULL, NULL},
    };
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 64);
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        char line[512];
        int len = snprintf(line, sizeof line, "{\"start_time\":\"2026-11-24T10:00:00Z\"");
        if (cases[i].xff) {
            len += snprintf(line + len, sizeof line - (size_t)len, ",\"x-forwarded-for\":%s",
                            cases[i].xff);
        }
        if (cases[i].remote) {
            len += snprintf(line + len, sizeof line - (size_t)len,
                            ",\"downstream_remote_address\":%s", cases[i].remote);
        }
        snprintf(line + len, sizeof line - (size_t)len, "}");
        size_t row = add_ok(batch, line);
        assert_str(batch, ENVOY_COL_CLIENT_IP, row, cases[i].expected);
    }
    envoy_batch_free(batch);
}

static void envoy_parse_splits_route_names(void **state)
{
    (void)state;
    static const struct {
        const char *route_name;
        const char *ns;
        const char *name;
    } cases[] = {
            {"httproute/shop/cart/rule/0/match/0/shop_example_com", "shop", "cart"},
            {"httproute/ml/feature-store/rule/12", "ml", "feature-store"},
            {"httproute/shop/cart/rule/x", NULL, NULL},
            {"httproute/shop/cart/rule/", NULL, NULL},
            {"httproute/shop/cart", NULL, NULL},
            {"httproute//cart/rule/0", NULL, NULL},
            {"httproute/shop//rule/0", NULL, NULL},
            {"grpcroute/shop/cart/rule/0", NULL, NULL},
            {"default", NULL, NULL},
    };
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 64);
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        char line[512];
        snprintf(line, sizeof line,
                 "{\"start_time\":\"2026-11-24T10:00:00Z\",\"route_name\":\"%s\"}",
                 cases[i].route_name);
        size_t row = add_ok(batch, line);
        assert_str(batch, ENVOY_COL_ROUTE_NAME, row, cases[i].route_name);
        assert_str(batch, ENVOY_COL_ROUTE_NAMESPACE, row, cases[i].ns);
        assert_str(batch, ENVOY_COL_ROUTE, row, cases[i].name);
    }
    size_t row = add_ok(batch, "{\"start_time\":\"2026-11-24T10:00:00Z\",\"route_name\":null}");
    assert_str(batch, ENVOY_COL_ROUTE_NAMESPACE, row, NULL);
    envoy_batch_free(batch);
}

static void envoy_parse_reads_timestamps_with_any_offset(void **state)
{
    (void)state;
    static const char *const stamps[] = {
            "2026-11-24T10:00:00.123Z",      "2026-11-24T12:00:00.123+02:00",
            "2026-11-24T05:30:00.123-04:30", "2026-11-24T10:00:00.123456Z",
            "2026-11-24 10:00:00Z",          "2024-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.999Z",      "2026-11-24T10:00:00.1z",
    };
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 64);
    for (size_t i = 0; i < TN_ARRAY_LEN(stamps); i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"start_time\":\"%s\"}", stamps[i]);
        size_t row = add_ok(batch, line);
        assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts(stamps[i]));
    }
    assert_int(batch, ENVOY_COL_EVENT_TIME, 1, ts("2026-11-24T10:00:00.123Z"));
    /* every millisecond form Envoy writes agrees with the general parser */
    for (int64_t t = ts("1999-12-31T23:59:58Z"); t < ts("2000-03-01T00:00:03Z");
         t += 7777 * INT64_C(1000) + 1000 * DATETIME_MICROS_PER_SEC) {
        if (envoy_batch_is_full(batch)) {
            envoy_batch_reset(batch);
        }
        char stamp[DATETIME_FORMAT_CAP];
        datetime_format(t, DATETIME_RFC3339_MILLIS, stamp, sizeof stamp);
        char line[256];
        snprintf(line, sizeof line, "{\"start_time\":\"%s\"}", stamp);
        size_t row = add_ok(batch, line);
        assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts(stamp));
    }
    envoy_batch_free(batch);
}

static void envoy_parse_reads_the_default_text_format(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    size_t row = add_ok(batch, text_line);
    assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts("2016-04-15T20:17:00.310Z"));
    assert_str(batch, ENVOY_COL_METHOD, row, "POST");
    assert_str(batch, ENVOY_COL_PATH, row, "/api/v1/locations");
    assert_str(batch, ENVOY_COL_PROTOCOL, row, "HTTP/2");
    assert_int(batch, ENVOY_COL_RESPONSE_CODE, row, 204);
    assert_str(batch, ENVOY_COL_RESPONSE_FLAGS, row, NULL);
    assert_str(batch, ENVOY_COL_RESPONSE_CODE_DETAILS, row, NULL);
    assert_int(batch, ENVOY_COL_BYTES_RECEIVED, row, 154);
    assert_int(batch, ENVOY_COL_BYTES_SENT, row, 0);
    assert_int(batch, ENVOY_COL_RESPONSE_TIME_MS, row, 226);
    assert_int(batch, ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, row, 100);
    assert_str(batch, ENVOY_COL_CLIENT_IP, row, "10.0.35.28");
    assert_str(batch, ENVOY_COL_USER_AGENT, row, "nsq2http");
    assert_str(batch, ENVOY_COL_REQUEST_ID, row, "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2");
    assert_str(batch, ENVOY_COL_AUTHORITY, row, "locations");
    assert_str(batch, ENVOY_COL_UPSTREAM_HOST, row, "tcp://10.0.2.1:80");
    assert_str(batch, ENVOY_COL_UPSTREAM_CLUSTER, row, NULL);
    assert_str(batch, ENVOY_COL_ROUTE_NAME, row, NULL);
    assert_str(batch, ENVOY_COL_ROUTE, row, NULL);
    /* dashes, an x-forwarded-for list, a quote inside the agent, a path with a space,
     * a trailing \r and fields a custom format appended */
    row = add_ok(batch, "[2026-11-24T10:00:00.000+01:00] \"GET /a b?q=1 HTTP/1.1\" 0 DC 0 - 5 - "
                        "\"198.51.100.4, 10.0.0.1\" \"Mozilla \"quoted\" x\" \"-\" \"-\" "
                        "\"-\" extra fields\r");
    assert_int(batch, ENVOY_COL_EVENT_TIME, row, ts("2026-11-24T09:00:00Z"));
    assert_str(batch, ENVOY_COL_PATH, row, "/a b?q=1");
    assert_int(batch, ENVOY_COL_RESPONSE_CODE, row, 0);
    assert_str(batch, ENVOY_COL_RESPONSE_FLAGS, row, "DC");
    assert_null_int(batch, ENVOY_COL_BYTES_SENT, row);
    assert_null_int(batch, ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, row);
    assert_str(batch, ENVOY_COL_CLIENT_IP, row, "198.51.100.4");
    assert_str(batch, ENVOY_COL_USER_AGENT, row, "Mozilla \"quoted\" x");
    assert_str(batch, ENVOY_COL_REQUEST_ID, row, NULL);
    assert_str(batch, ENVOY_COL_UPSTREAM_HOST, row, NULL);
    envoy_batch_free(batch);
}

static void envoy_parse_rejects_json_with_reasons(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    add_ok(batch, gateway_line);
    char expected[512];
    static const char start[] = "{\"start_time\":\"2026-11-24T10:00:00Z\"";
    assert_reject(batch, "", 0, "empty line (byte 0)");
    assert_reject(batch, "  \t", 3, "empty line (byte 3)");
    assert_reject(batch, "hello", 5,
                  "not an Envoy access log line: expected '{' (JSON) or '[' (text), found 'h' "
                  "(byte 0)");
    assert_reject(batch, " \x01", 2,
                  "not an Envoy access log line: expected '{' (JSON) or '[' (text), found "
                  "'\\x01' (byte 1)");

    char line[1024];
    snprintf(line, sizeof line, "%s,\"method\":\"GE", start);
    snprintf(expected, sizeof expected,
             "truncated JSON: expected the closing '\"' of a string but the line ended (byte %zu)",
             strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,", start);
    snprintf(expected, sizeof expected,
             "truncated JSON: expected '\"' to start a key but the line ended (byte %zu)",
             strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s", start);
    snprintf(expected, sizeof expected,
             "truncated JSON: expected ',' or '}' but the line ended (byte %zu)", strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"duration\":12", start);
    snprintf(expected, sizeof expected,
             "truncated JSON: expected ',' or '}' but the line ended (byte %zu)", strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"x\":[1,{\"y\":tru", start);
    snprintf(expected, sizeof expected,
             "truncated JSON: expected true but the line ended (byte %zu)", strlen(line));
    assert_reject(batch, line, strlen(line), expected);

    snprintf(line, sizeof line, "%s \"method\":\"GET\"}", start);
    snprintf(expected, sizeof expected, "invalid JSON: expected ',' or '}', found '\"' (byte %zu)",
             offset_of(line, "\"method"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"method\" \"GET\"}", start);
    snprintf(expected, sizeof expected,
             "invalid JSON: expected ':' after a key, found '\"' (byte %zu)",
             offset_of(line, "\"GET"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s}x", start);
    snprintf(expected, sizeof expected, "invalid JSON: unexpected text after the object (byte %zu)",
             strlen(line) - 1);
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"n\":01}", start);
    snprintf(expected, sizeof expected, "invalid JSON: expected ',' or '}', found '1' (byte %zu)",
             offset_of(line, "1}"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"n\":-x}", start);
    snprintf(expected, sizeof expected, "invalid JSON: malformed number (byte %zu)",
             offset_of(line, "-x"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"n\":nul}", start);
    snprintf(expected, sizeof expected, "invalid JSON: expected null, found 'n' (byte %zu)",
             offset_of(line, "nul}"));
    assert_reject(batch, line, strlen(line), expected);

    snprintf(line, sizeof line, "{\"method\":\"GET\"}");
    assert_reject(batch, line, strlen(line),
                  "start_time: missing (every record needs a start time) (byte 0)");
    snprintf(line, sizeof line, "{\"start_time\":null}");
    assert_reject(batch, line, strlen(line),
                  "start_time: missing (every record needs a start time) (byte 0)");
    snprintf(line, sizeof line, "{\"start_time\":\"2026-13-01T00:00:00Z\"}");
    assert_reject(batch, line, strlen(line),
                  "start_time: invalid timestamp \"2026-13-01T00:00:00Z\": month 13 is out of "
                  "range at character 6 (byte 14)");
    snprintf(line, sizeof line, "{\"start_time\":1700000000}");
    assert_reject(batch, line, strlen(line),
                  "start_time: expected an RFC 3339 timestamp string (byte 14)");

    snprintf(line, sizeof line, "%s,\"response_code\":\"abc\"}", start);
    snprintf(expected, sizeof expected, "response_code: \"abc\" is not an integer (byte %zu)",
             offset_of(line, "\"abc"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"duration\":1.5}", start);
    snprintf(expected, sizeof expected, "duration: 1.5 is not an integer (byte %zu)",
             offset_of(line, "1.5"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"duration\":1e3}", start);
    snprintf(expected, sizeof expected, "duration: 1e3 is not an integer (byte %zu)",
             offset_of(line, "1e3"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"bytes_sent\":\" 12\"}", start);
    snprintf(expected, sizeof expected, "bytes_sent: \" 12\" is not an integer (byte %zu)",
             offset_of(line, "\" 12"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"response_code\":2147483648}", start);
    snprintf(expected, sizeof expected,
             "response_code: 2147483648 is out of range for int (byte %zu)",
             offset_of(line, "2147483648"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"bytes_received\":\"9223372036854775808\"}", start);
    snprintf(expected, sizeof expected,
             "bytes_received: \"9223372036854775808\" is out of range for long (byte %zu)",
             offset_of(line, "\"9223"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"duration\":true}", start);
    snprintf(expected, sizeof expected, "duration: expected a number, found true (byte %zu)",
             offset_of(line, "true"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"method\":{\"a\":1}}", start);
    snprintf(expected, sizeof expected, "method: expected a string, found an object (byte %zu)",
             offset_of(line, "{\"a"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s,\"duration\":[1]}", start);
    snprintf(expected, sizeof expected, "duration: expected a number, found an array (byte %zu)",
             offset_of(line, "[1]"));
    assert_reject(batch, line, strlen(line), expected);
    envoy_batch_free(batch);
}

static void envoy_parse_rejects_bad_strings(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    static const char start[] = "{\"start_time\":\"2026-11-24T10:00:00Z\",\"method\":\"";
    static const struct {
        const char *body;   /* after start, the rest of the line */
        const char *reason; /* without the offset */
        const char *at;     /* the reported offset is where this first occurs in body */
    } cases[] = {
            {"a\\x\"}", "invalid JSON: invalid escape \"\\\\x\"", "\\x"},
            {"a\\u12g4\"}", "invalid JSON: \\u must be followed by four hex digits", "\\u"},
            {"a\\udc00\"}", "invalid JSON: \\udc00 is a lone low surrogate", "\\u"},
            {"a\\ud800\"}", "invalid JSON: \\ud800 is a high surrogate without a low one", "\\u"},
            {"a\\ud800\\u0041\"}", "invalid JSON: \\ud800 is a high surrogate without a low one",
             "\\u"},
            {"a\tb\"}", "invalid JSON: control byte 0x09 inside a string", "\t"},
            {"a\xc3\x28\"}", "invalid UTF-8 in a string", "\xc3"},
            {"a\xc0\xaf\"}", "invalid UTF-8 in a string", "\xc0"},
            {"a\xe0\x80\xaf\"}", "invalid UTF-8 in a string", "\xe0"},
            {"a\xed\xa0\x80\"}", "invalid UTF-8 in a string", "\xed"},
            {"a\xf4\x90\x80\x80\"}", "invalid UTF-8 in a string", "\xf4"},
            {"a\xff\"}", "invalid UTF-8 in a string", "\xff"},
            {"a\x80\"}", "invalid UTF-8 in a string", "\x80"},
            {"0123456789abcdef0123456789\xe2\x82\"}", "invalid UTF-8 in a string", "\xe2"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        char line[256];
        snprintf(line, sizeof line, "%s%s", start, cases[i].body);
        char expected[512];
        snprintf(expected, sizeof expected, "%s (byte %zu)", cases[i].reason,
                 strlen(start) + (size_t)(strstr(cases[i].body, cases[i].at) - cases[i].body));
        assert_reject(batch, line, strlen(line), expected);
    }
    /* the same bad bytes in an unknown key's value reject the line too */
    static const char bad_unknown[] =
            "{\"start_time\":\"2026-11-24T10:00:00Z\",\"other\":[\"\xff\"]}";
    char expected_unknown[64];
    snprintf(expected_unknown, sizeof expected_unknown, "invalid UTF-8 in a string (byte %zu)",
             offset_of(bad_unknown, "\xff"));
    assert_reject(batch, bad_unknown, strlen(bad_unknown), expected_unknown);
    char deep[400];
    size_t len = (size_t)snprintf(deep, sizeof deep,
                                  "{\"start_time\":\"2026-11-24T10:00:00Z\","
                                  "\"x\":");
    size_t first_bracket = len;
    for (int i = 0; i < 100; i++) {
        deep[len++] = '[';
    }
    deep[len] = '\0';
    char expected[128];
    snprintf(expected, sizeof expected, "invalid JSON: nested deeper than 64 levels (byte %zu)",
             first_bracket + 64);
    assert_reject(batch, deep, len, expected);
    envoy_batch_free(batch);
}

static void envoy_parse_rejects_bad_text_lines(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 16);
    char line[512];
    char expected[512];
    snprintf(line, sizeof line, "%s", text_line);
    memcpy(strstr(line, "204"), "2x4", 3);
    snprintf(expected, sizeof expected, "response_code: 2x4 is not an integer (byte %zu)",
             offset_of(line, "2x4"));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s", text_line);
    *strstr(line, " \"nsq2http") = '\0';
    snprintf(expected, sizeof expected,
             "truncated text log line: expected user-agent but the line ended (byte %zu)",
             strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    snprintf(line, sizeof line, "%s", text_line);
    *strstr(line, "\"POST") = 'x';
    assert_reject(batch, line, strlen(line),
                  "invalid text log line: expected '\"' before the request line, found 'x' "
                  "(byte 27)");
    snprintf(line, sizeof line, "%s", text_line);
    *strstr(line, "\"tcp:") = 'x'; /* swallowed by the authority: upstream_host is missing */
    snprintf(expected, sizeof expected,
             "truncated text log line: expected upstream_host but the line ended (byte %zu)",
             strlen(line));
    assert_reject(batch, line, strlen(line), expected);
    assert_reject(batch, "[2016-04-15T20:17:00.310Z", 25,
                  "truncated text log line: expected ']' after the start time but the line ended "
                  "(byte 25)");
    assert_reject(batch, "[yesterday] \"GET / HTTP/1.1\"", 28,
                  "start_time: invalid timestamp \"yesterday\": expected a digit, found 'y' at "
                  "character 1 (byte 1)");
    assert_reject(batch, "[2016-04-15T20:17:00.310Z] \"GET\" 200", 36,
                  "invalid text log line: the request line is not \"METHOD PATH PROTOCOL\" "
                  "(byte 27)");
    static const char bad_utf8[] = "[2016-04-15T20:17:00.310Z] \"GET / HTTP/1.1\" 200 - 1 2 3 4 "
                                   "\"a\xff\"";
    assert_reject(batch, bad_utf8, strlen(bad_utf8), "invalid UTF-8 in a text log line (byte 60)");
    snprintf(line, sizeof line, "%s", text_line);
    *strstr(line, " 100 ") = '\t';
    add_ok(batch, line); /* a tab separates as well as a space */
    envoy_batch_free(batch);
}

static void envoy_parse_batch_fills_resets_and_reuses(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 3);
    assert_int_equal(envoy_batch_capacity(batch), 3);
    Err err;
    for (int round = 0; round < 3; round++) {
        assert_false(envoy_batch_is_full(batch));
        add_ok(batch, gateway_line);
        assert_reject(batch, "nope", 4,
                      "not an Envoy access log line: expected '{' (JSON) or '[' (text), found "
                      "'n' (byte 0)");
        add_ok(batch, text_line);
        add_ok(batch, gateway_line);
        assert_true(envoy_batch_is_full(batch));
        assert_int_equal(add(batch, gateway_line, &err), ERR_LIMIT);
        assert_string_equal(err.msg, "envoy batch is full (3 rows)");
        assert_int_equal(envoy_batch_n_rows(batch), 3);
        assert_true(envoy_batch_string_bytes(batch) > 0);
        assert_str(batch, ENVOY_COL_USER_AGENT, 1, "nsq2http");
        assert_str(batch, ENVOY_COL_ROUTE, 2, "backend");
        envoy_batch_reset(batch);
        assert_int_equal(envoy_batch_n_rows(batch), 0);
        assert_int_equal(envoy_batch_string_bytes(batch), 0);
        assert_int_equal(envoy_batch_columns(batch)[ENVOY_COL_METHOD].n_rows, 0);
    }
    size_t used = mem_used(&mem);
    for (int i = 0; i < 3; i++) {
        add_ok(batch, gateway_line);
    }
    envoy_batch_reset(batch);
    assert_int_equal(mem_used(&mem), used); /* reset keeps the memory for the next round */
    envoy_batch_free(batch);
    assert_int_equal(mem_used(&mem), 0);
    envoy_batch_free(NULL);
    assert_int_equal(envoy_batch_new(&mem, 0, &batch, &err), ERR_INVALID);
    assert_string_equal(err.msg, "envoy batch capacity 0 is out of range 1..16777216");
}

static void envoy_parse_strings_survive_across_heap_chunks(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 4000);
    static char line[3000];
    for (size_t row = 0; row < 4000; row++) {
        char path[2100];
        size_t path_len = 1000 + row % 1000;
        for (size_t i = 0; i < path_len; i++) {
            path[i] = (char)('a' + (row + i) % 26);
        }
        path[path_len] = '\0';
        snprintf(line, sizeof line,
                 "{\"start_time\":\"2026-11-24T10:00:00Z\",\"x-envoy-origin-path\":\"%s\","
                 "\"x-request-id\":\"r%zu\"}",
                 path, row);
        assert_int_equal(add_ok(batch, line), row);
    }
    assert_true(envoy_batch_string_bytes(batch) > 4 * 1024 * 1024);
    const ColVec *cols = envoy_batch_columns(batch);
    for (size_t row = 0; row < 4000; row++) {
        const ColStr *path = &((const ColStr *)cols[ENVOY_COL_PATH].values)[row];
        assert_int_equal(path->len, 1000 + row % 1000);
        for (size_t i = 0; i < path->len; i += 97) {
            assert_int_equal(path->ptr[i], 'a' + (row + i) % 26);
        }
        char id[32];
        snprintf(id, sizeof id, "r%zu", row);
        assert_str(batch, ENVOY_COL_REQUEST_ID, row, id);
    }
    envoy_batch_free(batch);
}

static void envoy_parse_caps_line_length(void **state)
{
    (void)state;
    Mem mem;
    EnvoyBatch *batch = new_batch(&mem, 4);
    size_t len = ENVOY_MAX_LINE_BYTES + 1;
    char *line = mem_alloc(&mem, len, NULL);
    assert_non_null(line);
    memset(line, ' ', len);
    line[0] = '{';
    Err err;
    assert_int_equal(envoy_batch_add_line(batch, line, len, &err), ERR_INVALID);
    assert_string_equal(err.msg, "line of 1048577 bytes is longer than the limit of 1048576");
    /* exactly at the limit (with a trailing \r beyond it) is fine */
    int prefix = snprintf(line, len, "{\"start_time\":\"2026-11-24T10:00:00Z\"");
    line[prefix] = ' ';
    line[ENVOY_MAX_LINE_BYTES - 1] = '}';
    line[ENVOY_MAX_LINE_BYTES] = '\r';
    assert_ok(envoy_batch_add_line(batch, line, len, &err), &err);
    mem_free(&mem, line);
    envoy_batch_free(batch);
}

static void envoy_parse_respects_the_memory_budget(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "ingest batch", 0);
    Err err;
    /* every allocation of envoy_batch_new failing in turn leaks nothing */
    for (long n = 1;; n++) {
        mem_fail_at(&mem, n);
        EnvoyBatch *batch = NULL;
        ErrCode rc = envoy_batch_new(&mem, 100, &batch, &err);
        if (rc == ERR_OK) {
            mem_fail_at(&mem, 0);
            envoy_batch_free(batch);
            break;
        }
        assert_int_equal(rc, ERR_NOMEM);
        assert_null(batch);
        assert_int_equal(mem_used(&mem), 0);
    }
    EnvoyBatch *batch = NULL;
    assert_ok(envoy_batch_new(&mem, 100, &batch, &err), &err);
    mem_fail_at(&mem, 1); /* the first string chunk */
    assert_int_equal(add(batch, gateway_line, &err), ERR_NOMEM);
    assert_int_equal(envoy_batch_n_rows(batch), 0);
    add_ok(batch, gateway_line);
    envoy_batch_free(batch);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(envoy_columns_follow_the_table_schema),
            cmocka_unit_test(envoy_parse_reads_every_column_of_a_gateway_line),
            cmocka_unit_test(envoy_parse_normalizes_numbers_dashes_nulls_and_empties),
            cmocka_unit_test(envoy_parse_unescapes_strings_to_utf8),
            cmocka_unit_test(envoy_parse_skips_unknown_and_nested_values),
            cmocka_unit_test(envoy_parse_makes_missing_keys_null),
            cmocka_unit_test(envoy_parse_takes_the_last_of_duplicate_keys),
            cmocka_unit_test(envoy_parse_derives_the_client_ip),
            cmocka_unit_test(envoy_parse_splits_route_names),
            cmocka_unit_test(envoy_parse_reads_timestamps_with_any_offset),
            cmocka_unit_test(envoy_parse_reads_the_default_text_format),
            cmocka_unit_test(envoy_parse_rejects_json_with_reasons),
            cmocka_unit_test(envoy_parse_rejects_bad_strings),
            cmocka_unit_test(envoy_parse_rejects_bad_text_lines),
            cmocka_unit_test(envoy_parse_batch_fills_resets_and_reuses),
            cmocka_unit_test(envoy_parse_strings_survive_across_heap_chunks),
            cmocka_unit_test(envoy_parse_caps_line_length),
            cmocka_unit_test(envoy_parse_respects_the_memory_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
