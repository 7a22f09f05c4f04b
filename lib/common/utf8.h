/*
 * utf8.h - the one UTF-8 unit of libhoist: decode, encode and scan runes
 * exactly as Go does.
 *
 * Docker (the CLI's .dockerignore matcher) and BuildKit (the Dockerfile
 * parser and shell lexer) are written in Go, and hoist must read odd input
 * the way they do to give the same answer: utf8.DecodeRune turns an invalid
 * or truncated sequence (an overlong form, a surrogate, a value above
 * U+10FFFF, a stray continuation byte) into U+FFFD of width 1; WriteRune
 * turns an invalid rune into U+FFFD; unicode.IsSpace decides what trimming
 * removes. The ignore matcher, the Dockerfile parser and the linter all use
 * this file, so the three cannot disagree.
 */
#ifndef HOIST_COMMON_UTF8_H
#define HOIST_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_RUNE_ERROR 0xFFFD
#define UTF8_EOF (-1)

/* Go's utf8.DecodeRune on s[0..n): returns the rune and sets *width to the
 * bytes it used. Invalid or truncated input gives (UTF8_RUNE_ERROR, 1);
 * n == 0 gives (UTF8_RUNE_ERROR, 0). */
int32_t utf8_decode(const char *s, size_t n, size_t *width);

/* Go's utf8.EncodeRune: writes 1..4 bytes to out and returns the count.
 * A negative rune, a surrogate or one above U+10FFFF becomes U+FFFD. */
size_t utf8_encode(int32_t r, char out[4]);

/* Go's utf8.DecodeLastRune on s[0..n): the last rune and its width;
 * (UTF8_RUNE_ERROR, 1) when the tail is not one valid rune. n must be > 0. */
int32_t utf8_decode_last(const char *s, size_t n, size_t *width);

/* Go's unicode.IsSpace. */
bool utf8_is_space(int32_t r);

/* strings.TrimLeftFunc / TrimRightFunc with unicode.IsSpace (and so
 * strings.TrimSpace): the offset of the first byte kept, and the end of the
 * last. An invalid byte is U+FFFD, which is not a space. */
size_t utf8_trim_left_space(const char *s, size_t n);
size_t utf8_trim_right_space(const char *s, size_t n);

/* A rune-at-a-time reader over a byte string (what the pattern compiler and
 * the shell lexer step through). peek/next return UTF8_EOF at the end. */
typedef struct utf8_scanner {
    const char *s;
    size_t len;
    size_t pos;
} utf8_scanner;

int32_t utf8_peek(const utf8_scanner *sc);
int32_t utf8_next(utf8_scanner *sc);

#endif
