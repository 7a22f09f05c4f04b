/*
 * generate.c - hoist_gen_generate: choose the base images, fill a gen_ctx
 * with the facts and variables every template shares, let the language
 * module add its own (tmpl_<lang>.c), apply the template to a fresh AST,
 * print it, and write the .dockerignore text. The result keeps the AST (for
 * the linter and the context check), both texts and the list of choices.
 */
#include "gen/images.h"
#include "gen/template.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"

struct hoist_gen_result {
    hoist_dockerfile *df;
    char *dockerfile;
    char *dockerignore;
    gen_pool pool;
    hoist_gen_choice *choices;
    size_t choice_count;
};

/* The non-root user every generated image runs as: numeric, so that
 * Kubernetes' runAsNonRoot can verify it, and outside the range distros
 * hand out to system and login users. */
#define GEN_UID "10001"

static const gen_lang_template *template_for(hoist_gen_lang lang)
{
    switch (lang) {
    case HOIST_GEN_LANG_GO: return &gen_template_go;
    case HOIST_GEN_LANG_NODE: return &gen_template_node;
    case HOIST_GEN_LANG_PYTHON: return &gen_template_python;
    case HOIST_GEN_LANG_RUST: return &gen_template_rust;
    case HOIST_GEN_LANG_C: return &gen_template_c;
    case HOIST_GEN_LANG_JAVA: return &gen_template_java;
    default: return NULL;
    }
}

int hoist_gen_profile_parse(const char *name, hoist_gen_profile *out)
{
    if (name && !strcasecmp(name, "prod"))
        *out = HOIST_GEN_PROFILE_PROD;
    else if (name && !strcasecmp(name, "dev"))
        *out = HOIST_GEN_PROFILE_DEV;
    else
        return -1;
    return 0;
}

const char *hoist_gen_profile_name(hoist_gen_profile profile)
{
    return profile == HOIST_GEN_PROFILE_DEV ? "dev" : "prod";
}

void hoist_gen_result_free(hoist_gen_result *r)
{
    if (!r)
        return;
    hoist_dockerfile_free(r->df);
    free(r->dockerfile);
    free(r->dockerignore);
    free(r->choices);
    gen_pool_free(&r->pool);
    free(r);
}
HOIST_DEFINE_FREEP(hoist_gen_result, hoist_gen_result_free)
HOIST_DEFINE_FREEP(hoist_image_ref, hoist_image_ref_free)

const hoist_dockerfile *hoist_gen_result_ast(const hoist_gen_result *r) { return r ? r->df : NULL; }
const char *hoist_gen_result_dockerfile(const hoist_gen_result *r) { return r ? r->dockerfile : NULL; }
const char *hoist_gen_result_dockerignore(const hoist_gen_result *r) { return r ? r->dockerignore : NULL; }
size_t hoist_gen_result_choice_count(const hoist_gen_result *r) { return r ? r->choice_count : 0; }

const hoist_gen_choice *hoist_gen_result_choice(const hoist_gen_result *r, size_t index)
{
    return r && index < r->choice_count ? &r->choices[index] : NULL;
}

/* An overriding image must be a valid reference pinned to a version. */
static int check_override(const char *stage, const char *image, hoist_error *err)
{
    if (!strcmp(image, "scratch")) {
        if (!strcmp(stage, "runtime"))
            return 0;
        hoist_error_set(err, HOIST_EUSAGE, "--base builder=scratch: the builder needs a toolchain");
        return hoist_error_hint(err, "scratch is only usable as the runtime image");
    }
    _cleanup_(hoist_image_ref_freep) hoist_image_ref *ref = NULL;
    hoist_error inner = HOIST_ERROR_INIT;
    if (hoist_image_ref_parse(image, &ref, &inner)) {
        hoist_error_set(err, HOIST_EUSAGE, "--base %s=%s: not a valid image reference: %s", stage,
                        image, inner.message);
        return hoist_error_hint(err, "write NAME:TAG, e.g. --base %s=debian:12.7-slim", stage);
    }
    if (!ref->digest && (!ref->tag || !strcmp(ref->tag, "latest"))) {
        hoist_error_set(err, HOIST_EUSAGE, "--base %s=%s: %s", stage, image,
                        ref->tag ? "`latest` is not a version" : "no tag: that means `latest`");
        return hoist_error_hint(err, "pin a specific version (NAME:1.2.3) or a digest "
                                     "(NAME@sha256:...) so that builds are reproducible");
    }
    return 0;
}

