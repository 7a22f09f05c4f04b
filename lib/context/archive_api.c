/*
 * archive_api.c - resolve the libarchive functions hoist uses.
 */
#include "context/archive_api.h"
#include "common/dynlib.h"

#include <stddef.h>
#include <string.h>

#define SYM(field) {"archive_" #field, offsetof(hoist_archive_api, field)}

int hoist_archive_api_load(hoist_archive_api *api, hoist_error *err)
{
    static const hoist_dynsym symbols[] = {
        SYM(write_new), SYM(write_free), SYM(write_set_format_pax_restricted), SYM(write_add_filter_gzip),
        SYM(write_set_options), SYM(write_set_bytes_per_block), SYM(write_open), SYM(write_header),
        SYM(write_data), SYM(write_close), SYM(error_string), SYM(set_error),
        SYM(entry_new), SYM(entry_free), SYM(entry_clear), SYM(entry_copy_pathname),
        SYM(entry_copy_hardlink), SYM(entry_copy_symlink), SYM(entry_set_filetype), SYM(entry_set_mode),
        SYM(entry_set_uid), SYM(entry_set_gid), SYM(entry_set_mtime), SYM(entry_set_size),
        SYM(entry_set_rdevmajor), SYM(entry_set_rdevminor),
    };
    static const char *const sonames[] = {"libarchive.so.13", NULL};
    memset(api, 0, sizeof(*api));
    return hoist_dynlib_load(sonames, "libarchive13", symbols, sizeof(symbols) / sizeof(symbols[0]), api,
                             &api->handle, err);
}

void hoist_archive_api_unload(hoist_archive_api *api)
{
    hoist_dynlib_unload(api->handle);
    memset(api, 0, sizeof(*api));
}
