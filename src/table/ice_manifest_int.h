/* ice_manifest_int.h — private to the ice_manifest module: the Avro schemas of manifests
 * and manifest lists (ice_manifest_schema.c) and the partition value <-> Avro mapping,
 * used by ice_manifest.c's readers and writers. */
#ifndef TARN_TABLE_ICE_MANIFEST_INT_H
#define TARN_TABLE_ICE_MANIFEST_INT_H

#include "format/avro.h"
#include "table/ice_manifest.h"

/* The manifest_file (manifest list) schema JSON, a constant. */
const char *ice_manifest_list_schema_json(void);

/* Append the manifest_entry schema JSON for `spec` (partition struct r102 from the spec's
 * result types). */
TN_MUST_CHECK ErrCode ice_manifest_entry_schema_json(const IcePartitionSpec *spec,
                                                     const IcePrim *result_types, StrBuf *out,
                                                     Err *err);

/* Bytes of the fixed that stores a decimal of `precision` digits (Java's minimum). */
int32_t ice_decimal_bytes_for_precision(int32_t precision);

/* A partition value as the Avro datum of its partition field (byte kinds borrowed from
 * `value`, decimals encoded into `arena`), and back (byte kinds borrowed from the datum).
 * Errors: ERR_CORRUPT (a datum that does not hold the type), ERR_INVALID, ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_partition_to_avro(Arena *arena, const IceValue *value, AvroValue *out,
                                            Err *err);
TN_MUST_CHECK ErrCode ice_partition_from_avro(const AvroValue *value, IcePrim type, IceValue *out,
                                              Err *err);

#endif
