/* ice_partition.h — Iceberg partition transforms and partition specs (table layer).
 *
 * A partition spec turns a row into a tuple of partition values: each field applies a
 * transform to one source column (Iceberg spec, "Partitioning", "Partition Transforms",
 * Appendix B "32-bit Hash Requirements"). Used by the writer (which partition a row goes
 * to, the data file's path), metadata JSON (transform strings, result types), manifests
 * (the partition tuple's types) and the predicate evaluators (ice_expr.h), which project
 * row predicates through these transforms.
 *
 *   transform     sources                                        result   value
 *   identity      any primitive                                  source   v
 *   bucket[N]     int long decimal date time timestamp(tz)       int      (murmur3_32(v) &
 *                 string uuid fixed binary                                 INT32_MAX) % N
 *   truncate[W]   int long decimal string binary                 source   v - (v mod W),
 *                                                                          W code points/bytes
 *   year          date timestamp timestamptz                     int      years from 1970
 *   month         date timestamp timestamptz                     int      months from 1970-01
 *   day           date timestamp timestamptz                     int      days from 1970-01-01
 *   hour          timestamp timestamptz                          int      hours from 1970-01-01
 *   void          any                                            source   always null
 *
 * day's result is the spec's `date`; tarn stores it as an int holding the same day count
 * (the spec requires readers to accept either). Time transforms floor, so values before
 * 1970 land in negative partitions (1969-12-31T23:00 is hour -1, day -1, month -1).
 *
 * Specs are plain arena structs owned by whoever built them (usually an IceTableMeta).
 * Thread contract: every function is thread-safe; nothing here keeps state.
 */
#ifndef TARN_TABLE_ICE_PARTITION_H
#define TARN_TABLE_ICE_PARTITION_H

#include "table/ice_types.h"
#include "table/ice_value.h"

typedef enum IceTransformKind {
    ICE_TR_IDENTITY,
    ICE_TR_BUCKET,
    ICE_TR_TRUNCATE,
    ICE_TR_YEAR,
    ICE_TR_MONTH,
    ICE_TR_DAY,
    ICE_TR_HOUR,
    ICE_TR_VOID,
} IceTransformKind;

typedef struct IceTransform {
    IceTransformKind kind;
    int32_t param; /* bucket: N buckets; truncate: width W; otherwise 0 */
} IceTransform;

typedef struct IcePartitionField {
    int32_t source_id; /* schema field id of the source column */
    int32_t field_id;  /* partition field id, from 1000 (callers assign) */
    const char *name;
    IceTransform transform;
} IcePartitionField;

typedef struct IcePartitionSpec {
    int32_t spec_id;
    const IcePartitionField *fields;
    int32_t n_fields;
} IcePartitionSpec;

/* Buffer size that holds any ice_transform_format output. */
#define ICE_TRANSFORM_NAME_CAP 32

/* Parse a transform as metadata JSON writes it: "identity", "bucket[16]", "truncate[10]",
 * "year", "month", "day", "hour", "void". Errors: ERR_UNSUPPORTED naming an unknown
 * transform (Iceberg readers ignore such fields; see the spec), ERR_INVALID for a
 * malformed or non-positive bucket count or width. */
TN_MUST_CHECK ErrCode ice_transform_parse(const char *text, IceTransform *out, Err *err);

/* The transform's string form, as ice_transform_parse reads it. Truncated like snprintf. */
void ice_transform_format(IceTransform transform, char *buf, size_t buf_len);

/* The type the transform produces from `source` (see the table above). Errors:
 * ERR_INVALID naming the transform and the source type when it does not apply (day of a
 * string, bucket of a float, hour of a date). */
TN_MUST_CHECK ErrCode ice_transform_result_type(IceTransform transform, IcePrim source,
                                                IcePrim *out, Err *err);

/* Apply the transform to one value of its source type (in->type). NULL gives NULL (of the
 * result type); void gives NULL always. Truncated strings and binaries borrow in's bytes.
 * Errors: ERR_INVALID when the transform does not apply to in's type. */
TN_MUST_CHECK ErrCode ice_transform_apply(IceTransform transform, const IceValue *in, IceValue *out,
                                          Err *err);

/* The x86 32-bit Murmur3 hash of len bytes (Appendix B). */
uint32_t ice_murmur3_32(const void *data, size_t len, uint32_t seed);

/* The raw 32-bit bucket hash of a non-NULL value (before masking and the modulo): ints and
 * longs as 8-byte little-endian longs, dates as longs of the day count, times and
 * timestamps as longs of µs, decimals as the minimal big-endian unscaled bytes, strings as
 * UTF-8, uuids as 16 big-endian bytes, fixed and binary as they are; booleans as ints
 * 0/1, floats and doubles as the bits of the double (NaN canonical, -0 as +0) for the
 * spec's completeness table. NULL and nested values hash to 0. */
int32_t ice_bucket_hash(const IceValue *value);

/* The partition path text of one transformed value, as Java's toHumanString writes it:
 * year "2026", month "2026-11", day "2026-11-24", hour "2026-11-24-10", bucket the
 * number, identity and truncate the source value's text (timestamps as
 * "2026-11-24T10:15:30.123456", timestamptz ending "+00:00", time as Java's LocalTime
 * prints it, binary and fixed as base64), NULL "null".
 * Identity and truncate results carry their source type in result->type. Returns the
 * full length (snprintf semantics). */
size_t ice_transform_human(IceTransform transform, const IceValue *result, char *buf,
                           size_t buf_len);

/* The data-file directory for a partition tuple: "name=human/name=human", each human
 * value percent-encoded except [A-Za-z0-9._-] ("route=a%2Fb"); names are encoded the
 * same way. values[i] is spec->fields[i]'s transformed value (typed by its result type).
 * "" for a spec without fields. *out is arena-owned. Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_partition_path(Arena *arena, const IcePartitionSpec *spec,
                                         const IceValue *values, const char **out, Err *err);

/* The result type of each spec field against `schema`, as an arena-owned array of
 * spec->n_fields in *out. Errors: ERR_NOT_FOUND naming the field when its source id is no
 * longer in the schema (a dropped column: callers may treat the field as void),
 * ERR_INVALID when a transform does not apply to its source's type (or the source is not
 * primitive), ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_partition_spec_result_types(const IcePartitionSpec *spec,
                                                      const IceSchema *schema, Arena *arena,
                                                      IcePrim **out, Err *err);

/* True when the spec has no fields or only void transforms. */
bool ice_partition_spec_is_unpartitioned(const IcePartitionSpec *spec);

#endif
