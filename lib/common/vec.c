/*
 * vec.c - room in an array that grows by doubling (see vec.h).
 */
#include "common/vec.h"

#include <stdint.h>
#include <stdlib.h>

void *hoist_vec_grow(void *items, size_t *cap, size_t count, size_t size, size_t first)
{
    if (count < *cap && items)
        return items;
    size_t ncap = *cap ? *cap : (first ? first : 1);
    while (ncap <= count) {
        if (ncap > SIZE_MAX / 2)
            return NULL;
        ncap *= 2;
    }
    if (!size || ncap > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, ncap * size);
    if (!grown)
        return NULL;
    *cap = ncap;
    return grown;
}
