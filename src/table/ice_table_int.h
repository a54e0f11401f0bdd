/* ice_table_int.h — private to the ice_table module (ice_table.c, ice_table_commit.c):
 * the transaction's recorded changes and the step that turns them into a new metadata
 * version on top of the table's current metadata. */
#ifndef TARN_TABLE_ICE_TABLE_INT_H
#define TARN_TABLE_ICE_TABLE_INT_H

#include "table/ice_table.h"

typedef struct IceTxnRef {
    const char *name;
    bool is_tag;
    bool is_remove;
    int64_t snapshot_id;
} IceTxnRef;

struct IceTxn {
    IceTable *table;
    Arena arena; /* the recorded changes */
    const char *branch;
    IceDataFile *added;
    size_t n_added, cap_added;
    const char **deleted;
    size_t n_deleted, cap_deleted;
    const IceExpr *filter;
    bool is_replace_partitions;
    bool is_rewrite;
    const IceSchema *schema;
    const IcePartitionSpec *spec;
    IceKV *properties;
    size_t n_properties, cap_properties;
    IceKV *summary;
    size_t n_summary, cap_summary;
    IceTxnRef *refs;
    size_t n_refs, cap_refs;
};

/* Apply the transaction to the table's current metadata: write manifests, manifest list
 * and the new metadata.json. *out (caller frees with ice_meta_free) is the new version,
 * *location its file (in `arena`). */
TN_MUST_CHECK ErrCode ice_txn_prepare(IceTxn *txn, Arena *arena, IceTableMeta **out,
                                      const char **location, Err *err);

/* Write `meta` as the next metadata file after `previous_location` (NULL: version 0). */
TN_MUST_CHECK ErrCode ice_table_write_metadata(IceTable *table, const IceTableMeta *meta,
                                               const char *previous_location, Arena *arena,
                                               const char **location_out, Err *err);

#endif
