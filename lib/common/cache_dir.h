/*
 * cache_dir.h - hoist's directories in the user's cache: where they are,
 * whether caching is on, making them, and keeping them bounded (internal).
 *
 * Used by the ShellCheck verdict cache (lint/sc_cache.c) and the build
 * records (record/store.c): each has its own subdirectory of
 * $XDG_CACHE_HOME/hoist (~/.cache/hoist when unset or not absolute) and
 * its own limits.
 */
#ifndef HOIST_COMMON_CACHE_DIR_H
#define HOIST_COMMON_CACHE_DIR_H

#include <stdbool.h>
#include <stddef.h>

/* False when HOIST_NO_CACHE is set to anything but "" or "0". */
bool hoist_cache_enabled(void);

/* $XDG_CACHE_HOME/hoist/<name>, else $HOME/.cache/hoist/<name>, into dir;
 * false when neither variable is an absolute path or dir is too small. */
bool hoist_cache_dir(const char *name, char *dir, size_t size);

/* mkdir -p with mode 0700 (dir is changed while it runs, then restored);
 * true when it exists afterwards. */
bool hoist_cache_mkdir(char *dir);

/* Keep `dir` bounded. Its entries are the files whose name `is_entry`
 * accepts; when there are more than max_files of them or they hold more
 * than max_bytes, the oldest by modification time are removed until at
 * most keep_files remain holding at most keep_bytes (keep_* at or below
 * max_*: lower values leave room for the next writes). */
void hoist_cache_bound(const char *dir, bool (*is_entry)(const char *name), size_t max_files,
                       unsigned long long max_bytes, size_t keep_files, unsigned long long keep_bytes);

#endif
