/* Unit tests for lib/common/sha256.c and base64.c: the examples of FIPS
 * 180-4 (via the NIST "SHA-256 example" values) and RFC 4648 section 10,
 * the padding boundaries (55, 56, 64 bytes), input fed in pieces against
 * the whole, and base64 input that must be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/base64.h"
#include "common/sha256.h"

static void hex_of(const char *text, size_t len, const char *want)
{
    char hex[65];
    hoist_sha256_hex(text, len, hex);
    assert_string_equal(hex, want);
}

static void sha256_examples(void **state)
{
    (void)state;
    hex_of("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* The length field and the 0x80 byte around the block boundary. */
static void sha256_padding_boundaries(void **state)
{
    (void)state;
    char x[64];
    memset(x, 'x', sizeof(x));
    hex_of(x, 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    hex_of(x, 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    hex_of(x, 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

/* One million 'a' fed in uneven pieces gives the one-shot digest. */
static void sha256_in_pieces(void **state)
{
    (void)state;
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    hoist_sha256 s;
    hoist_sha256_init(&s);
    for (size_t off = 0, step = 1; off < 1000000; off += step, step = step % 97 + 13)
        hoist_sha256_update(&s, a + off, off + step > 1000000 ? 1000000 - off : step);
    char hex[65];
    hoist_sha256_final_hex(&s, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    hoist_sha256_hex(a, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Digests fed in uneven pieces equal the digest of the whole, on every
 * length around the block size and on long inputs. */
static void sha256_pieces_match_whole(void **state)
{
    (void)state;
    size_t max = 70000;
    unsigned char *data = malloc(max);
    assert_non_null(data);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < max; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (unsigned char)x;
    }
    for (size_t len = 0; len <= max; len += len < 300 ? 1 : 997) {
        char a[65], b[65];
        hoist_sha256 s;
        hoist_sha256_init(&s);
        hoist_sha256_update(&s, data, len / 3);
        hoist_sha256_update(&s, data + len / 3, len - len / 3);
        hoist_sha256_final_hex(&s, a);
        hoist_sha256_hex(data, len, b);
        if (strcmp(a, b)) {
            print_error("length %zu: %s (in pieces) != %s (whole)\n", len, a, b);
            fail();
        }
    }
    free(data);
}

static void base64_rfc4648(void **state)
{
    (void)state;
    static const char *const vectors[][2] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        char enc[16];
        size_t n = hoist_b64_encode(vectors[i][0], strlen(vectors[i][0]), enc);
        assert_int_equal(n, strlen(vectors[i][1]));
        assert_int_equal(n, HOIST_B64_LEN(strlen(vectors[i][0])));
        assert_string_equal(enc, vectors[i][1]);
        unsigned char dec[16];
        ssize_t d = hoist_b64_decode(enc, n, dec);
        assert_int_equal(d, strlen(vectors[i][0]));
        assert_memory_equal(dec, vectors[i][0], (size_t)d);
    }
    /* every byte value, both alphabets' last two characters */
    unsigned char all[256], back[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)(255 - i);
    char enc[HOIST_B64_LEN(256) + 1];
    hoist_b64_encode(all, sizeof(all), enc);
    assert_non_null(strchr(enc, '+'));
    assert_non_null(strchr(enc, '/'));
    assert_int_equal(hoist_b64_decode(enc, strlen(enc), back), 256);
    assert_memory_equal(all, back, 256);
}

static void base64_refuses(void **state)
{
    (void)state;
    unsigned char out[16];
    assert_int_equal(hoist_b64_decode("Zm9", 3, out), -1);       /* not a multiple of 4 */
    assert_int_equal(hoist_b64_decode("Zm9v\n", 5, out), -1);
    assert_int_equal(hoist_b64_decode("Zm-v", 4, out), -1);      /* URL alphabet */
    assert_int_equal(hoist_b64_decode("Z=9v", 4, out), -1);      /* padding inside */
    assert_int_equal(hoist_b64_decode("Zg==Zm9v", 8, out), -1);  /* padding not at the end */
    assert_int_equal(hoist_b64_decode("Z===", 4, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_examples),   cmocka_unit_test(sha256_padding_boundaries),
        cmocka_unit_test(sha256_in_pieces),  cmocka_unit_test(sha256_pieces_match_whole),
        cmocka_unit_test(base64_rfc4648),
        cmocka_unit_test(base64_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
