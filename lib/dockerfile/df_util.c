/*
 * df_util.c - arena, buffer, vector and Go-compatible character helpers for
 * the Dockerfile parser (see df_util.h for why the Go quirks matter).
 */
#include "dockerfile/df_util.h"
#include "common/vec.h"

#include <stdlib.h>

struct df_arena_block {
    df_arena_block *next;
    size_t used;
    size_t size;
    _Alignas(16) unsigned char data[];
};

#define DF_ARENA_BLOCK 65536

void *df_arena_alloc(df_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    df_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > DF_ARENA_BLOCK / 4 ? size : DF_ARENA_BLOCK;
        b = malloc(sizeof(*b) + bsize);
        if (!b)
            return NULL;
        b->size = bsize;
        b->used = 0;
        if (size > DF_ARENA_BLOCK / 4 && a->head) {
            /* big one-off block: keep the current block as the head */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *df_arena_strndup(df_arena *a, const char *s, size_t n)
{
    char *p = df_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *df_arena_strdup(df_arena *a, const char *s)
{
    return s ? df_arena_strndup(a, s, strlen(s)) : NULL;
}

void *df_arena_memdup(df_arena *a, const void *src, size_t n)
{
    if (n == 0)
        return NULL;
    void *p = df_arena_alloc(a, n);
    if (p)
        memcpy(p, src, n);
    return p;
}

void df_arena_free(df_arena *a)
{
    df_arena_block *b = a->head;
    while (b) {
        df_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

bool df_vec_push(void **items, size_t *count, size_t *cap, size_t size, const void *item)
{
    void *p = hoist_vec_grow(*items, cap, *count, size, 8);
    if (!p)
        return false;
    *items = p;
    memcpy((char *)*items + *count * size, item, size);
    (*count)++;
    return true;
}

bool df_is_space_byte(unsigned char c)
{
    return utf8_is_space((int32_t)c);
}

bool df_is_digit_rune(int32_t r)
{
    if (r < 0x80)
        return r >= '0' && r <= '9';
    /* common Unicode decimal digit blocks (Nd) */
    static const int32_t zeros[] = {0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66,
                                    0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040,
                                    0x17E0, 0x1810, 0xFF10};
    for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
        if (r >= zeros[i] && r <= zeros[i] + 9)
            return true;
    return false;
}

bool df_is_letter_rune(int32_t r)
{
    if (r < 0x80)
        return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    if (r == 0xAA || r == 0xB5 || r == 0xBA)
        return true;
    if (r >= 0xC0 && r <= 0x24F)
        return r != 0xD7 && r != 0xF7;
    /* Approximation of the L categories for the scripts people write
     * variable names in: Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic,
     * Thai, Georgian, Hangul, kana, CJK. */
    return (r >= 0x250 && r <= 0x2AF) || (r >= 0x370 && r <= 0x3FF && r != 0x37E && r != 0x387) ||
           (r >= 0x400 && r <= 0x52F && !(r >= 0x482 && r <= 0x489)) ||
           (r >= 0x531 && r <= 0x587) || (r >= 0x5D0 && r <= 0x5F2) ||
           (r >= 0x620 && r <= 0x64A) || (r >= 0x904 && r <= 0x939) ||
           (r >= 0xE01 && r <= 0xE30) || (r >= 0x10A0 && r <= 0x10FF) ||
           (r >= 0x1E00 && r <= 0x1FFF) || (r >= 0x3041 && r <= 0x3096) ||
           (r >= 0x30A1 && r <= 0x30FA) || (r >= 0x4E00 && r <= 0x9FFF) ||
           (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xFF21 && r <= 0xFF3A) ||
           (r >= 0xFF41 && r <= 0xFF5A);
}

bool df_strcaseeq_n(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (df_ascii_lower(a[i]) != df_ascii_lower(b[i]))
            return false;
    return true;
}
