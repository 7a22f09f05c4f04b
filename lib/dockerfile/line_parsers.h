/*
 * line_parsers.h - turn one logical line into an instruction node, as
 * BuildKit's newNodeFromLine + splitCommand + line_parsers.go do.
 */
#ifndef HOIST_DF_LINE_PARSERS_H
#define HOIST_DF_LINE_PARSERS_H

#include "dockerfile/df_internal.h"

typedef struct df_node_ctx {
    hoist_dockerfile *df;
    df_linemap *lm;
    char escape;
    const char *filename;
    hoist_error *err;
    int start_line; /* for errors: BuildKit reports the instruction's first line */
} df_node_ctx;

/* Fill `ins` from the logical line. Returns 0 or HOIST_EINPUT (err set). */
int df_build_node(df_node_ctx *c, df_text line, hoist_df_instruction *ins);

/* A word of parseWords with its byte span in the input. */
typedef struct df_word {
    char *value; /* arena */
    size_t start, end;
} df_word;

#endif
