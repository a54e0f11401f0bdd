/* pq_writer_int.h — private state shared by the parts of the Parquet writer:
 * pq_writer.c (open, buffering appended batches), pq_writer_place.c (row-group placement,
 * page indexes, footer, close) and pq_writer_chunk.c (encoding one buffered column chunk into
 * pages).
 *
 * Per column, a row group's values are buffered in PLAIN-ready form (PqColBuf): non-NULL
 * fixed-width values packed, byte strings as a heap plus uint32 end offsets, and one
 * definition level byte per row for OPTIONAL columns. At flush every column is encoded
 * into its own PqColEnc (pages with headers, offsets relative to the chunk start) — in
 * parallel when n_threads > 1, since a column touches only its own buffers and the Mem
 * (atomic) — and the main thread appends the chunks in column order, fixing offsets.
 * Everything here is charged to the writer's Mem and freed by pq_writer_close/abort.
 */
#ifndef TARN_FORMAT_PQ_WRITER_INT_H
#define TARN_FORMAT_PQ_WRITER_INT_H

#include "base/file.h"
#include "format/pq_dict.h"
#include "format/pq_stats.h"
#include "format/pq_writer.h"

/* zstd level used when the options say 0 ("codec default"). Measured on bench/parquet's
 * 2M-row access log (2 threads): level 1 wrote 77.8 MB in 2.1-2.2 s, level 3 80.4 MB in
 * 2.3-2.5 s (level 1 compresses the random request ids and paths better), so 1 wins on
 * both. Other codecs keep their library default. */
#define PQ_WRITER_ZSTD_LEVEL 1

/* Values buffered for one column of the current row group. */
typedef struct PqColBuf {
    StrBuf vals; /* fixed-width kinds: non-NULL values, packed */
    StrBuf heap; /* byte kinds: value bytes */
    StrBuf offs; /* byte kinds: uint32 end offsets; offs[0] = 0 */
    StrBuf defs; /* OPTIONAL columns: one definition level (0/1) per row */
    int64_t n_rows;
    int64_t n_values; /* non-NULL */
} PqColBuf;

/* One data page as the page index and footer need it. Offsets relative to chunk start. */
typedef struct PqPageInfo {
    int64_t offset;
    int32_t size_with_header;
    int64_t first_row;
    int64_t n_rows;
    PqStats stats; /* byte bounds borrowed from the PqColBuf or dictionary */
} PqPageInfo;

#define PQ_N_ENCODINGS 10

/* Result of encoding one column chunk (and scratch buffers reused across row groups). */
typedef struct PqColEnc {
    StrBuf chunk; /* page headers + page bodies */
    StrBuf body;  /* scratch: one uncompressed page */
    StrBuf comp;  /* scratch: compressed page */
    StrBuf hdr;   /* scratch: serialized page header */
    StrBuf codes; /* scratch: dictionary codes (uint32 per value) */
    StrBuf pages; /* PqPageInfo per data page */
    PqDict dict;
    PqStats stats;              /* chunk statistics (merge of the pages') */
    int64_t total_uncompressed; /* headers included */
    bool has_dict_page;
    int64_t data_page_offset;               /* relative */
    int32_t data_enc_count[PQ_N_ENCODINGS]; /* data pages per encoding */
    bool has_index_bounds; /* every non-NULL page has bounds (ColumnIndex possible) */
    ErrCode rc;
    Err err;
} PqColEnc;

/* One declared column. */
typedef struct PqWCol {
    PqColumnSpec spec; /* name copied into the writer arena */
    PqType phys;
    size_t width;      /* bytes per buffered value for fixed kinds; 0 for byte kinds */
    int32_t fixed_len; /* FLBA length (uuid, fixed, wide decimal) */
    PqStatsKind stats_kind;
    CompressCodec codec;
    PqColBuf buf;
    PqColEnc enc;
    /* file-level statistics for PqColumnStats */
    int64_t value_count, null_count, nan_count, compressed_bytes;
    PqStats file_stats;
    StrBuf file_min, file_max; /* copies of byte bounds */
} PqWCol;

struct PqWriter {
    Mem *mem;
    Arena arena; /* names, footer structs, bound copies */
    FileOut out;
    bool is_open;
    PqWriterOptions opts;
    int32_t n_cols;
    PqWCol *cols;
    int64_t rg_rows; /* rows buffered in the current row group */
    size_t rg_bytes; /* bytes buffered (PLAIN estimate) */
    int64_t n_rows;  /* rows in finished row groups */
    PqRowGroup *row_groups;
    int32_t n_row_groups, cap_row_groups;
    StrBuf col_index; /* serialized ColumnIndex structs, back to back */
    StrBuf off_index; /* serialized OffsetIndex structs */
    StrBuf scratch;   /* footer */
};

/* Encode column `col`'s buffered values into col->enc (pages, stats). Thread-safe across
 * distinct columns. Errors land in col->enc.rc / col->enc.err too. */
ErrCode pq_writer_encode_chunk(const PqWriter *w, PqWCol *col);

/* Encode and append the buffered row group (no-op when empty). */
ErrCode pq_writer_flush_row_group(PqWriter *w, Err *err);

/* Release everything; unlinks the file when still open. */
void pq_writer_free(PqWriter *w);

/* Map a codec to Parquet's enum. */
PqCodec pq_writer_codec(CompressCodec codec);

#endif
