/*
 * images.h - the dated table of release lines and pinned base images
 * (images.c), for hoist init's image choice and hoist check's HS010 rule.
 * Not part of the public API.
 */
#ifndef HOIST_GEN_IMAGES_H
#define HOIST_GEN_IMAGES_H

#include <stdbool.h>

#include "hoist/gen.h"

/* The date (YYYY-MM-DD) the table describes: support and end of life are
 * judged as of this date, never the machine's clock. */
extern const char *const gen_images_as_of;

/* The images hoist init uses for a project, and why. */
typedef struct gen_image_pick {
    const char *builder, *runtime; /* NULL when the language has none */
    const char *line;              /* release line chosen ("24"), NULL for rows */
    const char *eol;               /* its end of life, NULL when open */
    bool past_eol;                 /* the declared version's line is past it */
    bool unpinned;                 /* the declared line has no pinned image */
    bool is_default;               /* not chosen by the declared version */
} gen_image_pick;

void gen_pick_images(const hoist_gen_project *p, gen_image_pick *out);

/* A FROM image of a runtime line past its end of life as of the table's
 * date. Only Docker Hub's official node, python and golang images with a
 * numeric tag are judged. */
typedef struct gen_eol_info {
    const char *repo, *line, *eol;
    const char *fix_line;  /* the newest supported line, NULL if none */
    const char *fix_image; /* hoist's pinned image of that line */
} gen_eol_info;

bool gen_image_eol(const char *image, gen_eol_info *out);

#endif
