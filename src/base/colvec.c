/* colvec.c — helpers for column vectors (see colvec.h). */
#include "base/colvec.h"

#include <stdio.h>
#include <string.h>

bool colvec_is_bytes(ColTypeInfo type)
{
    switch (type.id) {
    case COL_STRING:
    case COL_BINARY:
    case COL_UUID:
    case COL_FIXED:
        return true;
    case COL_DECIMAL:
        return type.precision > 18;
    case COL_BOOL:
    case COL_INT32:
    case COL_INT64:
    case COL_FLOAT:
    case COL_DOUBLE:
    case COL_DATE:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
        return false;
    }
    return false;
}

size_t colvec_value_width(ColTypeInfo type)
{
    switch (type.id) {
    case COL_BOOL:
        return 1;
    case COL_INT32:
    case COL_DATE:
    case COL_FLOAT:
        return 4;
    case COL_INT64:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
    case COL_DOUBLE:
        return 8;
    case COL_DECIMAL:
        return type.precision > 18 ? sizeof(ColStr) : 8;
    case COL_STRING:
    case COL_BINARY:
    case COL_UUID:
    case COL_FIXED:
        return sizeof(ColStr);
    }
    return 8;
}

ErrCode colvec_alloc(Arena *arena, ColTypeInfo type, size_t n_rows, bool nullable, ColVec *out,
                     Err *err)
{
    ColVec vec = {.type = type, .n_rows = n_rows};
    vec.values = arena_alloc_array(arena, n_rows ? n_rows : 1, colvec_value_width(type));
    if (!vec.values)
        return arena_error(arena, err);
    if (nullable) {
        size_t bitmap_bytes = (n_rows + 7) / 8;
        vec.validity = arena_alloc(arena, bitmap_bytes ? bitmap_bytes : 1);
        if (!vec.validity)
            return arena_error(arena, err);
        memset(vec.validity, 0xff, bitmap_bytes ? bitmap_bytes : 1);
    }
    *out = vec;
    return ERR_OK;
}

size_t colvec_null_count(const ColVec *vec)
{
    if (!vec->validity)
        return 0;
    size_t valid = 0;
    size_t full_bytes = vec->n_rows / 8;
    for (size_t i = 0; i < full_bytes; i++) {
        valid += (size_t)__builtin_popcount(vec->validity[i]);
    }
    for (size_t row = full_bytes * 8; row < vec->n_rows; row++) {
        valid += !colvec_is_null(vec, row);
    }
    return vec->n_rows - valid;
}

ErrCode colvec_flatten(Arena *arena, ColVec *vec, Err *err)
{
    if (!vec->codes)
        return ERR_OK;
    size_t width = colvec_value_width(vec->type);
    unsigned char *values = arena_alloc_array(arena, vec->n_rows ? vec->n_rows : 1, width);
    if (!values)
        return arena_error(arena, err);
    const unsigned char *dict_values = vec->dict->values;
    for (size_t row = 0; row < vec->n_rows; row++) {
        if (!colvec_is_null(vec, row))
            memcpy(values + row * width, dict_values + (size_t)vec->codes[row] * width, width);
    }
    vec->values = values;
    vec->codes = NULL;
    vec->dict = NULL;
    vec->dict_id = 0;
    return ERR_OK;
}

void colvec_type_name(ColTypeInfo type, char *buf, size_t buf_len)
{
    switch (type.id) {
    case COL_BOOL:
        snprintf(buf, buf_len, "boolean");
        return;
    case COL_INT32:
        snprintf(buf, buf_len, "int");
        return;
    case COL_INT64:
        snprintf(buf, buf_len, "long");
        return;
    case COL_FLOAT:
        snprintf(buf, buf_len, "float");
        return;
    case COL_DOUBLE:
        snprintf(buf, buf_len, "double");
        return;
    case COL_DECIMAL:
        snprintf(buf, buf_len, "decimal(%d,%d)", type.precision, type.scale);
        return;
    case COL_DATE:
        snprintf(buf, buf_len, "date");
        return;
    case COL_TIMESTAMP:
        snprintf(buf, buf_len, "timestamp");
        return;
    case COL_TIMESTAMPTZ:
        snprintf(buf, buf_len, "timestamptz");
        return;
    case COL_STRING:
        snprintf(buf, buf_len, "string");
        return;
    case COL_BINARY:
        snprintf(buf, buf_len, "binary");
        return;
    case COL_UUID:
        snprintf(buf, buf_len, "uuid");
        return;
    case COL_FIXED:
        snprintf(buf, buf_len, "fixed[%d]", type.fixed_len);
        return;
    }
    snprintf(buf, buf_len, "unknown");
}
