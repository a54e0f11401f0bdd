/* pq_meta_enc.c — Thrift compact serialisation of the Parquet footer, page headers and
 * page indexes from the plain structs in pq_meta.h.
 *
 * One static function per thrift struct, in parquet.thrift order, each writing its fields
 * in increasing id order so the short field-header form is used. The ThriftEnc error is
 * sticky, so these functions do not check errors; the public entry points return it.
 */
#include "format/pq_meta_enc.h"

#include <string.h>

#include "format/thrift_enc.h"

static void enc_statistics(ThriftEnc *enc, const PqStatistics *st)
{
    if (st->has_max) {
        thrift_enc_field_binary(enc, 1, st->max.ptr, st->max.len);
    }
    if (st->has_min) {
        thrift_enc_field_binary(enc, 2, st->min.ptr, st->min.len);
    }
    if (st->has_null_count) {
        thrift_enc_field_i64(enc, 3, st->null_count);
    }
    if (st->has_distinct_count) {
        thrift_enc_field_i64(enc, 4, st->distinct_count);
    }
    if (st->has_max_value) {
        thrift_enc_field_binary(enc, 5, st->max_value.ptr, st->max_value.len);
    }
    if (st->has_min_value) {
        thrift_enc_field_binary(enc, 6, st->min_value.ptr, st->min_value.len);
    }
    if (st->has_is_max_value_exact) {
        thrift_enc_field_bool(enc, 7, st->is_max_value_exact);
    }
    if (st->has_is_min_value_exact) {
        thrift_enc_field_bool(enc, 8, st->is_min_value_exact);
    }
}

static void enc_empty_struct(ThriftEnc *enc, int16_t id)
{
    thrift_enc_field_struct_begin(enc, id);
    thrift_enc_struct_end(enc);
}

static void enc_logical(ThriftEnc *enc, const PqLogicalType *lt)
{
    thrift_enc_field_struct_begin(enc, 10);
    switch (lt->kind) {
    case PQ_LT_DECIMAL:
        thrift_enc_field_struct_begin(enc, 5);
        thrift_enc_field_i32(enc, 1, lt->scale);
        thrift_enc_field_i32(enc, 2, lt->precision);
        thrift_enc_struct_end(enc);
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        thrift_enc_field_struct_begin(enc, (int16_t)lt->kind);
        thrift_enc_field_bool(enc, 1, lt->is_adjusted_to_utc);
        thrift_enc_field_struct_begin(enc, 2);
        enc_empty_struct(enc, (int16_t)lt->unit);
        thrift_enc_struct_end(enc);
        thrift_enc_struct_end(enc);
        break;
    case PQ_LT_INTEGER:
        thrift_enc_field_struct_begin(enc, 10);
        thrift_enc_field_i8(enc, 1, lt->bit_width);
        thrift_enc_field_bool(enc, 2, lt->is_signed);
        thrift_enc_struct_end(enc);
        break;
    case PQ_LT_STRING:
    case PQ_LT_MAP:
    case PQ_LT_LIST:
    case PQ_LT_ENUM:
    case PQ_LT_DATE:
    case PQ_LT_UNKNOWN:
    case PQ_LT_JSON:
    case PQ_LT_BSON:
    case PQ_LT_UUID:
    case PQ_LT_FLOAT16:
        enc_empty_struct(enc, (int16_t)lt->kind);
        break;
    case PQ_LT_NONE:
    case PQ_LT_OTHER:
        break;
    }
    thrift_enc_struct_end(enc);
}

static void enc_schema_element(ThriftEnc *enc, const PqSchemaElement *el)
{
    thrift_enc_elem_struct_begin(enc);
    if (el->has_type) {
        thrift_enc_field_i32(enc, 1, el->type);
        if (el->type == PQ_FIXED_LEN_BYTE_ARRAY) {
            thrift_enc_field_i32(enc, 2, el->type_length);
        }
    }
    if (el->has_repetition) {
        thrift_enc_field_i32(enc, 3, el->repetition);
    }
    thrift_enc_field_string(enc, 4, el->name);
    if (el->has_num_children) {
        thrift_enc_field_i32(enc, 5, el->num_children);
    }
    if (el->has_converted_type) {
        thrift_enc_field_i32(enc, 6, el->converted_type);
    }
    if (el->has_scale_precision) {
        thrift_enc_field_i32(enc, 7, el->scale);
        thrift_enc_field_i32(enc, 8, el->precision);
    }
    if (el->has_field_id) {
        thrift_enc_field_i32(enc, 9, el->field_id);
    }
    if (el->logical.kind != PQ_LT_NONE && el->logical.kind != PQ_LT_OTHER) {
        enc_logical(enc, &el->logical);
    }
    thrift_enc_struct_end(enc);
}

