/*
 * sha256.h - SHA-256 (FIPS 180-4) for the few digests hoist computes: cache
 * keys of ShellCheck verdicts, finding fingerprints, manifest digests of
 * `hoist pin`, the names Docker gives context and session directories.
 *
 * These used OpenSSL's EVP interface. OpenSSL 3 loads its configuration
 * file and default provider on the first EVP digest, about 3 ms of CPU,
 * and libcrypto's relocations cost another 1.2 ms at every start: half of
 * what a `hoist check` on a small Dockerfile cost when its ShellCheck
 * verdict was cached. The data hashed here is public (file contents, names,
 * registry replies), so a portable implementation without side-channel
 * hardening is enough; tests/unit/common/test_sha256.c checks it against
 * the FIPS 180-4 examples.
 */
#ifndef HOIST_COMMON_SHA256_H
#define HOIST_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HOIST_SHA256_SIZE 32

typedef struct hoist_sha256 {
    uint32_t state[8];
    uint64_t length;          /* bytes hashed so far */
    unsigned char block[64];  /* the partial block */
    size_t fill;              /* bytes in block */
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
