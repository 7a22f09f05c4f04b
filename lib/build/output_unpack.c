/*
 * output_unpack.c - `--output type=local,dest=DIR`: unpack the tar that
 * BuildKit's exporter sent through the session (FileSend) into DIR.
 *
 * The daemon's BuildKit (20.10) sends a local export through the session
 * only as a tar stream, so hoist receives it into a temporary file beside
 * DIR and unpacks it here with libarchive (loaded on demand, like the tar
 * writer), refusing entries that would land outside DIR (absolute paths,
 * "..", writes through symlinks). The temporary file is removed by the
 * caller in every case. Entries keep the tar's mode and times; the owner is
 * the caller (not restored unless run as root, as libarchive does).
 */
#include "build/build_internal.h"
#include "common/dynlib.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct unpack_api {
    void *handle;
    struct archive *(*read_new)(void);
    int (*read_support_format_tar)(struct archive *a);
    int (*read_open_filename)(struct archive *a, const char *name, size_t block);
    int (*read_next_header)(struct archive *a, struct archive_entry **entry);
    int (*read_extract)(struct archive *a, struct archive_entry *entry, int flags);
    int (*read_free)(struct archive *a);
    const char *(*error_string)(struct archive *a);
    const char *(*entry_pathname)(struct archive_entry *e);
    void (*entry_copy_pathname)(struct archive_entry *e, const char *name);
    const char *(*entry_hardlink)(struct archive_entry *e);
    void (*entry_copy_hardlink)(struct archive_entry *e, const char *name);
} unpack_api;

#define SYM(field) {"archive_" #field, offsetof(unpack_api, field)}

int hoist_build_unpack_output(const char *tar_path, const char *dest, hoist_error *err)
{
    static const hoist_dynsym symbols[] = {
        SYM(read_new), SYM(read_support_format_tar), SYM(read_open_filename), SYM(read_next_header),
        SYM(read_extract), SYM(read_free), SYM(error_string), SYM(entry_pathname), SYM(entry_copy_pathname),
        SYM(entry_hardlink), SYM(entry_copy_hardlink),
    };
    static const char *const sonames[] = {"libarchive.so.13", NULL};
    unpack_api api = {0};
    int rc = hoist_dynlib_load(sonames, "libarchive13", symbols, sizeof(symbols) / sizeof(symbols[0]), &api,
                               &api.handle, err);
    if (rc)
        return rc;
    if (mkdir(dest, 0777) && errno != EEXIST) {
        hoist_dynlib_unload(api.handle);
        hoist_error_set(err, HOIST_EINPUT, "--output: cannot create %s: %s", dest, strerror(errno));
        return hoist_error_at(err, dest, 0, 0);
    }
    /* Every name is put under the resolved dest, so an absolute name in the
     * tar stays inside it; ".." and writes through symlinks are refused. */
    char *root = realpath(dest, NULL);
    if (!root) {
        hoist_dynlib_unload(api.handle);
        hoist_error_set(err, HOIST_EINPUT, "--output: %s: %s", dest, strerror(errno));
        return hoist_error_at(err, dest, 0, 0);
    }
    struct archive *a = api.read_new();
    if (!a) {
        free(root);
        hoist_dynlib_unload(api.handle);
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    }
    api.read_support_format_tar(a);
    const int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                      ARCHIVE_EXTRACT_SECURE_SYMLINKS;
    rc = 0;
    if (api.read_open_filename(a, tar_path, 65536) != ARCHIVE_OK) {
        rc = hoist_error_set(err, HOIST_EFAILED, "--output: cannot read the exported tar: %s", api.error_string(a));
    } else {
        struct archive_entry *entry;
        int r;
        char path[8192];
        while ((r = api.read_next_header(a, &entry)) == ARCHIVE_OK) {
            const char *name = api.entry_pathname(entry);
            snprintf(path, sizeof(path), "%s/%s", root, name ? name : "");
            api.entry_copy_pathname(entry, path);
            const char *link = api.entry_hardlink(entry);
            if (link) {
                snprintf(path, sizeof(path), "%s/%s", root, link);
                api.entry_copy_hardlink(entry, path);
            }
            if (api.read_extract(a, entry, flags) != ARCHIVE_OK) { /* a refused entry is only a warning */
                rc = hoist_error_set(err, HOIST_EFAILED, "--output: cannot write %s: %s", path, api.error_string(a));
                hoist_error_at(err, dest, 0, 0);
                break;
            }
        }
        if (!rc && r != ARCHIVE_EOF)
            rc = hoist_error_set(err, HOIST_EFAILED, "--output: the exported tar is damaged: %s", api.error_string(a));
    }
    api.read_free(a);
    free(root);
    hoist_dynlib_unload(api.handle);
    return rc;
}