static void enc_key_values(ThriftEnc *enc, int16_t id, const PqKeyValue *kv, int32_t n)
{
    thrift_enc_field_list_begin(enc, id, THRIFT_ENC_STRUCT, n);
    for (int32_t i = 0; i < n; i++) {
        thrift_enc_elem_struct_begin(enc);
        thrift_enc_field_string(enc, 1, kv[i].key);
        if (kv[i].value) {
            thrift_enc_field_string(enc, 2, kv[i].value);
        }
        thrift_enc_struct_end(enc);
    }
}

static void enc_column_meta(ThriftEnc *enc, const PqColumnMeta *cm)
{
    thrift_enc_field_struct_begin(enc, 3);
    thrift_enc_field_i32(enc, 1, cm->type);
    thrift_enc_field_list_begin(enc, 2, THRIFT_ENC_I32, cm->n_encodings);
    for (int32_t i = 0; i < cm->n_encodings; i++) {
        thrift_enc_elem_i32(enc, cm->encodings[i]);
    }
    thrift_enc_field_list_begin(enc, 3, THRIFT_ENC_BINARY, cm->n_path);
    for (int32_t i = 0; i < cm->n_path; i++) {
        thrift_enc_elem_binary(enc, cm->path_in_schema[i], strlen(cm->path_in_schema[i]));
    }
    thrift_enc_field_i32(enc, 4, cm->codec);
    thrift_enc_field_i64(enc, 5, cm->num_values);
    thrift_enc_field_i64(enc, 6, cm->total_uncompressed_size);
    thrift_enc_field_i64(enc, 7, cm->total_compressed_size);
    if (cm->n_key_value > 0) {
        enc_key_values(enc, 8, cm->key_value, cm->n_key_value);
    }
    thrift_enc_field_i64(enc, 9, cm->data_page_offset);
    if (cm->has_index_page_offset) {
        thrift_enc_field_i64(enc, 10, cm->index_page_offset);
    }
    if (cm->has_dictionary_page_offset) {
        thrift_enc_field_i64(enc, 11, cm->dictionary_page_offset);
    }
    if (cm->has_statistics) {
        thrift_enc_field_struct_begin(enc, 12);
        enc_statistics(enc, &cm->statistics);
        thrift_enc_struct_end(enc);
    }
    if (cm->n_encoding_stats > 0) {
        thrift_enc_field_list_begin(enc, 13, THRIFT_ENC_STRUCT, cm->n_encoding_stats);
        for (int32_t i = 0; i < cm->n_encoding_stats; i++) {
            thrift_enc_elem_struct_begin(enc);
            thrift_enc_field_i32(enc, 1, cm->encoding_stats[i].page_type);
            thrift_enc_field_i32(enc, 2, cm->encoding_stats[i].encoding);
            thrift_enc_field_i32(enc, 3, cm->encoding_stats[i].count);
            thrift_enc_struct_end(enc);
        }
    }
    if (cm->has_bloom_filter) {
        thrift_enc_field_i64(enc, 14, cm->bloom_filter_offset);
        thrift_enc_field_i32(enc, 15, cm->bloom_filter_length);
    }
    thrift_enc_struct_end(enc);
}

static void enc_column_chunk(ThriftEnc *enc, const PqColumnChunk *cc)
{
    thrift_enc_elem_struct_begin(enc);
    if (cc->file_path) {
        thrift_enc_field_string(enc, 1, cc->file_path);
    }
    thrift_enc_field_i64(enc, 2, cc->file_offset);
    if (cc->has_meta_data) {
        enc_column_meta(enc, &cc->meta_data);
    }
    if (cc->has_offset_index) {
        thrift_enc_field_i64(enc, 4, cc->offset_index_offset);
        thrift_enc_field_i32(enc, 5, cc->offset_index_length);
    }
    if (cc->has_column_index) {
        thrift_enc_field_i64(enc, 6, cc->column_index_offset);
        thrift_enc_field_i32(enc, 7, cc->column_index_length);
    }
    thrift_enc_struct_end(enc);
}

