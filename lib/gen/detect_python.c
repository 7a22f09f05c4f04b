/* detect_python.c - placeholder (being written). */
#include "gen/gen_internal.h"

int gen_detect_python(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    (void)dir; (void)pool; (void)err;
    *out = NULL;
    return 0;
}
