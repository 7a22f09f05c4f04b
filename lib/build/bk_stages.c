/*
 * bk_stages.c - BuildKit vertex names to Dockerfile instructions.
 *
 * The <i>/<n> counter is recomputed by walking the stage (stages are short,
 * and a vertex is located once, when first seen). The keyword in the name
 * is trusted over the counter: when the counted instruction has another
 * keyword (a frontend that counts differently), the stage is searched for
 * the i-th instruction with that keyword, then for any.
 */
#include "build/bk_stages.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

void hoist_bk_stages_init(hoist_bk_stages *s, const hoist_dockerfile *df)
{
    memset(s, 0, sizeof(*s));
    s->df = df;
    if (!df)
        return;
    size_t n = hoist_dockerfile_instruction_count(df);
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        if (ins->kind != HOIST_DF_FROM)
            continue;
        if (s->count && s->stages[s->count - 1].end == 0)
            s->stages[s->count - 1].end = i;
        if (s->count >= HOIST_BK_MAX_STAGES)
            break;
        hoist_bk_stage *st = &s->stages[s->count++];
        st->first = i;
        if (ins->arg_count >= 3 && !strcasecmp(ins->args[1].value, "as"))
            lower_copy(st->name, sizeof(st->name), ins->args[2].value);
        const char *base = ins->arg_count ? ins->args[0].value : "";
        bool from_stage = false;
        for (size_t k = 0; k + 1 < s->count; k++)
            if (s->stages[k].name[0] && !strcasecmp(s->stages[k].name, base))
                from_stage = true;
        st->from_is_step = !from_stage && strcasecmp(base, "scratch") != 0;
    }
    if (s->count && s->stages[s->count - 1].end == 0)
        s->stages[s->count - 1].end = n;
}

static bool makes_vertex(const hoist_df_instruction *ins)
{
    switch (ins->kind) {
    case HOIST_DF_ADD:
    case HOIST_DF_COPY:
    case HOIST_DF_RUN:
    case HOIST_DF_WORKDIR:
        return true;
    default:
        return false;
    }
}

static bool keyword_is(const hoist_df_instruction *ins, const char *text, size_t klen)
{
    return strlen(ins->keyword) == klen && !strncasecmp(ins->keyword, text, klen);
}

bool hoist_bk_vertex_name_parse(const char *name, char *stage, size_t size, int *index, int *total,
                                const char **text)
{
    if (size)
        stage[0] = '\0';
    if (name[0] != '[')
        return false;
    const char *close = strchr(name, ']');
    if (!close || close - name > 255)
        return false;
    char inside[256];
    snprintf(inside, sizeof(inside), "%.*s", (int)(close - name - 1), name + 1);
    /* A platform may precede the stage in multi-platform builds:
     * "[linux/amd64 build 2/4]"; the counter is always last. */
    const char *counter = strrchr(inside, ' ');
    counter = counter ? counter + 1 : inside;
    if (sscanf(counter, "%d/%d", index, total) != 2 || *index <= 0)
        return false;
    if (counter != inside && size) {
        const char *word_end = counter - 1;
        const char *word = word_end;
        while (word > inside && word[-1] != ' ')
            word--;
        size_t n = (size_t)(word_end - word);
        if (!memchr(word, '/', n)) { /* with a '/', it is a platform, not a stage */
            if (n >= size)
                n = size - 1;
            for (size_t i = 0; i < n; i++)
                stage[i] = (char)tolower((unsigned char)word[i]);
            stage[n] = '\0';
        }
    }
    *text = close[1] == ' ' ? close + 2 : close + 1;
    return true;
}

long hoist_bk_stages_locate(const hoist_bk_stages *s, const char *name, const char **text_out)
{
    if (text_out)
        *text_out = name;
    char stage_name[200];
    int index = 0, total = 0;
    const char *text = name;
    if (!hoist_bk_vertex_name_parse(name, stage_name, sizeof(stage_name), &index, &total, &text))
        return -1;
    if (text_out)
        *text_out = text;
    if (!s->df)
        return -1;
    const hoist_bk_stage *st = NULL;
    if (!stage_name[0]) {
        st = s->count ? &s->stages[s->count - 1] : NULL;
    } else {
        for (size_t k = 0; k < s->count && !st; k++)
            if (!strcmp(s->stages[k].name, stage_name))
                st = &s->stages[k];
        int number;
        if (!st && sscanf(stage_name, "stage-%d", &number) == 1 && number >= 0 && (size_t)number < s->count)
            st = &s->stages[number];
    }
    if (!st)
        return -1;
    size_t klen = strcspn(text, " ");
    /* The index-th vertex-making instruction of the stage. */
    long counted = -1;
    int seen = 0;
    for (size_t i = st->first; i < st->end && counted < 0; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(s->df, i);
        bool counts = i == st->first ? st->from_is_step : makes_vertex(ins);
        if (counts && ++seen == index)
            counted = (long)i;
    }
    if (counted >= 0 && keyword_is(hoist_dockerfile_instruction_at(s->df, (size_t)counted), text, klen))
        return counted;
    /* Disagreement: the index-th instruction with that keyword, else the first. */
    long first_match = -1;
    seen = 0;
    for (size_t i = st->first; i < st->end; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(s->df, i);
        if (!keyword_is(ins, text, klen))
            continue;
        if (first_match < 0)
            first_match = (long)i;
        if (++seen == index)
            return (long)i;
    }
    return first_match >= 0 ? first_match : counted;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

long hoist_bk_stages_locate_image(const hoist_bk_stages *s, const char *ref)
{
    if (!s->df)
        return -1;
    hoist_image_ref *want = NULL;
    if (hoist_image_ref_parse(&want, ref, NULL))
        return -1;
    long found = -1;
    for (size_t k = 0; k < s->count && found < 0; k++) {
        const hoist_bk_stage *st = &s->stages[k];
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(s->df, st->first);
        hoist_image_ref *have = NULL;
        if (!st->from_is_step || !ins->arg_count || hoist_image_ref_parse(&have, ins->args[0].value, NULL))
            continue;
        const char *have_tag = have->tag ? have->tag : (have->digest ? NULL : "latest");
        const char *want_tag = want->tag ? want->tag : (want->digest ? NULL : "latest");
        if (!strcmp(have->registry, want->registry) && !strcmp(have->repository, want->repository) &&
            same_text(have_tag, want_tag) && same_text(have->digest, want->digest))
            found = (long)st->first;
        hoist_image_ref_free(have);
    }
    hoist_image_ref_free(want);
    return found;
}
