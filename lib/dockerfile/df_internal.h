/*
 * df_internal.h - the parsed document behind the opaque hoist_dockerfile
 * handle, and the internal entry points the parser's files share.
 *
 * The document is written only while it is built (the parser,
 * hoist_dockerfile_append); every query after that only reads it.
 */
#ifndef HOIST_DF_INTERNAL_H
#define HOIST_DF_INTERNAL_H

#include "hoist/dockerfile.h"
#include "dockerfile/df_util.h"

struct hoist_dockerfile {
    df_arena arena;
    char escape;
    const char *filename;

    hoist_df_directive *directives;
    size_t directive_count, directive_cap;

    hoist_df_instruction *instructions;
    size_t instruction_count, instruction_cap;

    hoist_df_warning *warnings;
    size_t warning_count, warning_cap;
};

/* A logical line: continuation lines joined, with the source offset of every
 * byte so that ranges can point back into the file. */
typedef struct df_text {
    const char *s;
    const uint32_t *map; /* map[i] = source offset of s[i] */
    size_t n;
} df_text;

/* Converts source offsets to line/column. */
typedef struct df_linemap {
    size_t *starts; /* offset of the first byte of each physical line */
    size_t count;
    size_t cap;
    size_t hint;    /* line of the last lookup: lookups mostly move forward */
} df_linemap;

hoist_df_pos df_linemap_pos(df_linemap *lm, size_t offset);
/* Range of t.s[a..b) (b exclusive); an empty range sits at a. */
hoist_df_range df_text_range(df_linemap *lm, df_text t, size_t a, size_t b);

/* ---- JSON arrays (Go encoding/json semantics) ---- */
typedef enum df_json_status {
    DF_JSON_STRINGS = 0,   /* a valid array of strings */
    DF_JSON_NOT_JSON,      /* not valid JSON: BuildKit falls back to shell form */
    DF_JSON_NOT_STRINGS,   /* valid JSON array with a non-string: an error */
    DF_JSON_NOMEM,
} df_json_status;

typedef struct df_json_elem {
    char *value; /* arena-owned, NUL-terminated, decoded */
    size_t len;  /* bytes in value (a decoded \u0000 is kept inside) */
    size_t tok_start, tok_end; /* offsets of the string token within the input */
} df_json_elem;

df_json_status df_json_string_array(const char *s, size_t n, df_arena *arena, df_json_elem **elems,
                                    size_t *count);

/* ---- instruction-level checks (BuildKit's instructions package) ---- */
/* Validate one instruction like instructions.ParseInstruction; on failure
 * fills err (message, hint) and returns HOIST_EINPUT. */
int df_validate_instruction(const hoist_dockerfile *df, const hoist_df_instruction *ins,
                            hoist_error *err);

/* Does this heredoc-looking word parse as a heredoc (ParseHeredoc != nil)?
 * Used by COPY/ADD destination checks. */
bool df_word_is_heredoc(const char *word);

/* The documented JSON of a document (json_out.c); caller json_decref()s. */
struct json_t;
struct json_t *df_dockerfile_json(const hoist_dockerfile *df);


#endif
