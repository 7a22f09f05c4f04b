/*
 * archive_api.h - the libarchive functions the tar writer uses, loaded on
 * demand (see common/dynlib.h for why). Each tar writer owns one table.
 */
#ifndef HOIST_CONTEXT_ARCHIVE_API_H
#define HOIST_CONTEXT_ARCHIVE_API_H

#include <archive.h>
#include <archive_entry.h>
#include "hoist/error.h"

typedef struct hoist_archive_api {
    void *handle;
    struct archive *(*write_new)(void);
    int (*write_free)(struct archive *a);
    int (*write_set_format_pax_restricted)(struct archive *a);
    int (*write_add_filter_gzip)(struct archive *a);
    int (*write_set_options)(struct archive *a, const char *options);
    int (*write_set_bytes_per_block)(struct archive *a, int bytes);
    int (*write_open)(struct archive *a, void *client, archive_open_callback *open,
                      archive_write_callback *write, archive_close_callback *close);
    int (*write_header)(struct archive *a, struct archive_entry *entry);
    la_ssize_t (*write_data)(struct archive *a, const void *data, size_t size);
    int (*write_close)(struct archive *a);
    const char *(*error_string)(struct archive *a);
    void (*set_error)(struct archive *a, int number, const char *fmt, ...);
    struct archive_entry *(*entry_new)(void);
    void (*entry_free)(struct archive_entry *e);
    struct archive_entry *(*entry_clear)(struct archive_entry *e);
    void (*entry_copy_pathname)(struct archive_entry *e, const char *name);
    void (*entry_copy_hardlink)(struct archive_entry *e, const char *name);
    void (*entry_copy_symlink)(struct archive_entry *e, const char *name);
    void (*entry_set_filetype)(struct archive_entry *e, unsigned int type);
    void (*entry_set_mode)(struct archive_entry *e, __LA_MODE_T mode);
    void (*entry_set_uid)(struct archive_entry *e, la_int64_t uid);
    void (*entry_set_gid)(struct archive_entry *e, la_int64_t gid);
    void (*entry_set_mtime)(struct archive_entry *e, time_t sec, long nsec);
    void (*entry_set_size)(struct archive_entry *e, la_int64_t size);
    void (*entry_set_rdevmajor)(struct archive_entry *e, dev_t major);
    void (*entry_set_rdevminor)(struct archive_entry *e, dev_t minor);
} hoist_archive_api;

int hoist_archive_api_load(hoist_archive_api *api, hoist_error *err);
void hoist_archive_api_unload(hoist_archive_api *api);

#endif
