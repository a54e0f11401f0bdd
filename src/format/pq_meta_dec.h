/* pq_meta_dec.h — decode Parquet footers, page headers and page indexes (format layer; used
 * by pq_reader.c, the footer fuzz target and the dump tool).
 *
 * Reads the Thrift compact structs of parquet.thrift (SPECS.md §1.4) through thrift_dec.h
 * into the plain C structs of pq_meta.h. Unknown fields are skipped by type, an unknown
 * LogicalType member becomes PQ_LT_OTHER, unknown ColumnOrder members PQ_ORDER_UNKNOWN, so
 * files from newer writers read. Required fields are checked (ERR_CORRUPT naming the
 * struct and field). Enum values outside pq_meta.h's lists are kept as their number for
 * encodings and codecs (the reader reports them as unsupported) but are corrupt for
 * physical types, repetition and page types.
 *
 * Thread contract: stateless; any thread.
 */
#ifndef TARN_FORMAT_PQ_META_DEC_H
#define TARN_FORMAT_PQ_META_DEC_H

#include "base/arena.h"
#include "format/pq_meta.h"

/* Decode a FileMetaData from data[0..len). Everything in *out (arrays, names, statistics
 * bytes) is arena-owned; nothing borrows from `data`. Errors: ERR_CORRUPT (with the offset
 * within data), ERR_NOMEM. */
TN_MUST_CHECK ErrCode pq_meta_dec_file(Arena *arena, const uint8_t *data, size_t len,
                                       PqFileMeta *out, Err *err);

/* Decode a PageHeader at the start of data[0..len); *header_len is the bytes it took.
 * Statistics bytes in *out are borrowed from `data`. No allocation. Errors: ERR_CORRUPT. */
TN_MUST_CHECK ErrCode pq_meta_dec_page_header(const uint8_t *data, size_t len, PqPageHeader *out,
                                              size_t *header_len, Err *err);

/* Decode an OffsetIndex / ColumnIndex (arena-owned results). Errors: ERR_CORRUPT, ERR_NOMEM. */
TN_MUST_CHECK ErrCode pq_meta_dec_offset_index(Arena *arena, const uint8_t *data, size_t len,
                                               PqOffsetIndex *out, Err *err);
TN_MUST_CHECK ErrCode pq_meta_dec_column_index(Arena *arena, const uint8_t *data, size_t len,
                                               PqColumnIndex *out, Err *err);

#endif
