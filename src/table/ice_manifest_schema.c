/* ice_manifest_schema.c — the Avro schemas of Iceberg manifests and manifest lists, and
 * the mapping of Iceberg partition values to and from Avro datums.
 *
 * The schemas are the spec's `manifest_entry` / `data_file` and `manifest_file` structs
 * (Iceberg spec "Manifests", "Manifest Lists") with Java Iceberg's record names and
 * field-id attributes; int-keyed maps are arrays of k<id>_v<id> records marked
 * logicalType "map" (Appendix A, Avro). The partition struct r102 is built per partition
 * spec from the spec's result types:
 *
 *   Iceberg type        Avro type
 *   boolean/int/long    boolean / int / long
 *   float/double        float / double
 *   date                int, logicalType date
 *   time                long, logicalType time-micros
 *   timestamp(tz)       long, logicalType timestamp-micros, adjust-to-utc false (true)
 *   string / binary     string / bytes
 *   uuid                fixed[16], logicalType uuid
 *   fixed[L]            fixed[L]
 *   decimal(P,S)        fixed[minimum bytes for P], logicalType decimal
 */
#include <stdio.h>
#include <string.h>

#include "table/ice_manifest_int.h"

static const char manifest_list_schema_json[] =
        "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
        "{\"name\":\"manifest_path\",\"type\":\"string\",\"doc\":\"Location URI with FS "
        "scheme\",\"field-id\":500},"
        "{\"name\":\"manifest_length\",\"type\":\"long\",\"doc\":\"Total file size in "
        "bytes\",\"field-id\":501},"
        "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"doc\":\"Spec ID used to "
        "write\",\"field-id\":502},"
        "{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the manifest: 0=data, "
        "1=deletes\",\"field-id\":517},"
        "{\"name\":\"sequence_number\",\"type\":\"long\",\"doc\":\"Sequence number when the "
        "manifest was added\",\"field-id\":515},"
        "{\"name\":\"min_sequence_number\",\"type\":\"long\",\"doc\":\"Lowest sequence "
        "number in the manifest\",\"field-id\":516},"
        "{\"name\":\"added_snapshot_id\",\"type\":\"long\",\"doc\":\"Snapshot ID that added "
        "the manifest\",\"field-id\":503},"
        "{\"name\":\"added_files_count\",\"type\":\"int\",\"doc\":\"Added entry "
        "count\",\"field-id\":504},"
        "{\"name\":\"existing_files_count\",\"type\":\"int\",\"doc\":\"Existing entry "
        "count\",\"field-id\":505},"
        "{\"name\":\"deleted_files_count\",\"type\":\"int\",\"doc\":\"Deleted entry "
        "count\",\"field-id\":506},"
        "{\"name\":\"added_rows_count\",\"type\":\"long\",\"doc\":\"Added rows "
        "count\",\"field-id\":512},"
        "{\"name\":\"existing_rows_count\",\"type\":\"long\",\"doc\":\"Existing rows "
        "count\",\"field-id\":513},"
        "{\"name\":\"deleted_rows_count\",\"type\":\"long\",\"doc\":\"Deleted rows "
        "count\",\"field-id\":514},"
        "{\"name\":\"partitions\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{"
        "\"type\":\"record\",\"name\":\"r508\",\"fields\":["
        "{\"name\":\"contains_null\",\"type\":\"boolean\",\"doc\":\"True if any file has a "
        "null partition value\",\"field-id\":509},"
        "{\"name\":\"contains_nan\",\"type\":[\"null\",\"boolean\"],\"doc\":\"True if any "
        "file has a nan partition value\",\"default\":null,\"field-id\":518},"
        "{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Partition lower "
        "bound for all files\",\"default\":null,\"field-id\":510},"
        "{\"name\":\"upper_bound\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Partition upper "
        "bound for all files\",\"default\":null,\"field-id\":511}]},"
        "\"element-id\":508}],\"doc\":\"Summary for each partition\",\"default\":null,"
        "\"field-id\":507},"
        "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Encryption key "
        "metadata blob\",\"default\":null,\"field-id\":519}]}";

const char *ice_manifest_list_schema_json(void)
{
    return manifest_list_schema_json;
}

