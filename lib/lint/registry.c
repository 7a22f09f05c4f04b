/*
 * registry.c - the list of rule families and lookups over all rules.
 *
 * Each family file defines a constant table; this file only strings them
 * together in report order (hadolint DL rules, BuildKit checks, hoist's HS
 * rules). Lookups are linear: there are about a hundred rules and a lookup
 * happens per configured ID, not per instruction.
 */
#include "lint/lint_internal.h"

#include <strings.h>

static const lint_family *const families[] = {
    &lint_family_dl_instr, &lint_family_dl_shell, &lint_family_dl_pkg,
    &lint_family_dl_label, &lint_family_buildkit, &lint_family_hs,
    &lint_family_hs_images, &lint_family_hs_cache,
};
#define FAMILY_COUNT (sizeof(families) / sizeof(families[0]))

size_t lint_rule_total(void)
{
    size_t n = 0;
    for (size_t f = 0; f < FAMILY_COUNT; f++)
        n += families[f]->count;
    return n;
}

const lint_rule *lint_rule_index(size_t i)
{
    for (size_t f = 0; f < FAMILY_COUNT; f++) {
        if (i < families[f]->count)
            return &families[f]->rules[i];
        i -= families[f]->count;
    }
    return NULL;
}

const lint_rule *lint_rule_lookup(const char *id)
{
    if (!id)
        return NULL;
    for (size_t f = 0; f < FAMILY_COUNT; f++)
        for (size_t i = 0; i < families[f]->count; i++)
            if (!strcasecmp(families[f]->rules[i].info.id, id))
                return &families[f]->rules[i];
    return NULL;
}

size_t hoist_lint_rule_count(void)
{
    return lint_rule_total();
}

const hoist_lint_rule_info *hoist_lint_rule_at(size_t index)
{
    const lint_rule *r = lint_rule_index(index);
    return r ? &r->info : NULL;
}

const hoist_lint_rule_info *hoist_lint_rule_find(const char *id)
{
    const lint_rule *r = lint_rule_lookup(id);
    return r ? &r->info : NULL;
}
