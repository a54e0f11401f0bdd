/* ice_store.h — the lakehouse's table pointer store (table layer): which namespaces exist
 * and which metadata.json is current for each table. This is the "atomic pointer swap" of
 * Iceberg's commit protocol (spec "Commit Conflict Resolution and Retry"). The versioned
 * catalog (src/catalog/, a later issue) replaces it with commits, branches and merges on
 * RocksDB; until then this small store keeps the same semantics:
 *
 *   - the whole state is one JSON file, DIR/catalog/tables.json ({"namespaces": {ns:
 *     {props}}, "tables": {"ns.table": "location"}}), replaced by write-temp + fsync +
 *     rename, so every reader sees one consistent version and a crash leaves the old or
 *     the new one, never a mix;
 *   - writers take an exclusive flock on DIR/catalog/tables.lock, re-read the state,
 *     check every update's expected location (compare-and-swap) and write the new state;
 *     a stale expectation is ERR_CONFLICT naming the table, and nothing changes;
 *   - several tables change in one ice_store_commit, atomically (a multi-table commit:
 *     `tarn load` commits the table and analytics._rejected together).
 *
 * Thread contract: an IceStore may be used from several threads; every call re-reads the
 * file and commits serialize on the lock (in-process and across processes).
 */
#ifndef TARN_TABLE_ICE_STORE_H
#define TARN_TABLE_ICE_STORE_H

#include "base/arena.h"
#include "base/err.h"

typedef struct IceStore IceStore;

/* Open (creating DIR/catalog and DIR/warehouse when missing) the store of lakehouse
 * `data_dir`. *out is caller-owned: ice_store_close. Errors: ERR_IO. */
TN_MUST_CHECK ErrCode ice_store_open(Mem *mem, const char *data_dir, IceStore **out, Err *err);
void ice_store_close(IceStore *store); /* NULL no-op */

/* DIR/warehouse (absolute), where tables live: <warehouse>/<ns>/<table>. */
const char *ice_store_warehouse(const IceStore *store);

/* Current metadata location of ns.table, copied into `arena`. ERR_NOT_FOUND when the table
 * does not exist. */
TN_MUST_CHECK ErrCode ice_store_lookup(IceStore *store, Arena *arena, const char *ns,
                                       const char *table, const char **location, Err *err);

/* Namespaces and tables, sorted, copied into `arena`. list_tables: ERR_NOT_FOUND when the
 * namespace does not exist. */
TN_MUST_CHECK ErrCode ice_store_list_namespaces(IceStore *store, Arena *arena, const char ***names,
                                                size_t *n, Err *err);
TN_MUST_CHECK ErrCode ice_store_list_tables(IceStore *store, Arena *arena, const char *ns,
                                            const char ***names, size_t *n, Err *err);
bool ice_store_namespace_exists(IceStore *store, const char *ns);

/* Create a namespace (no-op when it exists and `is_if_not_exists`; otherwise ERR_CONFLICT
 * "namespace ... already exists"). Names: letters, digits, '_' and '-', up to 128 bytes
 * (ERR_INVALID otherwise). */
TN_MUST_CHECK ErrCode ice_store_create_namespace(IceStore *store, const char *ns,
                                                 bool is_if_not_exists, Err *err);

/* One pointer change: `expected` NULL means the table must not exist yet (create);
 * `location` NULL drops the table. */
typedef struct IceStoreUpdate {
    const char *ns;
    const char *table;
    const char *expected;
    const char *location;
} IceStoreUpdate;

/* Apply every update or none. Errors: ERR_CONFLICT (a table's current location is not the
 * expected one, or it already exists on create: the message names it), ERR_NOT_FOUND (the
 * namespace does not exist), ERR_INVALID (bad name), ERR_IO. */
TN_MUST_CHECK ErrCode ice_store_commit(IceStore *store, const IceStoreUpdate *updates, size_t n,
                                       Err *err);

/* Check a namespace or table name (what ice_store_create_namespace accepts). */
TN_MUST_CHECK ErrCode ice_store_check_name(const char *what, const char *name, Err *err);

#endif