static void enc_row_group(ThriftEnc *enc, const PqRowGroup *rg)
{
    thrift_enc_elem_struct_begin(enc);
    thrift_enc_field_list_begin(enc, 1, THRIFT_ENC_STRUCT, rg->n_columns);
    for (int32_t i = 0; i < rg->n_columns; i++) {
        enc_column_chunk(enc, &rg->columns[i]);
    }
    thrift_enc_field_i64(enc, 2, rg->total_byte_size);
    thrift_enc_field_i64(enc, 3, rg->num_rows);
    if (rg->n_sorting_columns > 0) {
        thrift_enc_field_list_begin(enc, 4, THRIFT_ENC_STRUCT, rg->n_sorting_columns);
        for (int32_t i = 0; i < rg->n_sorting_columns; i++) {
            thrift_enc_elem_struct_begin(enc);
            thrift_enc_field_i32(enc, 1, rg->sorting_columns[i].column_idx);
            thrift_enc_field_bool(enc, 2, rg->sorting_columns[i].descending);
            thrift_enc_field_bool(enc, 3, rg->sorting_columns[i].nulls_first);
            thrift_enc_struct_end(enc);
        }
    }
    if (rg->has_file_offset) {
        thrift_enc_field_i64(enc, 5, rg->file_offset);
    }
    if (rg->has_total_compressed_size) {
        thrift_enc_field_i64(enc, 6, rg->total_compressed_size);
    }
    if (rg->has_ordinal) {
        thrift_enc_field_i16(enc, 7, rg->ordinal);
    }
    thrift_enc_struct_end(enc);
}

ErrCode pq_meta_enc_file(StrBuf *out, const PqFileMeta *meta, Err *err)
{
    ThriftEnc enc;
    thrift_enc_init(&enc, out, err);
    thrift_enc_field_i32(&enc, 1, meta->version);
    thrift_enc_field_list_begin(&enc, 2, THRIFT_ENC_STRUCT, meta->n_schema);
    for (int32_t i = 0; i < meta->n_schema; i++) {
        enc_schema_element(&enc, &meta->schema[i]);
    }
    thrift_enc_field_i64(&enc, 3, meta->num_rows);
    thrift_enc_field_list_begin(&enc, 4, THRIFT_ENC_STRUCT, meta->n_row_groups);
    for (int32_t i = 0; i < meta->n_row_groups; i++) {
        enc_row_group(&enc, &meta->row_groups[i]);
    }
    if (meta->n_key_value > 0) {
        enc_key_values(&enc, 5, meta->key_value, meta->n_key_value);
    }
    if (meta->created_by) {
        thrift_enc_field_string(&enc, 6, meta->created_by);
    }
    if (meta->n_column_orders > 0) {
        thrift_enc_field_list_begin(&enc, 7, THRIFT_ENC_STRUCT, meta->n_column_orders);
        for (int32_t i = 0; i < meta->n_column_orders; i++) {
            thrift_enc_elem_struct_begin(&enc);
            if (meta->column_orders[i] != PQ_ORDER_UNKNOWN) {
                enc_empty_struct(&enc, (int16_t)meta->column_orders[i]);
            }
            thrift_enc_struct_end(&enc);
        }
    }
    return thrift_enc_finish(&enc);
}

