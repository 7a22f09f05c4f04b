/* tmpl_node.c - placeholder (being written). */
#include "gen/template.h"

static int node_prepare(gen_ctx *ctx, hoist_error *err)
{
    (void)ctx;
    return hoist_error_set(err, HOIST_EFAILED, "not yet");
}

const gen_lang_template gen_template_node = {.prepare = node_prepare};
