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
 * registry replies), so an implementation without side-channel hardening
 * is enough; tests/unit/common/test_digest.c checks it against the FIPS
 * 180-4 examples, and the SHA-NI path against the portable one.
 */
#ifndef HOIST_COMMON_SHA256_H
#define HOIST_COMMON_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOIST_SHA256_SIZE 32

typedef struct hoist_sha256 {
    uint32_t state[8];
    uint64_t length;          /* bytes hashed so far */
    unsigned char block[64];  /* the partial block */
    size_t fill;              /* bytes in block */
    int hw;                   /* SHA-NI: 0 not asked yet (asked at the first
                               * 1 KiB), 1 used, -1 not available */
} hoist_sha256;

/* True when this CPU has the SHA extensions hoist_sha256_update uses for
 * long inputs (x86-64 SHA-NI: ~6x the portable code's speed, which matters
 * to build records hashing a whole context). */
bool hoist_sha256_hw_available(void);

void hoist_sha256_init(hoist_sha256 *s);
void hoist_sha256_update(hoist_sha256 *s, const void *data, size_t len);
/* Writes the digest; `s` must be initialised again before reuse. */
void hoist_sha256_final(hoist_sha256 *s, unsigned char out[HOIST_SHA256_SIZE]);

/* The digest of data[0..len) as 64 lower-case hex digits and a NUL. */
void hoist_sha256_hex(const void *data, size_t len, char out[2 * HOIST_SHA256_SIZE + 1]);
/* hoist_sha256_final, in hex. */
void hoist_sha256_final_hex(hoist_sha256 *s, char out[2 * HOIST_SHA256_SIZE + 1]);

#endif
