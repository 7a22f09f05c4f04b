/*
 * vec.h - room in an array that grows by doubling (internal).
 *
 * For arrays kept as {items, count, cap} in a struct (vertices of a trace,
 * gRPC metadata, generator choices): before appending, ask for room.
 *
 *   bk_vertex *grown = hoist_vec_grow(t->vertices, &t->vertex_cap, t->vertex_count, sizeof(*grown), 32);
 *   if (!grown)
 *       return NULL;                 // out of memory: the array is unchanged
 *   t->vertices = grown;
 *   t->vertices[t->vertex_count++] = ...;
 */
#ifndef HOIST_COMMON_VEC_H
#define HOIST_COMMON_VEC_H

#include <stddef.h>

/* `items` (count elements of `size` bytes, room for *cap) with room for one
 * more: items itself while count < *cap, else reallocated to twice *cap
 * (`first` elements the first time) and *cap updated. NULL when out of
 * memory or the size would overflow; items and *cap are then unchanged. */
void *hoist_vec_grow(void *items, size_t *cap, size_t count, size_t size, size_t first);

#endif
