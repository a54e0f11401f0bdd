/* ice_store.c — the table pointer store: one JSON state file replaced atomically under
 * an exclusive flock (see ice_store.h for the protocol and why it is safe).
 *
 * Every call parses the state file afresh (it is small: one line per table), so several
 * IceStore objects and processes over one lakehouse always agree. Commits hold the lock
 * from the read through the rename; readers take no lock, because rename is atomic.
 */
#include "table/ice_store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/file.h"
#include "base/strbuf.h"

struct IceStore {
    Mem *mem;
    char state_path[PATH_MAX];
    char lock_path[PATH_MAX];
    char warehouse[PATH_MAX];
};

ErrCode ice_store_open(Mem *mem, const char *data_dir, IceStore **out, Err *err)
{
    char root[PATH_MAX];
    if (!realpath(data_dir, root)) {
        ErrCode rc = file_mkdirs(data_dir, err);
        if (rc != ERR_OK) {
            return rc;
        }
        if (!realpath(data_dir, root)) {
            return err_errno(err, ERR_IO, errno, "lakehouse directory \"%s\"", data_dir);
        }
    }
    IceStore *store = mem_calloc(mem, 1, sizeof *store, err);
    if (!store) {
        return ERR_NOMEM;
    }
    store->mem = mem;
    char catalog[PATH_MAX];
    int n1 = snprintf(catalog, sizeof catalog, "%s/catalog", root);
    int n2 = snprintf(store->state_path, sizeof store->state_path, "%s/tables.json", catalog);
    int n3 = snprintf(store->lock_path, sizeof store->lock_path, "%s/tables.lock", catalog);
    int n4 = snprintf(store->warehouse, sizeof store->warehouse, "%s/warehouse", root);
    if (n1 < 0 || n2 < 0 || n3 < 0 || n4 < 0 || (size_t)n2 >= sizeof store->state_path ||
        (size_t)n4 >= sizeof store->warehouse) {
        mem_free(mem, store);
        return err_set(err, ERR_INVALID, "lakehouse path too long: %s", root);
    }
    ErrCode rc = file_mkdirs(catalog, err);
    if (rc == ERR_OK) {
        rc = file_mkdirs(store->warehouse, err);
    }
    if (rc != ERR_OK) {
        mem_free(mem, store);
        return rc;
    }
    *out = store;
    return ERR_OK;
}

void ice_store_close(IceStore *store)
{
    if (store) {
        mem_free(store->mem, store);
    }
}

const char *ice_store_warehouse(const IceStore *store)
{
    return store->warehouse;
}

ErrCode ice_store_check_name(const char *what, const char *name, Err *err)
{
    size_t len = strlen(name);
    if (len == 0 || len > 128) {
        return err_set(err, ERR_INVALID, "%s name \"%.40s\" must be 1 to 128 characters", what,
                       name);
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool is_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-';
        if (!is_ok) {
            return err_set(err, ERR_INVALID,
                           "%s name \"%s\" may hold only letters, digits, '_' and '-' (bad "
                           "character at %zu)",
                           what, name, i + 1);
        }
    }
    return ERR_OK;
}

/* The state as a jansson object {"namespaces": {...}, "tables": {...}}; an absent file is
 * the empty state. */
static ErrCode load_state(IceStore *store, json_t **out, Err *err)
{
    StrBuf buf;
    strbuf_init(&buf, store->mem);
    ErrCode rc = file_read_all(store->state_path, &buf, err);
    json_t *root = NULL;
    if (rc == ERR_NOT_FOUND) {
        rc = ERR_OK;
        root = json_pack("{s:{},s:{}}", "namespaces", "tables");
        if (!root) {
            rc = err_nomem(err, "table store");
        }
    } else if (rc == ERR_OK) {
        json_error_t json_err;
        root = json_loadb(buf.data ? buf.data : "", buf.len, 0, &json_err);
        if (!root || !json_is_object(json_object_get(root, "namespaces")) ||
            !json_is_object(json_object_get(root, "tables"))) {
            json_decref(root);
            root = NULL;
            rc = err_set(err, ERR_CORRUPT, "%s: not a tarn table store (%s)", store->state_path,
                         json_err.text[0] ? json_err.text : "missing namespaces or tables");
        }
    }
    strbuf_fini(&buf);
    *out = root;
    return rc;
}

