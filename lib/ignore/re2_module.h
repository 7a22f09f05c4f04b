/*
 * re2_module.h - the interface of hoist-re2.so, the shared module that
 * holds re2_shim.cc (internal).
 *
 * RE2 is C++: linking it into libhoist made every hoist process load and
 * relocate libre2 and libstdc++ (about 1.1 ms of a 3 ms `hoist check`),
 * although only a .dockerignore pattern with a wildcard ever needs a
 * regular expression. The shim is therefore built as a module of its own,
 * installed in $libdir/hoist, and regex.c loads it with dlopen when the
 * first such pattern is compiled (common/dynlib.h). The module is
 * self-contained (it carries its own copy of common/utf8.c) and exports
 * only these three functions; "v1" in their names changes when their
 * contract does, so that a stale module is refused by name.
 */
#ifndef HOIST_IGNORE_RE2_MODULE_H
#define HOIST_IGNORE_RE2_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#define HOIST_RE2_MODULE "hoist-re2.so"

typedef struct hoist_re2 hoist_re2;

/* Go's regexp.Compile; on failure returns -1 with Go's reason in errbuf. */
typedef int hoist_re2_compile_fn(const char *re, size_t len, hoist_re2 **out, char *errbuf, size_t errlen);
/* Go's regexp.MatchString. */
typedef bool hoist_re2_match_fn(const hoist_re2 *re, const char *s, size_t len);
typedef void hoist_re2_free_fn(hoist_re2 *re);

#define HOIST_RE2_COMPILE "hoist_re2_v1_compile"
#define HOIST_RE2_MATCH "hoist_re2_v1_match"
#define HOIST_RE2_FREE "hoist_re2_v1_free"

#endif
