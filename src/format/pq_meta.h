/* pq_meta.h — Parquet footer and page-header structures as C types (format layer).
 *
 * These mirror parquet.thrift (apache/parquet-format, SPECS.md §1.3-1.4) field for field,
 * with `has_*` flags for optional scalars. They are plain data: the encoder
 * (pq_meta_enc.h, used by the writer) serialises them with the Thrift compact protocol and
 * the decoder (pq_meta_dec.h, used by the reader) fills them in, arena-owned. Byte strings
 * (statistics, names) are PqBytes/`const char *` pointing into an arena or, for decoded
 * page headers, borrowed from the buffer they were decoded from.
 *
 * Fields tarn does not use (encryption, geospatial and size statistics, bloom filter
 * contents) are skipped on decode and never written.
 */
#ifndef TARN_FORMAT_PQ_META_H
#define TARN_FORMAT_PQ_META_H

#include "base/tn.h"

#define PQ_MAGIC "PAR1"

typedef enum PqType {
    PQ_BOOLEAN = 0,
    PQ_INT32 = 1,
    PQ_INT64 = 2,
    PQ_INT96 = 3,
    PQ_FLOAT = 4,
    PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6,
    PQ_FIXED_LEN_BYTE_ARRAY = 7,
} PqType;

typedef enum PqRepetition {
    PQ_REQUIRED = 0,
    PQ_OPTIONAL = 1,
    PQ_REPEATED = 2,
} PqRepetition;

typedef enum PqConvertedType {
    PQ_CT_UTF8 = 0,
    PQ_CT_MAP = 1,
    PQ_CT_MAP_KEY_VALUE = 2,
    PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13,
    PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15,
    PQ_CT_INT_16 = 16,
    PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19,
    PQ_CT_BSON = 20,
    PQ_CT_INTERVAL = 21,
} PqConvertedType;

typedef enum PqEncoding {
    PQ_ENC_PLAIN = 0,
    PQ_ENC_PLAIN_DICTIONARY = 2,
    PQ_ENC_RLE = 3,
    PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5,
    PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8,
    PQ_ENC_BYTE_STREAM_SPLIT = 9,
} PqEncoding;

typedef enum PqCodec {
    PQ_CODEC_UNCOMPRESSED = 0,
    PQ_CODEC_SNAPPY = 1,
    PQ_CODEC_GZIP = 2,
    PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4,
    PQ_CODEC_LZ4 = 5,
    PQ_CODEC_ZSTD = 6,
    PQ_CODEC_LZ4_RAW = 7,
} PqCodec;

typedef enum PqPageType {
    PQ_PAGE_DATA = 0,
    PQ_PAGE_INDEX = 1,
    PQ_PAGE_DICTIONARY = 2,
    PQ_PAGE_DATA_V2 = 3,
} PqPageType;

/* LogicalType union member (field id in the thrift union). */
typedef enum PqLogicalKind {
    PQ_LT_NONE = 0,
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11,
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15,
    PQ_LT_OTHER = 100, /* a union member tarn does not know (newer writers); skipped */
} PqLogicalKind;

typedef enum PqTimeUnit {
    PQ_UNIT_MILLIS = 1,
    PQ_UNIT_MICROS = 2,
    PQ_UNIT_NANOS = 3,
} PqTimeUnit;

typedef struct PqLogicalType {
    PqLogicalKind kind;
    int32_t scale, precision; /* DECIMAL */
    bool is_adjusted_to_utc;  /* TIME, TIMESTAMP */
    PqTimeUnit unit;          /* TIME, TIMESTAMP */
    int8_t bit_width;         /* INTEGER */
    bool is_signed;           /* INTEGER */
} PqLogicalType;

typedef struct PqBytes {
    const uint8_t *ptr;
    uint32_t len;
} PqBytes;

typedef struct PqSchemaElement {
    bool has_type;
    PqType type;
    int32_t type_length;
    bool has_repetition;
    PqRepetition repetition;
    const char *name;
    bool has_num_children;
    int32_t num_children;
    bool has_converted_type;
    PqConvertedType converted_type;
    bool has_scale_precision;
    int32_t scale, precision;
    bool has_field_id;
    int32_t field_id;
    PqLogicalType logical; /* kind PQ_LT_NONE when absent */
} PqSchemaElement;

typedef struct PqStatistics {
    bool has_max, has_min; /* deprecated fields 1, 2 (signed order) */
    PqBytes max, min;
    bool has_null_count;
    int64_t null_count;
    bool has_distinct_count;
    int64_t distinct_count;
    bool has_max_value, has_min_value; /* fields 5, 6 */
    PqBytes max_value, min_value;
    bool has_is_max_value_exact, is_max_value_exact;
    bool has_is_min_value_exact, is_min_value_exact;
} PqStatistics;

typedef struct PqKeyValue {
    const char *key;
    const char *value; /* NULL when absent */
} PqKeyValue;

