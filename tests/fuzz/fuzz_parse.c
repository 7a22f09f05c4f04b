/*
 * fuzz_parse.c - libFuzzer target for the Dockerfile parser.
 *
 * Any input must parse or fail cleanly (no crash, leak or UB under ASan and
 * UBSan). When it parses, the printer's promise is checked too: printing
 * and parsing again gives the same AST, so a mismatch aborts. The JSON
 * writer and the stage model run on every parsed document.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile/df_internal.h"
#include "hoist/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void strip(json_t *j)
{
    if (json_is_object(j)) {
        json_object_del(j, "line");
        json_object_del(j, "end_line");
        json_object_del(j, "column");
        json_object_del(j, "original");
        json_object_del(j, "warnings");
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) strip(v);
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            strip(json_array_get(j, i));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    unsigned flags = size && (data[0] & 1) ? HOIST_DF_PARSE_AST_ONLY : 0;
    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    po.flags = flags;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_dockerfile_parse(&df, (const char *)data, size, &po, &err) != 0) {
        if (err.code != HOIST_EINPUT || !err.message[0])
            abort();
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    if (hoist_dockerfile_print(df, &text, &len, NULL, &err) != 0)
        abort();
    hoist_dockerfile *again = NULL;
    if (hoist_dockerfile_parse(&again, text, len, &po, &err) != 0) {
        fprintf(stderr, "printed text does not parse: %d:%d %s\n---\n%s---\n", err.line, err.column,
                err.message, text);
        abort();
    }
    json_t *a = df_dockerfile_json(df), *b = df_dockerfile_json(again);
    strip(a);
    strip(b);
    if (!json_equal(a, b)) {
        char *sa = json_dumps(a, JSON_PRESERVE_ORDER), *sb = json_dumps(b, JSON_PRESERVE_ORDER);
        fprintf(stderr, "print/parse mismatch\n---\n%s---\n%s\n%s\n", text, sa, sb);
        abort();
    }
    json_decref(a);
    json_decref(b);
    hoist_dockerfile_free(again);
    free(text);

    FILE *null = fopen("/dev/null", "w");
    if (null) {
        hoist_dockerfile_write_json(df, null, false, &err);
        fclose(null);
    }
    if (!(flags & HOIST_DF_PARSE_AST_ONLY)) {
        hoist_df_stage *stages = NULL;
        size_t n;
        hoist_df_eval_options eo = HOIST_DF_EVAL_OPTIONS_INIT;
        eo.build_platform = "linux/amd64";
        if (hoist_dockerfile_stages(df, &stages, &n, &eo, &err) == 0 && n > 0 && n <= 64) {
            bool need[64];
            hoist_dockerfile_target_stages(df, need, 64, NULL, &eo, &err);
        }
        hoist_df_stages_free(stages);
    }
    hoist_dockerfile_free(df);
    return 0;
}
