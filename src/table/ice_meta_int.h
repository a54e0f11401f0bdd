/* ice_meta_int.h — private to the ice_meta module (ice_meta.c, ice_meta_parse.c,
 * ice_meta_write.c): allocation of an empty IceTableMeta and the deep-copy helpers the
 * table operations also use to add schemas and specs to a cloned metadata. */
#ifndef TARN_TABLE_ICE_META_INT_H
#define TARN_TABLE_ICE_META_INT_H

#include "table/ice_meta.h"

/* An empty v2 metadata with its arena; current_snapshot_id -1. */
TN_MUST_CHECK ErrCode ice_meta_alloc(Mem *mem, IceTableMeta **out, Err *err);

/* Deep copies into `arena`; *is_ok turns false when an allocation fails. */
void ice_meta_copy_schema(Arena *arena, const IceSchema *src, IceSchema *dst, bool *is_ok);
void ice_meta_copy_spec(Arena *arena, const IcePartitionSpec *src, IcePartitionSpec *dst,
                        bool *is_ok);

#endif
