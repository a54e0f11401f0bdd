/* ice_value_fuzz.c — libFuzzer target for Iceberg single values and transforms
 * (table/ice_value, table/ice_partition, table/ice_types). The first byte picks a type;
 * the rest is read as that type's Appendix D serialization (as manifest bounds and
 * partition summaries are). What decodes must serialize to bytes that decode to an equal
 * value, format, hash and go through every transform that applies to its type. The rest
 * is also parsed as text: a type name, a transform name, and a string literal cast to
 * uuid, date, time, timestamp and decimal (each must succeed or fail with ERR_INVALID). */
#include <stdlib.h>
#include <string.h>

#include "table/ice_partition.h"
#include "table/ice_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const IcePrim types[] = {
        {.id = ICE_BOOLEAN},
        {.id = ICE_INT},
        {.id = ICE_LONG},
        {.id = ICE_FLOAT},
        {.id = ICE_DOUBLE},
        {.id = ICE_DECIMAL, .precision = 9, .scale = 2},
        {.id = ICE_DECIMAL, .precision = 38, .scale = 10},
        {.id = ICE_DATE},
        {.id = ICE_TIME},
        {.id = ICE_TIMESTAMP},
        {.id = ICE_TIMESTAMPTZ},
        {.id = ICE_STRING},
        {.id = ICE_UUID, .length = 16},
        {.id = ICE_FIXED, .length = 4},
        {.id = ICE_BINARY},
};

static const IceTransform transforms[] = {
        {ICE_TR_IDENTITY, 0}, {ICE_TR_BUCKET, 7}, {ICE_TR_TRUNCATE, 3}, {ICE_TR_YEAR, 0},
        {ICE_TR_MONTH, 0},    {ICE_TR_DAY, 0},    {ICE_TR_HOUR, 0},     {ICE_TR_VOID, 0},
};

static void check_value(Arena *arena, const IceValue *value)
{
    Err err;
    IceBytes bytes;
    if (ice_value_serialize(arena, value, &bytes, &err) != ERR_OK)
        abort(); /* every decoded value serializes */
    IceValue again;
    if (ice_value_deserialize(value->type, bytes, &again, &err) != ERR_OK ||
        ice_value_compare(value, &again) != 0)
        abort(); /* the round trip changed the value */
    char text[64];
    ice_value_format(value, text, sizeof text);
    (void)ice_bucket_hash(value);
    for (size_t i = 0; i < TN_ARRAY_LEN(transforms); i++) {
        IcePrim result_type;
        if (ice_transform_result_type(transforms[i], value->type, &result_type, &err) != ERR_OK)
            continue;
        IceValue out;
        if (ice_transform_apply(transforms[i], value, &out, &err) != ERR_OK)
            abort(); /* a transform that applies to the type applies to every value */
        ice_transform_human(transforms[i], &out, text, sizeof text);
    }
}

static void check_text(Arena *arena, const char *text, size_t len)
{
    Err err;
    IcePrim prim;
    err_ignore(ice_prim_parse(text, &prim, &err)); /* any outcome is fine */
    IceTransform tr;
    err_ignore(ice_transform_parse(text, &tr, &err)); /* any outcome is fine */
    const IceValue literal = ice_value_string(text, (uint32_t)len);
    static const IcePrim targets[] = {
            {.id = ICE_UUID, .length = 16},
            {.id = ICE_DATE},
            {.id = ICE_TIME},
            {.id = ICE_TIMESTAMP},
            {.id = ICE_DECIMAL, .precision = 20, .scale = 4},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(targets); i++) {
        IceValue out;
        ErrCode rc = ice_value_cast(arena, &literal, targets[i], &out, &err);
        if (rc != ERR_OK && rc != ERR_INVALID)
            abort();
        if (rc == ERR_OK)
            check_value(arena, &out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    err_init(&err);
    IcePrim type = types[data[0] % TN_ARRAY_LEN(types)];
    IceBytes in = {data + 1, (uint32_t)(size - 1)};
    IceValue value;
    ErrCode rc = ice_value_deserialize(type, in, &value, &err);
    if (rc == ERR_OK) {
        check_value(&arena, &value);
    } else if (rc != ERR_CORRUPT) {
        abort();
    }
    char *text = arena_strndup(&arena, (const char *)data + 1, size - 1);
    if (text)
        check_text(&arena, text, strlen(text));
    arena_fini(&arena);
    return 0;
}
