/*
 * base64.c - RFC 4648 base64 (standard alphabet, padded) through
 * libcrypto's EVP_EncodeBlock/EVP_DecodeBlock. EVP_DecodeBlock accepts
 * whitespace around the input and returns padding as zero bytes; the
 * decoder here refuses the first and trims the second.
 */
#include "common/base64.h"

#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t hoist_b64_encode(const void *data, size_t len, char *out)
{
    size_t o = 0;
    const unsigned char *p = data;
    /* EVP_EncodeBlock takes an int length: code in chunks of whole groups */
    const size_t chunk = 3u << 24;
    while (len > chunk) {
        o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, p, (int)chunk);
        p += chunk, len -= chunk;
    }
    o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, p, (int)len);
    out[o] = '\0';
    return o;
}

ssize_t hoist_b64_decode(const char *in, size_t len, unsigned char *out)
{
    if (len % 4 || len > INT_MAX)
        return -1;
    if (len == 0)
        return 0;
    size_t pad = in[len - 1] == '=' ? (in[len - 2] == '=' ? 2 : 1) : 0;
    /* only the alphabet before the padding: no whitespace, no '=' inside */
    for (size_t i = 0; i < len - pad; i++)
        if (!in[i] || !strchr(alphabet, in[i]))
            return -1;
    int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (n < 0 || (size_t)n < pad)
        return -1;
    return (ssize_t)((size_t)n - pad);
}
