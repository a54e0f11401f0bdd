/* ice_types_test.c — unit tests for table/ice_types: primitive type names both ways,
 * column-vector type mapping, and schema lookups through nested structs, lists and maps. */
#include <string.h>

#include "table/ice_types.h"
#include "test_util.h"

static void ice_prim_parse_and_name_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *name;
        IcePrim prim;
    } cases[] = {
            {"boolean", "boolean", {.id = ICE_BOOLEAN}},
            {"int", "int", {.id = ICE_INT}},
            {"long", "long", {.id = ICE_LONG}},
            {"float", "float", {.id = ICE_FLOAT}},
            {"double", "double", {.id = ICE_DOUBLE}},
            {"decimal(9, 2)", "decimal(9,2)", {.id = ICE_DECIMAL, .precision = 9, .scale = 2}},
            {"decimal(38,0)", "decimal(38,0)", {.id = ICE_DECIMAL, .precision = 38}},
            {"date", "date", {.id = ICE_DATE}},
            {"time", "time", {.id = ICE_TIME}},
            {"timestamp", "timestamp", {.id = ICE_TIMESTAMP}},
            {"timestamptz", "timestamptz", {.id = ICE_TIMESTAMPTZ}},
            {"string", "string", {.id = ICE_STRING}},
            {"uuid", "uuid", {.id = ICE_UUID, .length = 16}},
            {"fixed[16]", "fixed[16]", {.id = ICE_FIXED, .length = 16}},
            {"fixed[ 3 ]", "fixed[3]", {.id = ICE_FIXED, .length = 3}},
            {"binary", "binary", {.id = ICE_BINARY}},
            {"LONG", "long", {.id = ICE_LONG}},
    };
    Err err;
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        IcePrim prim;
        assert_ok(ice_prim_parse(cases[i].text, &prim, &err), &err);
        assert_int_equal(prim.id, cases[i].prim.id);
        assert_int_equal(prim.precision, cases[i].prim.precision);
        assert_int_equal(prim.scale, cases[i].prim.scale);
        assert_int_equal(prim.length, cases[i].prim.length);
        char buf[32];
        ice_prim_name(prim, buf, sizeof buf);
        assert_string_equal(buf, cases[i].name);
    }
}

static void ice_prim_parse_rejects_bad_names(void **state)
{
    (void)state;
    static const char *const bad[] = {
            "integer",       "decimal(0,0)", "decimal(39,2)", "decimal(9)", "decimal(9,2",
            "decimal(9,2)x", "fixed[0]",     "fixed[]",       "fixed16",    "",
            "struct",
    };
    Err err;
    IcePrim prim = {.id = ICE_MAP};
    for (size_t i = 0; i < TN_ARRAY_LEN(bad); i++) {
        assert_int_equal(ice_prim_parse(bad[i], &prim, &err), ERR_INVALID);
        assert_non_null(strstr(err.msg, bad[i]));
    }
    assert_int_equal(prim.id, ICE_MAP); /* untouched on error */
    assert_int_equal(ice_prim_parse("timestamp_ns", &prim, &err), ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "timestamp_ns"));
    assert_int_equal(ice_prim_parse("variant", &prim, &err), ERR_UNSUPPORTED);
}

static void ice_prim_maps_to_column_types_and_back(void **state)
{
    (void)state;
    static const IcePrim prims[] = {
            {.id = ICE_BOOLEAN},
            {.id = ICE_INT},
            {.id = ICE_LONG},
            {.id = ICE_FLOAT},
            {.id = ICE_DOUBLE},
            {.id = ICE_DECIMAL, .precision = 20, .scale = 4},
            {.id = ICE_DATE},
            {.id = ICE_TIMESTAMP},
            {.id = ICE_TIMESTAMPTZ},
            {.id = ICE_STRING},
            {.id = ICE_UUID, .length = 16},
            {.id = ICE_FIXED, .length = 7},
            {.id = ICE_BINARY},
    };
    Err err;
    for (size_t i = 0; i < TN_ARRAY_LEN(prims); i++) {
        ColTypeInfo col = ice_prim_to_col(prims[i]);
        IcePrim back;
        assert_ok(ice_prim_from_col(col, &back, &err), &err);
        assert_int_equal(back.id, prims[i].id);
        assert_int_equal(back.precision, prims[i].precision);
        assert_int_equal(back.scale, prims[i].scale);
        assert_int_equal(back.length, prims[i].length);
    }
    ColTypeInfo time_col = ice_prim_to_col((IcePrim){.id = ICE_TIME});
    assert_int_equal(time_col.id, COL_INT64);
    assert_int_equal(ice_prim_to_col((IcePrim){.id = ICE_UUID, .length = 16}).fixed_len, 16);
    IcePrim out;
    assert_int_equal(
            ice_prim_from_col((ColTypeInfo){.id = COL_DECIMAL, .precision = 40}, &out, &err),
            ERR_UNSUPPORTED);
}

