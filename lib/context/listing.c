/*
 * listing.c - the context walked once and kept: hoist_context_entries().
 *
 * Everything that needs the whole list of names and sizes before the upload
 * (the `hoist check` rules run by the build, the upload size estimate)
 * shares this one walk instead of walking again each. The walk includes
 * excluded entries (HOIST_ITER_EXCLUDED), so that rules can say which
 * pattern excluded a file; users of what is sent look at `sent`. Notes
 * (sockets, vanished files) are left to the walk that makes the tar, so
 * that each is said once. Each regular file also keeps a 64-bit stat
 * signature (context_entry_sig), by which build records reuse digests
 * without a stat of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "context/context_internal.h"

void context_listing_free(hoist_context *ctx)
{
    for (size_t i = 0; i < ctx->listing_count; i++) {
        free((char *)ctx->listing[i].name);
        free((char *)ctx->listing[i].link);
    }
    free(ctx->listing);
    free(ctx->listing_sig);
    ctx->listing = NULL;
    ctx->listing_sig = NULL;
    ctx->listing_count = 0;
    ctx->listed = false;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    /* splitmix64's finaliser over the running value */
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

static uint64_t stat_sig(const struct stat *st)
{
    if (!S_ISREG(st->st_mode))
        return 0;
    uint64_t h = 0x686f697374736967ull;
    h = mix(h, (uint64_t)st->st_dev);
    h = mix(h, (uint64_t)st->st_ino);
    h = mix(h, (uint64_t)st->st_size);
    h = mix(h, (uint64_t)st->st_mode);
    h = mix(h, (uint64_t)st->st_mtim.tv_sec);
    h = mix(h, (uint64_t)st->st_mtim.tv_nsec);
    h = mix(h, (uint64_t)st->st_ctim.tv_sec);
    h = mix(h, (uint64_t)st->st_ctim.tv_nsec);
    return h ? h : 1;
}

uint64_t context_entry_sig(const hoist_context *ctx, const hoist_context_entry *e)
{
    if (!ctx->listing_sig || e < ctx->listing || e >= ctx->listing + ctx->listing_count)
        return 0;
    return ctx->listing_sig[e - ctx->listing];
}

static int walk_into(hoist_context *ctx, hoist_error *err)
{
    hoist_context_iter *it = NULL;
    int rc = hoist_context_iter_new(&it, ctx, HOIST_ITER_EXCLUDED, err);
    if (rc)
        return rc;
    size_t cap = 0;
    for (;;) {
        const hoist_context_entry *e = NULL;
        if ((rc = hoist_context_iter_next(it, &e, err)) || !e)
            break;
        if (ctx->listing_count == cap) {
            cap = cap ? cap * 2 : 256;
            hoist_context_entry *v = realloc(ctx->listing, cap * sizeof(*v));
            if (v)
                ctx->listing = v;
            uint64_t *sig = v ? realloc(ctx->listing_sig, cap * sizeof(*sig)) : NULL;
            if (!v || !sig) {
                rc = hoist_error_nomem(err);
                break;
            }
            ctx->listing_sig = sig;
        }
        hoist_context_entry *copy = &ctx->listing[ctx->listing_count];
        *copy = *e;
        copy->name = strdup(e->name);
        copy->link = e->link ? strdup(e->link) : NULL;
        if (!copy->name || (e->link && !copy->link)) {
            free((char *)copy->name);
            free((char *)copy->link);
            rc = hoist_error_nomem(err);
            break;
        }
        ctx->listing_sig[ctx->listing_count] =
            e->type == HOIST_ENTRY_FILE || e->type == HOIST_ENTRY_HARDLINK ? stat_sig(context_iter_stat(it)) : 0;
        ctx->listing_count++;
    }
    hoist_context_iter_free(it);
    return rc;
}

int hoist_context_entries(hoist_context *ctx, const hoist_context_entry **entries, size_t *count,
                          hoist_error *err)
{
    *entries = NULL;
    *count = 0;
    if (!ctx->listed) {
        hoist_context_note_fn note = ctx->on_note;
        ctx->on_note = NULL;
        int rc = walk_into(ctx, err);
        ctx->on_note = note;
        if (rc) {
            context_listing_free(ctx);
            return rc;
        }
        ctx->listed = true;
    }
    *entries = ctx->listing;
    *count = ctx->listing_count;
    return 0;
}