static int choose_images(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_options *o = ctx->opts;
    gen_image_pick pick;
    gen_pick_images(ctx->project, &pick);
    const char *builder = pick.builder, *runtime = pick.runtime;
    int rc;
    if (o->builder_image) {
        if ((rc = check_override("builder", o->builder_image, err)))
            return rc;
        builder = o->builder_image;
        ctx->builder_overridden = true;
    }
    if (o->runtime_image) {
        if ((rc = check_override("runtime", o->runtime_image, err)))
            return rc;
        runtime = o->runtime_image;
        ctx->runtime_overridden = true;
    }
    /* Rust: a numeric version is the toolchain rust-toolchain pins (the
     * detector gives rust-version as ">=X", a minimum the default meets);
     * the official images tag every release, X.Y.Z and X.Y. */
    const char *rv = ctx->project->version;
    bool rust_pinned = false;
    if (ctx->project->lang == HOIST_GEN_LANG_RUST && !o->builder_image && rv &&
        rv[strspn(rv, "0123456789.")] == 0 && strchr(rv, '.')) {
        builder = gen_pool_printf(ctx->pool, "rust:%s-slim-bookworm", rv);
        if (!builder)
            return hoist_error_set(err, HOIST_EFAILED, "out of memory");
        rust_pinned = true;
    }
    if (!builder || !runtime)
        return hoist_error_set(err, HOIST_EFAILED, "no base image known for %s",
                               hoist_gen_lang_name(ctx->project->lang));
    ctx->builder = builder;
    ctx->runtime = runtime;
    const char *pv = ctx->project->version;
    const char *lang = hoist_gen_lang_name(ctx->project->lang);
    if (ctx->builder_overridden)
        gen_choice(ctx, "builder image", builder, "given with --base builder=");
    else if (rust_pinned)
        gen_choice(ctx, "builder image", builder,
                   "the toolchain rust-toolchain pins (%s) (override with --base builder=IMAGE)",
                   rv);
    else if (pick.line && pick.past_eol)
        gen_choice(ctx, "builder image", builder,
                   "%s %s as the project declares (%s), but that line reached its end of life "
                   "on %s: move to a supported release (hoist check reports HS010)",
                   lang, pick.line, pv, pick.eol);
    else if (pick.line && pick.unpinned)
        gen_choice(ctx, "builder image", builder,
                   "the project declares %s %s, a line hoist pins no image for (past its end of "
                   "life or not yet covered): using %s %s, the newest supported as of %s",
                   lang, pv, lang, pick.line, gen_images_as_of);
    else if (pick.line && pick.is_default)
        gen_choice(ctx, "builder image", builder,
                   "newest supported %s line (%s) as of %s%s%s (override with --base "
                   "builder=IMAGE)",
                   lang, pick.line, gen_images_as_of, pv ? "; declared " : "", pv ? pv : "");
    else if (pick.line)
        gen_choice(ctx, "builder image", builder,
                   "the newest supported %s line the project's version (%s) admits (override "
                   "with --base builder=IMAGE)",
                   lang, pv);
    else
        gen_choice(ctx, "builder image", builder,
                   "pinned default for %s%s%s (override with --base builder=IMAGE)", lang,
                   pv ? " " : "", pv ? pv : "");
    if (o->profile == HOIST_GEN_PROFILE_DEV)
        gen_choice(ctx, "runtime image", "(none)",
                   "profile dev: one stage on the toolchain image, for local iteration");
    else if (ctx->runtime_overridden)
        gen_choice(ctx, "runtime image", runtime, "given with --base runtime=");
    else
        gen_choice(ctx, "runtime image", runtime,
                   "pinned default: a small image with only what the program needs at run time "
                   "(override with --base runtime=IMAGE)");
    return 0;
}