/* Schema: 1 id long, 2 tags list<string> (element 5), 3 attrs map<string, struct{6 a int}>
 * (key 7, value 8), 4 point struct{9 x double, 10 y double}. */
static void ice_schema_lookups_walk_nested_types(void **state)
{
    (void)state;
    const IceType t_long = {.id = ICE_LONG, .prim = {.id = ICE_LONG}};
    const IceType t_int = {.id = ICE_INT, .prim = {.id = ICE_INT}};
    const IceType t_double = {.id = ICE_DOUBLE, .prim = {.id = ICE_DOUBLE}};
    const IceType t_string = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
    const IceField value_fields[] = {{.id = 6, .name = "a", .type = &t_int}};
    const IceType t_value = {.id = ICE_STRUCT, .fields = value_fields, .n_fields = 1};
    const IceType t_list = {.id = ICE_LIST, .element_id = 5, .element = &t_string};
    const IceType t_map = {
            .id = ICE_MAP, .key_id = 7, .key = &t_string, .value_id = 8, .value = &t_value};
    const IceField point_fields[] = {{.id = 9, .name = "x", .type = &t_double},
                                     {.id = 10, .name = "y", .type = &t_double}};
    const IceType t_point = {.id = ICE_STRUCT, .fields = point_fields, .n_fields = 2};
    const IceField fields[] = {{.id = 1, .name = "id", .is_required = true, .type = &t_long},
                               {.id = 2, .name = "tags", .type = &t_list},
                               {.id = 3, .name = "attrs", .type = &t_map},
                               {.id = 4, .name = "point", .type = &t_point}};
    const IceSchema schema = {.fields = fields, .n_fields = 4, .highest_field_id = 10};

    assert_ptr_equal(ice_schema_find_id(&schema, 1), &fields[0]);
    assert_ptr_equal(ice_schema_find_id(&schema, 10), &point_fields[1]);
    assert_ptr_equal(ice_schema_find_id(&schema, 6), &value_fields[0]);
    assert_null(ice_schema_find_id(&schema, 5)); /* a list element has no IceField */
    assert_null(ice_schema_find_id(&schema, 11));
    assert_ptr_equal(ice_schema_find_name(&schema, "attrs"), &fields[2]);
    assert_null(ice_schema_find_name(&schema, "x"));
    assert_null(ice_schema_find_name(&schema, "ID"));

    assert_ptr_equal(ice_schema_find_type(&schema, 5), &t_string);
    assert_ptr_equal(ice_schema_find_type(&schema, 8), &t_value);
    assert_ptr_equal(ice_schema_find_type(&schema, 9), &t_double);
    IcePrim prim;
    assert_true(ice_schema_find_prim(&schema, 7, &prim));
    assert_int_equal(prim.id, ICE_STRING);
    assert_true(ice_schema_find_prim(&schema, 1, &prim));
    assert_int_equal(prim.id, ICE_LONG);
    assert_false(ice_schema_find_prim(&schema, 4, &prim));
    assert_false(ice_schema_find_prim(&schema, 99, &prim));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ice_prim_parse_and_name_round_trip),
            cmocka_unit_test(ice_prim_parse_rejects_bad_names),
            cmocka_unit_test(ice_prim_maps_to_column_types_and_back),
            cmocka_unit_test(ice_schema_lookups_walk_nested_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