static ErrCode save_state(IceStore *store, json_t *root, Err *err)
{
    size_t flags = JSON_INDENT(1) | JSON_SORT_KEYS;
    size_t len = json_dumpb(root, NULL, 0, flags);
    StrBuf buf;
    strbuf_init(&buf, store->mem);
    ErrCode rc = strbuf_reserve(&buf, len + 1, err);
    if (rc == ERR_OK) {
        buf.len = json_dumpb(root, buf.data, len, flags);
        rc = file_write_atomic(store->state_path, buf.data, buf.len, true, err);
    }
    strbuf_fini(&buf);
    return rc;
}

static char *table_key(const char *ns, const char *table, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%s", ns, table);
    return buf;
}

ErrCode ice_store_lookup(IceStore *store, Arena *arena, const char *ns, const char *table,
                         const char **location, Err *err)
{
    json_t *root;
    ErrCode rc = load_state(store, &root, err);
    if (rc != ERR_OK) {
        return rc;
    }
    char key[300];
    const char *value = json_string_value(json_object_get(json_object_get(root, "tables"),
                                                          table_key(ns, table, key, sizeof key)));
    if (!value) {
        rc = err_set(err, ERR_NOT_FOUND, "table %s.%s does not exist", ns, table);
    } else {
        *location = arena_strdup(arena, value);
        rc = *location ? ERR_OK : err_nomem(err, "table location");
    }
    json_decref(root);
    return rc;
}

bool ice_store_namespace_exists(IceStore *store, const char *ns)
{
    json_t *root;
    Err err;
    err_init(&err);
    if (load_state(store, &root, &err) != ERR_OK) {
        return false;
    }
    bool is_found = json_object_get(json_object_get(root, "namespaces"), ns) != NULL;
    json_decref(root);
    return is_found;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted copies of the keys of `obj` (only those starting with `prefix`, prefix dropped). */
static ErrCode collect_keys(Arena *arena, json_t *obj, const char *prefix, const char ***names,
                            size_t *n, Err *err)
{
    size_t cap = json_object_size(obj);
    const char **list = arena_alloc_array(arena, cap + 1, sizeof *list);
    if (!list) {
        return err_nomem(err, "name list");
    }
    size_t count = 0, prefix_len = prefix ? strlen(prefix) : 0;
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        if (prefix && strncmp(key, prefix, prefix_len) != 0) {
            continue;
        }
        list[count] = arena_strdup(arena, key + prefix_len);
        if (!list[count]) {
            return err_nomem(err, "name list");
        }
        count++;
    }
    qsort(list, count, sizeof *list, compare_names);
    *names = list;
    *n = count;
    return ERR_OK;
}

ErrCode ice_store_list_namespaces(IceStore *store, Arena *arena, const char ***names, size_t *n,
                                  Err *err)
{
    json_t *root;
    ErrCode rc = load_state(store, &root, err);
    if (rc == ERR_OK) {
        rc = collect_keys(arena, json_object_get(root, "namespaces"), NULL, names, n, err);
        json_decref(root);
    }
    return rc;
}

ErrCode ice_store_list_tables(IceStore *store, Arena *arena, const char *ns, const char ***names,
                              size_t *n, Err *err)
{
    json_t *root;
    ErrCode rc = load_state(store, &root, err);
    if (rc != ERR_OK) {
        return rc;
    }
    if (!json_object_get(json_object_get(root, "namespaces"), ns)) {
        rc = err_set(err, ERR_NOT_FOUND, "namespace %s does not exist", ns);
    } else {
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%s.", ns);
        rc = collect_keys(arena, json_object_get(root, "tables"), prefix, names, n, err);
    }
    json_decref(root);
    return rc;
}

