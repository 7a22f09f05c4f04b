/*
 * fuzz_expand.c - libFuzzer target for variable expansion (BuildKit's shell
 * lexer): ${...} operators, patterns, quotes, escapes and word splitting.
 * The first byte picks the flags and the escape character; the rest is the
 * word. Variables A..E are set (E to ""), everything else is unset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lookup(const char *name, size_t n, const char **v, size_t *vn, void *ctx)
{
    (void)ctx;
    static const char *const vals[] = {"abcabc", "/usr/local/bin:/usr/bin", "two  words", "a*b?c\\d", ""};
    if (n == 1 && name[0] >= 'A' && name[0] <= 'E') {
        *v = vals[name[0] - 'A'];
        *vn = strlen(*v);
        return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.flags = data[0] & 0x0F;
    o.escape = (data[0] & 0x10) ? '`' : '\\';
    o.lookup = lookup;
    const char *word = (const char *)data + 1;
    size_t len = size - 1;
    hoist_error err = HOIST_ERROR_INIT;
    char *out = NULL;
    int rc = hoist_expand(&out, word, len, &o, &err);
    if (rc != 0 && rc != HOIST_EINPUT)
        abort();
    free(out);
    char **words = NULL;
    size_t n = 0;
    if (hoist_expand_words(&words, &n, word, len, &o, &err) == 0)
        hoist_strv_free(words, n);
    return 0;
}
