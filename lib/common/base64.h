/*
 * base64.h - base64 with the standard alphabet and padding (RFC 4648
 * section 4), for registry credentials (config.json's "auth", Basic
 * authorization, X-Registry-Auth) and the claims of a registry token.
 * OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock do the coding; these wrappers
 * add the strictness hoist wants (no whitespace, padding only at the end)
 * and the exact decoded length. Callers wipe buffers that held a secret
 * with explicit_bzero.
 */
#ifndef HOIST_COMMON_BASE64_H
#define HOIST_COMMON_BASE64_H

#include <stddef.h>
#include <sys/types.h>

/* Encoded length of `len` bytes, without the NUL. */
#define HOIST_B64_LEN(len) (4 * (((len) + 2) / 3))

/* Writes HOIST_B64_LEN(len) characters and a NUL to out; returns the
 * number of characters. */
size_t hoist_b64_encode(const void *data, size_t len, char *out);

/* Decodes `len` characters of padded base64 (len a multiple of 4) into out,
 * which has room for len / 4 * 3 bytes. Returns the number of bytes, or -1
 * when len is not a multiple of 4, a character is outside the alphabet, or
 * '=' appears anywhere but in the last two places. */
ssize_t hoist_b64_decode(const char *in, size_t len, unsigned char *out);

#endif
