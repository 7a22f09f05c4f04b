/*
 * sha256.h - SHA-256 for the digests hoist computes: cache keys of
 * ShellCheck verdicts, finding fingerprints, manifest digests of `hoist
 * pin`, build records' file digests, the names Docker gives context and
 * session directories.
 *
 * OpenSSL's libcrypto does the hashing. These wrappers call its one-shot
 * SHA-256 functions (SHA256_Init/Update/Final) rather than EVP: OpenSSL 3
 * loads openssl.cnf and fetches its default provider on the first EVP
 * digest, about 3 ms of CPU in every process that hashes anything, which
 * was half of what a `hoist check` with a warm ShellCheck cache cost. The
 * low-level functions run the same assembler (SHA extensions included)
 * without that start-up. They cannot fail, so neither can these.
 */
#ifndef HOIST_COMMON_SHA256_H
#define HOIST_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HOIST_SHA256_SIZE 32

/* Holds OpenSSL's SHA256_CTX (sha256.c checks that it fits), so that this
 * header needs no OpenSSL header. */
typedef struct hoist_sha256 {
    union {
        unsigned char bytes[128];
        uint64_t align;
    } ctx;
} hoist_sha256;

void hoist_sha256_init(hoist_sha256 *s);
void hoist_sha256_update(hoist_sha256 *s, const void *data, size_t len);
/* Writes the digest; `s` must be initialised again before reuse. */
void hoist_sha256_final(hoist_sha256 *s, unsigned char out[HOIST_SHA256_SIZE]);

/* The digest of data[0..len) as 64 lower-case hex digits and a NUL. */
void hoist_sha256_hex(const void *data, size_t len, char out[2 * HOIST_SHA256_SIZE + 1]);
/* hoist_sha256_final, in hex. */
void hoist_sha256_final_hex(hoist_sha256 *s, char out[2 * HOIST_SHA256_SIZE + 1]);

#endif
