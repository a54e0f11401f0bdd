/* pq_meta_enc.h — serialise Parquet metadata structs (pq_meta.h) with the Thrift compact
 * protocol (format layer; used by pq_writer.c, and by tests that build files by hand).
 *
 * Field ids and types follow parquet.thrift (SPECS.md §1.4). Optional scalars are written
 * only when their has_* flag is set; Statistics.null_count likewise. Each function appends
 * one complete struct to `out`; on failure `out` may hold a partial struct the caller
 * discards. Errors: ERR_NOMEM. Thread contract: stateless; any thread.
 */
#ifndef TARN_FORMAT_PQ_META_ENC_H
#define TARN_FORMAT_PQ_META_ENC_H

#include "base/strbuf.h"
#include "format/pq_meta.h"

TN_MUST_CHECK ErrCode pq_meta_enc_file(StrBuf *out, const PqFileMeta *meta, Err *err);
TN_MUST_CHECK ErrCode pq_meta_enc_page_header(StrBuf *out, const PqPageHeader *hdr, Err *err);
TN_MUST_CHECK ErrCode pq_meta_enc_offset_index(StrBuf *out, const PqOffsetIndex *idx, Err *err);
TN_MUST_CHECK ErrCode pq_meta_enc_column_index(StrBuf *out, const PqColumnIndex *idx, Err *err);

#endif