ErrCode pq_meta_enc_page_header(StrBuf *out, const PqPageHeader *hdr, Err *err)
{
    ThriftEnc enc;
    thrift_enc_init(&enc, out, err);
    thrift_enc_field_i32(&enc, 1, hdr->type);
    thrift_enc_field_i32(&enc, 2, hdr->uncompressed_page_size);
    thrift_enc_field_i32(&enc, 3, hdr->compressed_page_size);
    if (hdr->has_crc) {
        thrift_enc_field_i32(&enc, 4, hdr->crc);
    }
    if (hdr->has_data_page_header) {
        const PqDataPageHeader *dp = &hdr->data_page_header;
        thrift_enc_field_struct_begin(&enc, 5);
        thrift_enc_field_i32(&enc, 1, dp->num_values);
        thrift_enc_field_i32(&enc, 2, dp->encoding);
        thrift_enc_field_i32(&enc, 3, dp->definition_level_encoding);
        thrift_enc_field_i32(&enc, 4, dp->repetition_level_encoding);
        if (dp->has_statistics) {
            thrift_enc_field_struct_begin(&enc, 5);
            enc_statistics(&enc, &dp->statistics);
            thrift_enc_struct_end(&enc);
        }
        thrift_enc_struct_end(&enc);
    }
    if (hdr->has_dictionary_page_header) {
        const PqDictionaryPageHeader *dh = &hdr->dictionary_page_header;
        thrift_enc_field_struct_begin(&enc, 7);
        thrift_enc_field_i32(&enc, 1, dh->num_values);
        thrift_enc_field_i32(&enc, 2, dh->encoding);
        if (dh->has_is_sorted) {
            thrift_enc_field_bool(&enc, 3, dh->is_sorted);
        }
        thrift_enc_struct_end(&enc);
    }
    if (hdr->has_data_page_header_v2) {
        const PqDataPageHeaderV2 *v2 = &hdr->data_page_header_v2;
        thrift_enc_field_struct_begin(&enc, 8);
        thrift_enc_field_i32(&enc, 1, v2->num_values);
        thrift_enc_field_i32(&enc, 2, v2->num_nulls);
        thrift_enc_field_i32(&enc, 3, v2->num_rows);
        thrift_enc_field_i32(&enc, 4, v2->encoding);
        thrift_enc_field_i32(&enc, 5, v2->definition_levels_byte_length);
        thrift_enc_field_i32(&enc, 6, v2->repetition_levels_byte_length);
        thrift_enc_field_bool(&enc, 7, v2->is_compressed);
        if (v2->has_statistics) {
            thrift_enc_field_struct_begin(&enc, 8);
            enc_statistics(&enc, &v2->statistics);
            thrift_enc_struct_end(&enc);
        }
        thrift_enc_struct_end(&enc);
    }
    return thrift_enc_finish(&enc);
}

ErrCode pq_meta_enc_offset_index(StrBuf *out, const PqOffsetIndex *idx, Err *err)
{
    ThriftEnc enc;
    thrift_enc_init(&enc, out, err);
    thrift_enc_field_list_begin(&enc, 1, THRIFT_ENC_STRUCT, idx->n_pages);
    for (int32_t i = 0; i < idx->n_pages; i++) {
        thrift_enc_elem_struct_begin(&enc);
        thrift_enc_field_i64(&enc, 1, idx->page_locations[i].offset);
        thrift_enc_field_i32(&enc, 2, idx->page_locations[i].compressed_page_size);
        thrift_enc_field_i64(&enc, 3, idx->page_locations[i].first_row_index);
        thrift_enc_struct_end(&enc);
    }
    return thrift_enc_finish(&enc);
}

ErrCode pq_meta_enc_column_index(StrBuf *out, const PqColumnIndex *idx, Err *err)
{
    ThriftEnc enc;
    thrift_enc_init(&enc, out, err);
    thrift_enc_field_list_begin(&enc, 1, THRIFT_ENC_BOOL_TRUE, idx->n_pages);
    for (int32_t i = 0; i < idx->n_pages; i++) {
        thrift_enc_elem_bool(&enc, idx->null_pages[i]);
    }
    thrift_enc_field_list_begin(&enc, 2, THRIFT_ENC_BINARY, idx->n_pages);
    for (int32_t i = 0; i < idx->n_pages; i++) {
        thrift_enc_elem_binary(&enc, idx->min_values[i].ptr, idx->min_values[i].len);
    }
    thrift_enc_field_list_begin(&enc, 3, THRIFT_ENC_BINARY, idx->n_pages);
    for (int32_t i = 0; i < idx->n_pages; i++) {
        thrift_enc_elem_binary(&enc, idx->max_values[i].ptr, idx->max_values[i].len);
    }
    thrift_enc_field_i32(&enc, 4, idx->boundary_order);
    if (idx->null_counts) {
        thrift_enc_field_list_begin(&enc, 5, THRIFT_ENC_I64, idx->n_pages);
        for (int32_t i = 0; i < idx->n_pages; i++) {
            thrift_enc_elem_i64(&enc, idx->null_counts[i]);
        }
    }
    return thrift_enc_finish(&enc);
}
