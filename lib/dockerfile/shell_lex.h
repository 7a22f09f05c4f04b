/*
 * shell_lex.h - internal entry point of the shell lexer (hoist_expand and
 * friends are the public wrappers). The parser also uses it directly to find
 * heredoc words the way BuildKit does (raw quotes, raw escapes, unset
 * variables left alone).
 */
#ifndef HOIST_DF_SHELL_LEX_H
#define HOIST_DF_SHELL_LEX_H

#include "hoist/dockerfile.h"
#include "dockerfile/df_util.h"

typedef struct df_lex_result {
    hbuf result;   /* ProcessWord's string */
    char **words;    /* ProcessWords' list (malloc'd strings) */
    size_t word_count;
    size_t word_cap;
    size_t error_offset; /* byte offset of the error in the input */
    char message[512];   /* error text when the call fails */
} df_lex_result;

/* Returns true on success. On failure r->message holds BuildKit's message
 * (without the "failed to process" prefix). Always call df_lex_result_free. */
bool df_lex_process(const char *word, size_t len, const hoist_expand_options *opts,
                    df_lex_result *r);
void df_lex_result_free(df_lex_result *r);

#endif