/* An int-keyed map field as Java writes it: an optional array of k/v records. */
static ErrCode append_map_field(StrBuf *out, const char *name, int32_t field_id, int32_t key_id,
                                int32_t value_id, const char *value_type, Err *err)
{
    return strbuf_appendf(
            out, err,
            "{\"name\":\"%s\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
            "\"record\",\"name\":\"k%d_v%d\",\"fields\":[{\"name\":\"key\",\"type\":\"int\","
            "\"field-id\":%d},{\"name\":\"value\",\"type\":\"%s\",\"field-id\":%d}]},"
            "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":%d},",
            name, key_id, value_id, key_id, value_type, value_id, field_id);
}

static ErrCode append_partition_type(StrBuf *out, IcePrim type, Err *err)
{
    switch (type.id) {
    case ICE_BOOLEAN:
        return strbuf_append_str(out, "\"boolean\"", err);
    case ICE_INT:
        return strbuf_append_str(out, "\"int\"", err);
    case ICE_LONG:
        return strbuf_append_str(out, "\"long\"", err);
    case ICE_FLOAT:
        return strbuf_append_str(out, "\"float\"", err);
    case ICE_DOUBLE:
        return strbuf_append_str(out, "\"double\"", err);
    case ICE_DATE:
        return strbuf_append_str(out, "{\"type\":\"int\",\"logicalType\":\"date\"}", err);
    case ICE_TIME:
        return strbuf_append_str(out, "{\"type\":\"long\",\"logicalType\":\"time-micros\"}", err);
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        return strbuf_appendf(out, err,
                              "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\","
                              "\"adjust-to-utc\":%s}",
                              type.id == ICE_TIMESTAMPTZ ? "true" : "false");
    case ICE_STRING:
        return strbuf_append_str(out, "\"string\"", err);
    case ICE_BINARY:
        return strbuf_append_str(out, "\"bytes\"", err);
    case ICE_UUID:
        return strbuf_append_str(out,
                                 "{\"type\":\"fixed\",\"name\":\"uuid_fixed\",\"size\":16,"
                                 "\"logicalType\":\"uuid\"}",
                                 err);
    case ICE_FIXED:
        return strbuf_appendf(out, err, "{\"type\":\"fixed\",\"name\":\"fixed_%d\",\"size\":%d}",
                              type.length, type.length);
    case ICE_DECIMAL:
        return strbuf_appendf(out, err,
                              "{\"type\":\"fixed\",\"name\":\"decimal_%d_%d\",\"size\":%d,"
                              "\"logicalType\":\"decimal\",\"precision\":%d,\"scale\":%d}",
                              type.precision, type.scale,
                              ice_decimal_bytes_for_precision(type.precision), type.precision,
                              type.scale);
    default:
        return err_set(err, ERR_INVALID, "a partition value cannot have a nested type");
    }
}

/* A partition field name made a legal Avro name the way Java Iceberg does it
 * (AvroSchemaUtil): letters, digits and '_' stay; a leading digit gets a '_' before it; any
 * other character becomes "_x" and its code in upper-case hex. Readers match fields by
 * field id, so the name only has to be legal. */
static ErrCode append_avro_name(StrBuf *out, const char *name, Err *err)
{
    ErrCode rc = ERR_OK;
    for (size_t i = 0; rc == ERR_OK && name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool is_digit = c >= '0' && c <= '9';
        if (is_letter || c == '_' || (is_digit && i > 0)) {
            rc = strbuf_append_byte(out, c, err);
        } else if (is_digit) {
            rc = strbuf_appendf(out, err, "_%c", c);
        } else {
            rc = strbuf_appendf(out, err, "_x%X", c);
        }
    }
    return rc;
}

int32_t ice_decimal_bytes_for_precision(int32_t precision)
{
    /* the fewest bytes whose signed range holds 10^precision - 1 */
    for (int32_t bytes = 1; bytes < 16; bytes++) {
        __int128 max = ((__int128)1 << (8 * bytes - 1)) - 1;
        if (max >= ice_decimal_pow10(precision) - 1) {
            return bytes;
        }
    }
    return 16;
}

