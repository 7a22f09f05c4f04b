/*
 * cleanup.h - scope-bound ownership for libhoist internals.
 *
 * `_cleanup_(fn)` runs fn(&var) when var leaves scope, so early returns
 * cannot leak. The typed helpers below cover what libhoist owns most:
 * heap memory, file descriptors, FILE streams and jansson values. Use
 * TAKE_PTR(p) to hand ownership out of a scope (returns p, nulls the var).
 */
#ifndef HOIST_CLEANUP_H
#define HOIST_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#define _cleanup_(fn) __attribute__((cleanup(fn)))

static inline void hoist_freep(void *p) { free(*(void **)p); }
static inline void hoist_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void hoist_fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void hoist_closedirp(DIR **d) { if (*d) closedir(*d); }

#define _cleanup_free_ _cleanup_(hoist_freep)
#define _cleanup_close_ _cleanup_(hoist_closep)
#define _cleanup_fclose_ _cleanup_(hoist_fclosep)
#define _cleanup_closedir_ _cleanup_(hoist_closedirp)

/* Declare `name_freep` for a type with a `name_free(T *)` function. */
#define HOIST_DEFINE_FREEP(type, freefn)                  \
    static inline void freefn##p(type **p)                \
    {                                                     \
        if (*p)                                           \
            freefn(*p);                                   \
    }

#define TAKE_PTR(p)                  \
    ({                               \
        __typeof__(p) take_tmp_ = (p); \
        (p) = NULL;                  \
        take_tmp_;                   \
    })

#define TAKE_FD(fd)              \
    ({                           \
        int take_fd_ = (fd);     \
        (fd) = -1;               \
        take_fd_;                \
    })

#endif
