/*
 * df_util.h - small building blocks shared by the Dockerfile code: an arena
 * that owns every string and array of a parsed document, a generic vector
 * push, and the Go-compatible character classes
 * the parser needs to read text exactly as BuildKit (written in Go) does.
 *
 * Why Go-compatible: BuildKit trims with unicode.IsSpace, decodes UTF-8 with
 * utf8.DecodeRune (an invalid byte becomes U+FFFD when re-encoded) and in
 * some places looks at single bytes as if they were runes (so bytes 0x85 and
 * 0xA0 count as spaces there). Matching those quirks is what makes the AST
 * identical to BuildKit's, so they live here with names that say which one
 * is which.
 */
#ifndef HOIST_DF_UTIL_H
#define HOIST_DF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"

/* ---- arena ---- */
typedef struct df_arena_block df_arena_block;
typedef struct df_arena {
    df_arena_block *head;
} df_arena;

void *df_arena_alloc(df_arena *a, size_t size);             /* zeroed, 16-byte aligned; NULL on OOM */
char *df_arena_strndup(df_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *df_arena_strdup(df_arena *a, const char *s);
void *df_arena_memdup(df_arena *a, const void *p, size_t n);
void df_arena_free(df_arena *a);

/* ---- growable buffer: common/buf.h (hbuf) ---- */

/* Append one element of `size` bytes to a malloc'd vector. */
bool df_vec_push(void **items, size_t *count, size_t *cap, size_t size, const void *item);

/* ---- Go-compatible text helpers (runes: common/utf8.h) ---- */
/* unicode.IsSpace(rune(b)) on a single byte, as BuildKit's flag and
 * HEALTHCHECK splitters do (0x85 and 0xA0 count). */
bool df_is_space_byte(unsigned char c);
/* unicode.IsLetter / unicode.IsDigit (ASCII exact, common scripts approximated). */
bool df_is_letter_rune(int32_t r);
bool df_is_digit_rune(int32_t r);

/* TrimLeftFunc / TrimRightFunc with unicode.IsSpace: utf8_trim_left_space /
 * utf8_trim_right_space (common/utf8.h). */

static inline bool df_is_ascii_ws(unsigned char c) /* regexp [\t\v\f\r ] */
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static inline char df_ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static inline char df_ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }
bool df_strcaseeq_n(const char *a, size_t an, const char *b); /* ASCII case-insensitive, b NUL-terminated */

#endif
