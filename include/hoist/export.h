/*
 * hoist/export.h - HOIST_EXTERN, the mark on every public libhoist function.
 *
 * libhoist is compiled with hidden symbol visibility: only the functions
 * declared with HOIST_EXTERN in include/hoist/ are exported from
 * libhoist.so, so internals cannot be linked against by accident and the
 * library's ABI is exactly what these headers declare
 * (tests/abi/check_exports.py checks it). The same mark is correct when
 * building the library and when using it, and for the static library.
 * Threads: macros only; nothing to share.
 */
#ifndef HOIST_EXPORT_H
#define HOIST_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define HOIST_EXTERN __attribute__((visibility("default")))
#else
#define HOIST_EXTERN
#endif

#endif
