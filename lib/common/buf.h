/*
 * buf.h - the one growable byte buffer of libhoist.
 *
 * Everything that builds text of unknown length (Dockerfile printing and
 * lexing, generated regular expressions, shell words, query strings, the
 * daemon's JSON stream) appends to an hbuf. It keeps its bytes
 * NUL-terminated, grows by doubling up to a cap (`max`, 0 meaning
 * HBUF_DEFAULT_MAX) and never aborts: a failed allocation or a size past
 * the cap makes the call return false and records why in `failed`
 * (ENOMEM or EOVERFLOW). The failure is sticky, so a run of appends can be
 * checked once at the end; hbuf_error() turns it into a hoist_error.
 *
 *   hbuf b = {0};
 *   hbuf_puts(&b, "FROM ");
 *   hbuf_printf(&b, "%s:%d", image, n);
 *   if (b.failed) return hbuf_error(&b, err, "printing the Dockerfile");
 *   char *s = hbuf_take(&b, NULL);   // caller frees; b is empty again
 */
#ifndef HOIST_COMMON_BUF_H
#define HOIST_COMMON_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hoist/error.h"

#define HBUF_DEFAULT_MAX ((size_t)1 << 30) /* 1 GiB */

typedef struct hbuf {
    char *data;   /* NUL-terminated once anything was reserved; NULL while empty */
    size_t len;   /* bytes held, without the NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* most bytes it may hold; 0: HBUF_DEFAULT_MAX */
    int failed;   /* 0, or ENOMEM / EOVERFLOW from the first failure (sticky) */
} hbuf;

/* Room for `extra` more bytes (plus the NUL). False on failure. */
bool hbuf_reserve(hbuf *b, size_t extra);
bool hbuf_append(hbuf *b, const void *s, size_t n);
bool hbuf_putc(hbuf *b, char c);
bool hbuf_puts(hbuf *b, const char *s);
/* The rune as UTF-8, the way Go's WriteRune does (invalid -> U+FFFD). */
bool hbuf_put_rune(hbuf *b, int32_t r);
bool hbuf_printf(hbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool hbuf_vprintf(hbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Keep the head of a stream: append what still fits below the cap and
 * drop the rest, which is not a failure (e.g. the first bytes of a reply,
 * kept for an error message while the whole reply is decoded). */
void hbuf_append_head(hbuf *b, const void *s, size_t n);
/* Make sure data is allocated and NUL-terminated (even when empty). */
bool hbuf_terminate(hbuf *b);

/* Hand the bytes over: a malloc'd NUL-terminated string ("" when empty)
 * the caller frees, length in *len when len is not NULL. The buffer is
 * left empty (and its failure cleared). NULL if the buffer had failed or
 * the final allocation fails. */
char *hbuf_take(hbuf *b, size_t *len);

/* Empty it, keeping the memory and the cap; clears `failed`. */
void hbuf_reset(hbuf *b);
void hbuf_free(hbuf *b);

/* Fill err from b->failed: "out of memory <what>" (HOIST_REASON_NOMEM) or
 * "<what>: more than N bytes" (HOIST_REASON_LIMIT), code HOIST_EFAILED.
 * Returns the code. */
int hbuf_error(const hbuf *b, hoist_error *err, const char *what);

#endif
