/* tarn.h — the public embedding API of tarn, in the manner of sqlite3.h and duckdb.h.
 *
 * Today it exposes the version; opening a lakehouse, running SQL and fetching results
 * (tarn_open, tarn_query, tarn_result_*) arrive with the SQL engine issue. Names are
 * tarn_/TARN_ snake_case. Thread contract: every function here is thread-safe.
 */
#ifndef TARN_H
#define TARN_H

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, "MAJOR.MINOR.PATCH". Static storage. */
const char *tarn_version(void);

#ifdef __cplusplus
}
#endif

#endif
