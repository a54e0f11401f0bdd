/* ice_meta_fuzz.c — libFuzzer target for the Iceberg metadata.json reader (table/ice_meta).
 * Any input must parse or fail with ERR_CORRUPT / ERR_UNSUPPORTED (never crash, leak or
 * hang); what parses must write back as v2 JSON that parses again to the same text, so a
 * table tarn can read it can always commit to. */
#include <stdlib.h>
#include <string.h>

#include "table/ice_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Mem mem;
    mem_init(&mem, NULL, "ice_meta_fuzz", (size_t)256 << 20);
    Err err;
    err_init(&err);
    IceTableMeta *meta = NULL;
    ErrCode rc = ice_meta_parse(&mem, (const char *)data, size, "fuzz", &meta, &err);
    if (rc != ERR_OK) {
        if (rc != ERR_CORRUPT && rc != ERR_UNSUPPORTED && rc != ERR_NOMEM && rc != ERR_INVALID) {
            abort();
        }
        return 0;
    }
    StrBuf first, second;
    strbuf_init(&first, &mem);
    strbuf_init(&second, &mem);
    IceTableMeta *again = NULL;
    if (ice_meta_write_json(meta, false, &first, &err) != ERR_OK ||
        ice_meta_parse(&mem, first.data, first.len, "fuzz-again", &again, &err) != ERR_OK ||
        ice_meta_write_json(again, false, &second, &err) != ERR_OK || first.len != second.len ||
        memcmp(first.data, second.data, first.len) != 0) {
        abort(); /* a document tarn accepts must round-trip */
    }
    ice_meta_free(again);
    ice_meta_free(meta);
    strbuf_fini(&first);
    strbuf_fini(&second);
    return 0;
}
