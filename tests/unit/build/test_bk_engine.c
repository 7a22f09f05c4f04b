/*
 * test_bk_engine.c - the buildkit engine's local pieces: --output specs
 * (types, dest, the docker CLI's bare-DIR form, refusals), and unpacking
 * the exported tar for type=local (files land under dest; ".." entries
 * are refused and nothing is written outside).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build_internal.h"

static void output_specs(void **state)
{
    hoist_build_output o;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_build_parse_output(NULL, &o, &err), 0);
    assert_int_equal(o.type, HOIST_BUILD_OUTPUT_IMAGE);
    assert_int_equal(hoist_build_parse_output("type=local,dest=out/dir", &o, &err), 0);
    assert_int_equal(o.type, HOIST_BUILD_OUTPUT_LOCAL);
    assert_string_equal(o.dest, "out/dir");
    assert_int_equal(hoist_build_parse_output("dest=/x/y.tar,type=tar", &o, &err), 0);
    assert_int_equal(o.type, HOIST_BUILD_OUTPUT_TAR);
    assert_string_equal(o.dest, "/x/y.tar");
    assert_int_equal(hoist_build_parse_output("plain-dir", &o, &err), 0);
    assert_int_equal(o.type, HOIST_BUILD_OUTPUT_LOCAL);
    assert_string_equal(o.dest, "plain-dir");

    const char *bad[] = {"-", "type=registry,dest=x", "type=local", "dest=x", "type=tar,dest=-",
                         "type=local,dest=x,push=true", "type=local,dest="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        hoist_error_clear(&err);
        assert_int_equal(hoist_build_parse_output(bad[i], &o, &err), HOIST_EUSAGE);
        assert_true(err.message[0]);
        assert_true(err.hint[0]);
    }
}

/* One ustar entry: header, then the data padded to 512. */
static void tar_entry(FILE *f, const char *name, char type, const char *data)
{
    unsigned char h[512];
    memset(h, 0, sizeof(h));
    size_t len = data ? strlen(data) : 0;
    snprintf((char *)h, 100, "%s", name);
    snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011zo", len);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof(h); i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    fwrite(h, 1, sizeof(h), f);
    if (len) {
        unsigned char pad[512] = {0};
        fwrite(data, 1, len, f);
        fwrite(pad, 1, (512 - len % 512) % 512, f);
    }
}

static void tar_end(FILE *f)
{
    unsigned char zero[1024] = {0};
    fwrite(zero, 1, sizeof(zero), f);
}

static void unpack(void **state)
{
    char dir[] = "/tmp/hoist-unpack-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char tar[256], dest[256], path[512];
    snprintf(tar, sizeof(tar), "%s/out.tar", dir);
    snprintf(dest, sizeof(dest), "%s/dest", dir);

    FILE *f = fopen(tar, "wb");
    assert_non_null(f);
    tar_entry(f, "sub/", '5', NULL);
    tar_entry(f, "sub/f.txt", '0', "exported\n");
    tar_entry(f, "/abs.txt", '0', "kept inside\n");
    tar_end(f);
    fclose(f);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_build_unpack_output(tar, dest, &err), 0);
    snprintf(path, sizeof(path), "%s/sub/f.txt", dest);
    char buf[64] = "";
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "exported\n");
    snprintf(path, sizeof(path), "%s/abs.txt", dest);
    assert_int_equal(access(path, F_OK), 0);

    /* ".." is refused, and nothing lands beside dest */
    f = fopen(tar, "wb");
    assert_non_null(f);
    tar_entry(f, "../evil.txt", '0', "escaped\n");
    tar_end(f);
    fclose(f);
    assert_int_equal(hoist_build_unpack_output(tar, dest, &err), HOIST_EFAILED);
    assert_non_null(strstr(err.message, "--output"));
    snprintf(path, sizeof(path), "%s/evil.txt", dir);
    assert_int_not_equal(access(path, F_OK), 0);

    /* a damaged tar is an error, not an empty success */
    f = fopen(tar, "wb");
    assert_non_null(f);
    for (int i = 0; i < 64; i++)
        fputs("this is not a tar archive at all\n", f);
    fclose(f);
    hoist_error_clear(&err);
    assert_int_not_equal(hoist_build_unpack_output(tar, dest, &err), 0);

    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_specs),
        cmocka_unit_test(unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