/* Run `apply` on the state under the exclusive lock and save it when apply succeeds. */
static ErrCode locked_update(IceStore *store, ErrCode (*apply)(json_t *root, void *ctx, Err *err),
                             void *ctx, Err *err)
{
    int fd = open(store->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return err_errno(err, ERR_IO, errno, "could not open lock file \"%s\"", store->lock_path);
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int saved = errno;
            close(fd);
            return err_errno(err, ERR_IO, saved, "could not lock \"%s\"", store->lock_path);
        }
    }
    json_t *root;
    ErrCode rc = load_state(store, &root, err);
    if (rc == ERR_OK) {
        rc = apply(root, ctx, err);
        if (rc == ERR_OK) {
            rc = save_state(store, root, err);
        }
        json_decref(root);
    }
    close(fd); /* releases the lock */
    return rc;
}

typedef struct NamespaceCreate {
    const char *ns;
    bool is_if_not_exists;
} NamespaceCreate;

static ErrCode apply_namespace(json_t *root, void *ctx, Err *err)
{
    NamespaceCreate *create = ctx;
    json_t *namespaces = json_object_get(root, "namespaces");
    if (json_object_get(namespaces, create->ns)) {
        return create->is_if_not_exists
                       ? ERR_OK
                       : err_set(err, ERR_CONFLICT, "namespace %s already exists", create->ns);
    }
    return json_object_set_new(namespaces, create->ns, json_object()) == 0
                   ? ERR_OK
                   : err_nomem(err, "namespace");
}

ErrCode ice_store_create_namespace(IceStore *store, const char *ns, bool is_if_not_exists, Err *err)
{
    ErrCode rc = ice_store_check_name("namespace", ns, err);
    if (rc != ERR_OK) {
        return rc;
    }
    NamespaceCreate create = {ns, is_if_not_exists};
    return locked_update(store, apply_namespace, &create, err);
}

typedef struct Updates {
    const IceStoreUpdate *list;
    size_t n;
} Updates;

static ErrCode apply_updates(json_t *root, void *ctx, Err *err)
{
    Updates *updates = ctx;
    json_t *namespaces = json_object_get(root, "namespaces");
    json_t *tables = json_object_get(root, "tables");
    char key[300];
    /* check everything first: all or nothing */
    for (size_t i = 0; i < updates->n; i++) {
        const IceStoreUpdate *u = &updates->list[i];
        if (!json_object_get(namespaces, u->ns)) {
            return err_set(err, ERR_NOT_FOUND, "namespace %s does not exist", u->ns);
        }
        const char *current = json_string_value(
                json_object_get(tables, table_key(u->ns, u->table, key, sizeof key)));
        if (!u->expected && current) {
            return err_set(err, ERR_CONFLICT, "table %s.%s already exists", u->ns, u->table);
        }
        if (u->expected && !current) {
            return err_set(err, ERR_CONFLICT, "table %s.%s no longer exists", u->ns, u->table);
        }
        if (u->expected && strcmp(u->expected, current) != 0) {
            return err_set(err, ERR_CONFLICT,
                           "table %s.%s was changed by another commit (now at %s)", u->ns, u->table,
                           current);
        }
    }
    for (size_t i = 0; i < updates->n; i++) {
        const IceStoreUpdate *u = &updates->list[i];
        table_key(u->ns, u->table, key, sizeof key);
        int rc = u->location ? json_object_set_new(tables, key, json_string(u->location))
                             : json_object_del(tables, key);
        if (rc != 0) {
            return err_nomem(err, "table store");
        }
    }
    return ERR_OK;
}

ErrCode ice_store_commit(IceStore *store, const IceStoreUpdate *updates, size_t n, Err *err)
{
    for (size_t i = 0; i < n; i++) {
        ErrCode rc = ice_store_check_name("namespace", updates[i].ns, err);
        if (rc == ERR_OK) {
            rc = ice_store_check_name("table", updates[i].table, err);
        }
        if (rc != ERR_OK) {
            return rc;
        }
    }
    Updates ctx = {updates, n};
    return locked_update(store, apply_updates, &ctx, err);
}
