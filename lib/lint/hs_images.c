/*
 * hs_images.c - HS010: a stage built FROM a language runtime image whose
 * release line is past its end of life (node:18, python:3.8, golang:1.21,
 * ...). The release lines, their end-of-life dates and the supported line to
 * move to come from hoist init's dated table (lib/gen/images.c), judged as
 * of the table's date so that a check gives the same answer on any machine
 * and any day; refreshing the table moves both init's defaults and this
 * rule. Only Docker Hub's official node, python and golang images with a
 * numeric tag are judged; the base is read after global ARGs are expanded
 * (ARG GO_VERSION=1.21 / FROM golang:${GO_VERSION}).
 */
#include "lint/lint_internal.h"

#include <stdio.h>

#include "gen/images.h"

static void hs010(lint_ctx *ctx)
{
    for (size_t s = 0; s < ctx->stage_count; s++) {
        const hoist_df_stage *st = &ctx->stages[s];
        if (st->base_kind != HOIST_DF_BASE_IMAGE)
            continue;
        const char *image = st->base_expanded ? st->base_expanded : st->base;
        gen_eol_info info;
        if (!image || !gen_image_eol(image, &info))
            continue;
        char hint[256];
        if (info.fix_image)
            snprintf(hint, sizeof(hint), "move to a supported %s line, %s (hoist pins %s)",
                     info.repo, info.fix_line, info.fix_image);
        else
            snprintf(hint, sizeof(hint), "move to a supported %s line", info.repo);
        lint_report(ctx, (int)st->first_instruction, NULL, hint,
                    "%s: %s %s reached its end of life on %s (no security fixes; table as of %s)",
                    image, info.repo, info.line, info.eol, gen_images_as_of);
    }
}

static const lint_rule rules[] = {
    {{"HS010", "hoist", HOIST_LINT_WARNING,
      "Base image is a language release line past its end of life",
      "Node, Python and Go release lines stop receiving security fixes at their end of life "
      "(Node 18 on 2025-04-30, Python 3.8 on 2024-10-07, each Go release when the second "
      "release after it ships). hoist judges this with the dated table hoist init uses "
      "(lib/gen/images.c, as of its date), for Docker Hub's official node, python and golang "
      "images with a version tag. Fix: move to the supported line the finding names (and "
      "declare it in package.json engines, .python-version or go.mod).",
      },
     hs010},
};

const lint_family lint_family_hs_images = {rules, sizeof(rules) / sizeof(rules[0])};