ErrCode ice_manifest_entry_schema_json(const IcePartitionSpec *spec, const IcePrim *result_types,
                                       StrBuf *out, Err *err)
{
    ErrCode rc = strbuf_append_str(
            out,
            "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
            "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
            "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,"
            "\"field-id\":1},"
            "{\"name\":\"sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
            "\"field-id\":3},"
            "{\"name\":\"file_sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
            "\"field-id\":4},"
            "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
            "{\"name\":\"content\",\"type\":\"int\",\"doc\":\"Contents of the file: 0=data, "
            "1=position deletes, 2=equality deletes\",\"field-id\":134},"
            "{\"name\":\"file_path\",\"type\":\"string\",\"doc\":\"Location URI with FS "
            "scheme\",\"field-id\":100},"
            "{\"name\":\"file_format\",\"type\":\"string\",\"doc\":\"File format name: avro, "
            "orc, or parquet\",\"field-id\":101},"
            "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\","
            "\"fields\":[",
            err);
    for (int32_t i = 0; rc == ERR_OK && i < spec->n_fields; i++) {
        rc = strbuf_appendf(out, err, "%s{\"name\":\"", i ? "," : "");
        if (rc == ERR_OK) {
            rc = append_avro_name(out, spec->fields[i].name, err);
        }
        if (rc == ERR_OK) {
            rc = strbuf_append_str(out, "\",\"type\":[\"null\",", err);
        }
        if (rc == ERR_OK) {
            rc = append_partition_type(out, result_types[i], err);
        }
        if (rc == ERR_OK) {
            rc = strbuf_appendf(out, err, "],\"default\":null,\"field-id\":%d}",
                                spec->fields[i].field_id);
        }
    }
    if (rc == ERR_OK) {
        rc = strbuf_append_str(
                out,
                "]},\"doc\":\"Partition data tuple, schema based on the partition spec\","
                "\"field-id\":102},"
                "{\"name\":\"record_count\",\"type\":\"long\",\"doc\":\"Number of records in "
                "the file\",\"field-id\":103},"
                "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"doc\":\"Total file size in "
                "bytes\",\"field-id\":104},",
                err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "column_sizes", 108, 117, 118, "long", err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "value_counts", 109, 119, 120, "long", err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "null_value_counts", 110, 121, 122, "long", err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "nan_value_counts", 137, 138, 139, "long", err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "lower_bounds", 125, 126, 127, "bytes", err);
    }
    if (rc == ERR_OK) {
        rc = append_map_field(out, "upper_bounds", 128, 129, 130, "bytes", err);
    }
    if (rc == ERR_OK) {
        rc = strbuf_append_str(
                out,
                "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"doc\":\"Encryption "
                "key metadata blob\",\"default\":null,\"field-id\":131},"
                "{\"name\":\"split_offsets\",\"type\":[\"null\",{\"type\":\"array\",\"items\":"
                "\"long\",\"element-id\":133}],\"doc\":\"Splittable offsets\",\"default\":null,"
                "\"field-id\":132},"
                "{\"name\":\"equality_ids\",\"type\":[\"null\",{\"type\":\"array\",\"items\":"
                "\"int\",\"element-id\":136}],\"doc\":\"Equality comparison field IDs\","
                "\"default\":null,\"field-id\":135},"
                "{\"name\":\"sort_order_id\",\"type\":[\"null\",\"int\"],\"doc\":\"Sort order "
                "ID\",\"default\":null,\"field-id\":140}"
                "]},\"field-id\":2}]}",
                err);
    }
    return rc;
}

/* ---- partition values <-> Avro datums ------------------------------------------------- */