static int fill_common(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    const hoist_gen_options *o = ctx->opts;
    ctx->facts |= o->profile == HOIST_GEN_PROFILE_DEV ? GEN_F_DEV : GEN_F_PROD;
    if (o->buildkit)
        ctx->facts |= GEN_F_BUILDKIT;
    if (p->port > 0)
        ctx->facts |= GEN_F_PORT;
    if (p->lockfile)
        ctx->facts |= GEN_F_LOCKFILE;
    if (p->manifest_count)
        ctx->facts |= GEN_F_MANIFESTS;
    if (p->command_count)
        ctx->facts |= GEN_F_COMMAND;
    if (p->build_script)
        ctx->facts |= GEN_F_BUILD_SCRIPT;

    const char *header = gen_pool_printf(
        ctx->pool, "Generated by hoist init for a %s project (profile %s). Review it, then commit it.",
        hoist_gen_lang_name(p->lang), hoist_gen_profile_name(o->profile));
    const char *port = p->port > 0 ? gen_pool_printf(ctx->pool, "%d", p->port) : NULL;
    bool ok = header && gen_set_var(ctx, "header", header) &&
              gen_set_var(ctx, "builder", ctx->builder) &&
              gen_set_var(ctx, "runtime", ctx->runtime) && gen_set_var(ctx, "uid", GEN_UID) &&
              gen_set_var(ctx, "user", GEN_UID ":" GEN_UID) &&
              gen_set_var(ctx, "name", p->name ? p->name : "app") &&
              gen_set_var(ctx, "entry", p->entry ? p->entry : ".") &&
              gen_set_list(ctx, "manifests", p->manifests, p->manifest_count) &&
              gen_set_list(ctx, "command", p->command, p->command_count) &&
              (!port || gen_set_var(ctx, "port", port));
    if (!ok)
        return hoist_error_nomem(err);

    if (p->manifest_count) {
        char list[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < p->manifest_count && used < sizeof(list); i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? " " : "",
                                     p->manifests[i]);
        gen_choice(ctx, "dependencies", list,
                   "copied and installed before the sources, so that the dependency layer is "
                   "reused until one of these files changes");
    }
    gen_choice(ctx, "user", GEN_UID ":" GEN_UID,
               "numeric non-root user: nothing runs as root, and runAsNonRoot can verify it");
    if (port)
        gen_choice(ctx, "port", port, "EXPOSE: the sources listen on it");
    if (o->buildkit)
        gen_choice(ctx, "buildkit", "cache mounts",
                   "--buildkit: package caches live in RUN --mount=type=cache (needs BuildKit)");
    return 0;
}

int hoist_gen_generate(const hoist_gen_project *project, const hoist_gen_options *opts,
                       hoist_gen_result **out, hoist_error *err)
{
    static const hoist_gen_options defaults = HOIST_GEN_OPTIONS_INIT;
    const hoist_gen_options *o = opts ? opts : &defaults;
    *out = NULL;
    if (o->version != HOIST_GEN_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_gen_options: unsupported version %u",
                               o->version);
    const gen_lang_template *tmpl = project ? template_for(project->lang) : NULL;
    if (!tmpl)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_gen_generate: no project given");

    _cleanup_(hoist_gen_result_freep) hoist_gen_result *r = calloc(1, sizeof(*r));
    if (!r)
        return hoist_error_nomem(err);
    gen_ctx ctx = {.project = project, .opts = o, .pool = &r->pool};
    int rc = choose_images(&ctx, err);
    if (rc == 0)
        rc = fill_common(&ctx, err);
    if (rc == 0)
        rc = tmpl->prepare(&ctx, err);
    if (rc == 0) {
        r->df = hoist_dockerfile_new();
        if (!r->df)
            rc = hoist_error_nomem(err);
    }
    if (rc == 0)
        rc = gen_template_apply(r->df, tmpl->steps, tmpl->step_count, &ctx, err);
    if (rc == 0) {
        hoist_df_print_options po = HOIST_DF_PRINT_OPTIONS_INIT;
        po.flags = HOIST_DF_PRINT_CANONICAL;
        rc = hoist_dockerfile_print(r->df, &po, &r->dockerfile, NULL, err);
    }
    if (rc == 0)
        rc = gen_dockerignore_text(&ctx, tmpl, &r->dockerignore, err);
    r->choices = ctx.choices;
    r->choice_count = ctx.choice_count;
    gen_strv_free(&ctx.extra_ignores);
    if (rc)
        return rc;
    *out = TAKE_PTR(r);
    return 0;
}