typedef struct PqPageEncodingStats {
    PqPageType page_type;
    PqEncoding encoding;
    int32_t count;
} PqPageEncodingStats;

typedef struct PqColumnMeta {
    PqType type;
    PqEncoding *encodings;
    int32_t n_encodings;
    const char **path_in_schema;
    int32_t n_path;
    PqCodec codec;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    PqKeyValue *key_value;
    int32_t n_key_value;
    int64_t data_page_offset;
    bool has_index_page_offset;
    int64_t index_page_offset;
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset;
    bool has_statistics;
    PqStatistics statistics;
    PqPageEncodingStats *encoding_stats;
    int32_t n_encoding_stats;
    bool has_bloom_filter;
    int64_t bloom_filter_offset;
    int32_t bloom_filter_length;
} PqColumnMeta;

typedef struct PqColumnChunk {
    const char *file_path; /* NULL: same file (the only form tarn supports) */
    int64_t file_offset;
    bool has_meta_data;
    PqColumnMeta meta_data;
    bool has_offset_index;
    int64_t offset_index_offset;
    int32_t offset_index_length;
    bool has_column_index;
    int64_t column_index_offset;
    int32_t column_index_length;
} PqColumnChunk;

typedef struct PqSortingColumn {
    int32_t column_idx;
    bool descending;
    bool nulls_first;
} PqSortingColumn;

typedef struct PqRowGroup {
    PqColumnChunk *columns;
    int32_t n_columns;
    int64_t total_byte_size;
    int64_t num_rows;
    PqSortingColumn *sorting_columns;
    int32_t n_sorting_columns;
    bool has_file_offset;
    int64_t file_offset;
    bool has_total_compressed_size;
    int64_t total_compressed_size;
    bool has_ordinal;
    int16_t ordinal;
} PqRowGroup;

/* ColumnOrder union member per leaf. */
typedef enum PqColumnOrder {
    PQ_ORDER_UNKNOWN = 0,
    PQ_ORDER_TYPE_DEFINED = 1,
    PQ_ORDER_IEEE_754_TOTAL = 2,
} PqColumnOrder;

typedef struct PqFileMeta {
    int32_t version;
    PqSchemaElement *schema; /* depth-first, root first */
    int32_t n_schema;
    int64_t num_rows;
    PqRowGroup *row_groups;
    int32_t n_row_groups;
    PqKeyValue *key_value;
    int32_t n_key_value;
    const char *created_by; /* NULL when absent */
    PqColumnOrder *column_orders;
    int32_t n_column_orders;
} PqFileMeta;

typedef struct PqDataPageHeader {
    int32_t num_values;
    PqEncoding encoding;
    PqEncoding definition_level_encoding;
    PqEncoding repetition_level_encoding;
    bool has_statistics;
    PqStatistics statistics;
} PqDataPageHeader;

typedef struct PqDataPageHeaderV2 {
    int32_t num_values;
    int32_t num_nulls;
    int32_t num_rows;
    PqEncoding encoding;
    int32_t definition_levels_byte_length;
    int32_t repetition_levels_byte_length;
    bool is_compressed; /* defaults to true when absent */
    bool has_statistics;
    PqStatistics statistics;
} PqDataPageHeaderV2;

typedef struct PqDictionaryPageHeader {
    int32_t num_values;
    PqEncoding encoding;
    bool has_is_sorted;
    bool is_sorted;
} PqDictionaryPageHeader;

typedef struct PqPageHeader {
    PqPageType type;
    int32_t uncompressed_page_size;
    int32_t compressed_page_size;
    bool has_crc;
    int32_t crc;
    bool has_data_page_header;
    PqDataPageHeader data_page_header;
    bool has_dictionary_page_header;
    PqDictionaryPageHeader dictionary_page_header;
    bool has_data_page_header_v2;
    PqDataPageHeaderV2 data_page_header_v2;
} PqPageHeader;

/* Page index (PageIndex.md): one OffsetIndex and one ColumnIndex per column chunk. */
typedef struct PqPageLocation {
    int64_t offset;
    int32_t compressed_page_size;
    int64_t first_row_index;
} PqPageLocation;

typedef struct PqOffsetIndex {
    PqPageLocation *page_locations;
    int32_t n_pages;
} PqOffsetIndex;

typedef enum PqBoundaryOrder {
    PQ_BOUNDARY_UNORDERED = 0,
    PQ_BOUNDARY_ASCENDING = 1,
    PQ_BOUNDARY_DESCENDING = 2,
} PqBoundaryOrder;

typedef struct PqColumnIndex {
    bool *null_pages;
    PqBytes *min_values;
    PqBytes *max_values;
    int32_t n_pages;
    PqBoundaryOrder boundary_order;
    int64_t *null_counts; /* NULL when absent */
} PqColumnIndex;

#endif
