/*
 * version.c - libhoist's version and Engine API version arithmetic.
 *
 * API versions are "MAJOR.MINOR" and compare numerically per part, so
 * "1.9" < "1.10"; string comparison would get that wrong.
 */
#include "hoist/version.h"
#include "hoist_config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

const char *hoist_version_string(void)
{
    return HOIST_VERSION;
}

static int parse_part(const char **p, int *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return -1;
    long value = 0;
    while (isdigit((unsigned char)*s)) {
        value = value * 10 + (*s - '0');
        if (value > INT_MAX / 10)
            return -1;
        s++;
    }
    *out = (int)value;
    *p = s;
    return 0;
}

int hoist_api_version_parse(const char *version, int *major, int *minor)
{
    if (!version)
        return -1;
    const char *p = version;
    int ma, mi;
    if (parse_part(&p, &ma) < 0 || *p != '.')
        return -1;
    p++;
    if (parse_part(&p, &mi) < 0 || *p != '\0')
        return -1;
    if (major)
        *major = ma;
    if (minor)
        *minor = mi;
    return 0;
}

int hoist_api_version_compare(const char *a, const char *b)
{
    int amaj, amin, bmaj, bmin;
    int a_ok = hoist_api_version_parse(a, &amaj, &amin) == 0;
    int b_ok = hoist_api_version_parse(b, &bmaj, &bmin) == 0;
    if (!a_ok || !b_ok)
        return a_ok - b_ok;
    if (amaj != bmaj)
        return amaj < bmaj ? -1 : 1;
    if (amin != bmin)
        return amin < bmin ? -1 : 1;
    return 0;
}