ErrCode ice_partition_to_avro(Arena *arena, const IceValue *value, AvroValue *out, Err *err)
{
    memset(out, 0, sizeof *out);
    if (value->is_null) {
        out->kind = AVRO_NULL;
        return ERR_OK;
    }
    switch (value->type.id) {
    case ICE_BOOLEAN:
        out->kind = AVRO_BOOLEAN;
        out->boolean = value->b;
        return ERR_OK;
    case ICE_INT:
    case ICE_DATE:
        out->kind = AVRO_INT;
        out->l = value->i32;
        return ERR_OK;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        out->kind = AVRO_LONG;
        out->l = value->i64;
        return ERR_OK;
    case ICE_FLOAT:
        out->kind = AVRO_FLOAT;
        out->f = value->f32;
        return ERR_OK;
    case ICE_DOUBLE:
        out->kind = AVRO_DOUBLE;
        out->d = value->f64;
        return ERR_OK;
    case ICE_STRING:
        out->kind = AVRO_STRING;
        out->bytes.ptr = value->bytes.ptr;
        out->bytes.len = value->bytes.len;
        return ERR_OK;
    case ICE_BINARY:
        out->kind = AVRO_BYTES;
        out->bytes.ptr = value->bytes.ptr;
        out->bytes.len = value->bytes.len;
        return ERR_OK;
    case ICE_UUID:
    case ICE_FIXED:
        out->kind = AVRO_FIXED;
        out->bytes.ptr = value->bytes.ptr;
        out->bytes.len = value->bytes.len;
        return ERR_OK;
    case ICE_DECIMAL: {
        /* fixed of the precision's size: big-endian two's complement, sign-extended */
        int32_t size = ice_decimal_bytes_for_precision(value->type.precision);
        uint8_t *bytes = arena_alloc(arena, (size_t)size);
        if (!bytes) {
            return err_nomem(err, "partition value");
        }
        __int128 v = value->dec;
        for (int32_t i = size - 1; i >= 0; i--) {
            bytes[i] = (uint8_t)(v & 0xFF);
            v >>= 8; /* arithmetic shift keeps the sign */
        }
        out->kind = AVRO_FIXED;
        out->bytes.ptr = bytes;
        out->bytes.len = (size_t)size;
        return ERR_OK;
    }
    default:
        return err_set(err, ERR_INVALID, "a partition value cannot have a nested type");
    }
}

ErrCode ice_partition_from_avro(const AvroValue *value, IcePrim type, IceValue *out, Err *err)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    if (!value || value->kind == AVRO_NULL) {
        out->is_null = true;
        return ERR_OK;
    }
    char name[48];
    switch (type.id) {
    case ICE_BOOLEAN:
        if (value->kind == AVRO_BOOLEAN) {
            out->b = value->boolean;
            return ERR_OK;
        }
        break;
    case ICE_INT:
    case ICE_DATE:
        if ((value->kind == AVRO_INT || value->kind == AVRO_LONG) && value->l >= INT32_MIN &&
            value->l <= INT32_MAX) {
            out->i32 = (int32_t)value->l;
            return ERR_OK;
        }
        break;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        if (value->kind == AVRO_INT || value->kind == AVRO_LONG) {
            out->i64 = value->l;
            return ERR_OK;
        }
        break;
    case ICE_FLOAT:
        if (value->kind == AVRO_FLOAT) {
            out->f32 = value->f;
            return ERR_OK;
        }
        break;
    case ICE_DOUBLE:
        if (value->kind == AVRO_DOUBLE || value->kind == AVRO_FLOAT) {
            out->f64 = value->kind == AVRO_DOUBLE ? value->d : (double)value->f;
            return ERR_OK;
        }
        break;
    case ICE_STRING:
    case ICE_BINARY:
    case ICE_UUID:
    case ICE_FIXED:
        if ((value->kind == AVRO_STRING || value->kind == AVRO_BYTES ||
             value->kind == AVRO_FIXED) &&
            value->bytes.len <= UINT32_MAX && (type.id != ICE_UUID || value->bytes.len == 16) &&
            (type.id != ICE_FIXED || value->bytes.len == (size_t)type.length)) {
            out->bytes.ptr = value->bytes.ptr;
            out->bytes.len = (uint32_t)value->bytes.len;
            return ERR_OK;
        }
        break;
    case ICE_DECIMAL:
        if ((value->kind == AVRO_FIXED || value->kind == AVRO_BYTES) && value->bytes.len >= 1 &&
            value->bytes.len <= 16) {
            __int128 v = (int8_t)value->bytes.ptr[0]; /* sign from the first byte */
            for (size_t i = 1; i < value->bytes.len; i++) {
                v = (__int128)((unsigned __int128)v << 8) | value->bytes.ptr[i];
            }
            out->dec = v;
            return ERR_OK;
        }
        break;
    default:
        break;
    }
    ice_prim_name(type, name, sizeof name);
    return err_set(err, ERR_CORRUPT, "partition value of Avro type %s does not hold a %s",
                   avro_kind_name(value->kind), name);
}
