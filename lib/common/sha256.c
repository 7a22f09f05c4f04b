/*
 * sha256.c - SHA-256 through libcrypto's low-level functions (see
 * sha256.h for why not EVP). OPENSSL_SUPPRESS_DEPRECATED: OpenSSL 3 marks
 * SHA256_Init & co. deprecated in favour of EVP, whose provider start-up
 * is what these wrappers avoid; they remain part of OpenSSL 3's API.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common/sha256.h"

#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((hoist_sha256 *)0)->ctx.bytes), "SHA256_CTX fits in hoist_sha256");
_Static_assert(HOIST_SHA256_SIZE == SHA256_DIGEST_LENGTH, "digest size");

static SHA256_CTX *ctx_of(hoist_sha256 *s)
{
    return (SHA256_CTX *)(void *)s->ctx.bytes;
}

void hoist_sha256_init(hoist_sha256 *s)
{
    SHA256_Init(ctx_of(s));
}

void hoist_sha256_update(hoist_sha256 *s, const void *data, size_t len)
{
    if (len)
        SHA256_Update(ctx_of(s), data, len);
}

void hoist_sha256_final(hoist_sha256 *s, unsigned char out[HOIST_SHA256_SIZE])
{
    SHA256_Final(out, ctx_of(s));
}

static void to_hex(const unsigned char md[HOIST_SHA256_SIZE], char out[2 * HOIST_SHA256_SIZE + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < HOIST_SHA256_SIZE; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[2 * HOIST_SHA256_SIZE] = '\0';
}

void hoist_sha256_final_hex(hoist_sha256 *s, char out[2 * HOIST_SHA256_SIZE + 1])
{
    unsigned char md[HOIST_SHA256_SIZE];
    hoist_sha256_final(s, md);
    to_hex(md, out);
}

void hoist_sha256_hex(const void *data, size_t len, char out[2 * HOIST_SHA256_SIZE + 1])
{
    hoist_sha256 s;
    hoist_sha256_init(&s);
    hoist_sha256_update(&s, data, len);
    hoist_sha256_final_hex(&s, out);
}
