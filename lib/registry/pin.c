/*
 * pin.c - hoist_pin(): `FROM image:tag` -> `FROM image:tag@sha256:...`.
 *
 * The Dockerfile is parsed for positions only; the file is edited as
 * text at each FROM's image reference (the parser's argument range), so
 * comments, blank lines, continuation lines, flags and `AS` names stay as
 * written. Edits are applied from the end of the file backwards and the
 * result replaces the file atomically (temporary file in the same
 * directory, same mode, rename). References built from ARGs are skipped:
 * the digest would belong in the ARG's default, which may be shared.
 */
#include "registry/resolve.h"
#include "registry/reg_http.h"
#include "registry/registry_internal.h"
#include "common/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hoist_pin_result {
    hoist_pin_entry *entries;
    size_t count;
    bool written;
};

HOIST_DEFINE_FREEP(hoist_dockerfile, hoist_dockerfile_free)
HOIST_DEFINE_FREEP(hoist_image_ref, hoist_image_ref_free)
HOIST_DEFINE_FREEP(hoist_pin_result, hoist_pin_result_free)

void hoist_pin_options_init(hoist_pin_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->version = HOIST_PIN_OPTIONS_VERSION;
}

size_t hoist_pin_result_entry_count(const hoist_pin_result *r)
{
    return r ? r->count : 0;
}

const hoist_pin_entry *hoist_pin_result_entry_at(const hoist_pin_result *r, size_t i)
{
    return r && i < r->count ? &r->entries[i] : NULL;
}

bool hoist_pin_result_written(const hoist_pin_result *r)
{
    return r && r->written;
}

void hoist_pin_result_free(hoist_pin_result *r)
{
    if (!r)
        return;
    free(r->entries);
    free(r);
}

const char *hoist_pin_state_name(hoist_pin_state s)
{
    static const char *const names[] = {"pinned", "updated", "current", "stale", "unpinned", "skipped", "failed"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* Byte offset of (line, column) in data; -1 when out of range. */
static long offset_of(const char *data, size_t len, int line, int column)
{
    size_t off = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(data + off, '\n', len - off);
        if (!nl)
            return -1;
        off = (size_t)(nl - data) + 1;
    }
    off += (size_t)(column - 1);
    return off <= len ? (long)off : -1;
}

struct edit {
    long start, end;      /* bytes of the reference in the file */
    char text[800];       /* the new reference */
};

static int cmp_edit(const void *a, const void *b)
{
    long x = ((const struct edit *)a)->start, y = ((const struct edit *)b)->start;
    return x < y ? 1 : x > y ? -1 : 0; /* last first */
}

static int write_atomic(const char *path, const char *data, size_t len, hoist_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "%s: %s", path, strerror(errno));
    size_t n = strlen(path) + 32;
    _cleanup_free_ char *tmp = malloc(n);
    if (!tmp)
        return hoist_error_nomem(err);
    snprintf(tmp, n, "%s.hoist-pin.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "cannot write next to %s: %s", path, strerror(errno));
        return hoist_error_hint(err, "the directory must be writable; use --check to only report");
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(e), "writing %s: %s", tmp, strerror(e));
        }
        off += (size_t)w;
    }
    if (fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(e), "writing %s: %s", tmp, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(e), "replacing %s: %s", path, strerror(e));
    }
    return 0;
}

static int read_file(const char *path, char **out, size_t *len, hoist_error *err)
{
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "cannot read %s: %s", path, strerror(errno));
        return hoist_error_hint(err, "give the Dockerfile's path: hoist pin path/to/Dockerfile");
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    if (!buf)
        return hoist_error_nomem(err);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int hoist_pin(hoist_pin_result **out, const hoist_pin_options *opts, hoist_error *err)
{
    if (out)
        *out = NULL;
    if (!opts || opts->version != HOIST_PIN_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_pin: options version mismatch");
    if (!out || !opts->dockerfile || !*opts->dockerfile)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_pin: a Dockerfile path and a result are required");
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    int rc = read_file(opts->dockerfile, &data, &len, err);
    if (rc)
        return rc;
    hoist_df_parse_options popts = HOIST_DF_PARSE_OPTIONS_INIT;
    popts.filename = opts->dockerfile;
    _cleanup_(hoist_dockerfile_freep) hoist_dockerfile *df = NULL;
    rc = hoist_dockerfile_parse(data, len, &popts, &df, err);
    if (rc)
        return rc;
    hoist_df_stage *stages = NULL;
    size_t stage_count = 0;
    rc = hoist_dockerfile_stages(df, NULL, &stages, &stage_count, err);
    if (rc)
        return rc;

    _cleanup_(hoist_pin_result_freep) hoist_pin_result *res = calloc(1, sizeof(*res));
    _cleanup_free_ struct edit *edits = calloc(stage_count ? stage_count : 1, sizeof(*edits));
    if (res)
        res->entries = calloc(stage_count ? stage_count : 1, sizeof(*res->entries));
    if (!res || !edits || !res->entries) {
        hoist_df_stages_free(stages);
        return hoist_error_nomem(err);
    }
    reg_http http;
    rc = reg_http_open(&http, opts->ca_file, opts->timeout_ms > 0 ? opts->timeout_ms : 10000, err);
    if (rc) {
        hoist_df_stages_free(stages);
        return rc;
    }
    hoist_credentials_options copts = hoist_registry_cred_options(&opts->auth);
    size_t edit_count = 0;
    bool failed = false, outdated = false;

    for (size_t s = 0; s < stage_count; s++) {
        const hoist_df_stage *st = &stages[s];
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(df, st->first_instruction);
        hoist_pin_entry *e = &res->entries[res->count++];
        e->line = ins ? ins->range.start.line : 0;
        snprintf(e->image, sizeof(e->image), "%s", st->base ? st->base : "");
        e->state = HOIST_PIN_SKIPPED;
        if (st->base_kind == HOIST_DF_BASE_STAGE) {
            snprintf(e->note, sizeof(e->note), "an earlier stage");
            continue;
        }
        if (st->base_kind == HOIST_DF_BASE_SCRATCH) {
            snprintf(e->note, sizeof(e->note), "scratch (no image)");
            continue;
        }
        if (!ins || ins->arg_count == 0 || !st->base) {
            snprintf(e->note, sizeof(e->note), "no image reference");
            continue;
        }
        if (strchr(st->base, '$')) {
            snprintf(e->note, sizeof(e->note), "built from build arguments: pin the ARG's default instead");
            continue;
        }
        const hoist_df_arg *arg = &ins->args[0];
        e->column = arg->range.start.column;
        long start = offset_of(data, len, arg->range.start.line, arg->range.start.column);
        size_t wlen = strlen(arg->value);
        if (start < 0 || (size_t)start + wlen > len || memcmp(data + start, arg->value, wlen)) {
            /* positions disagree with the text (should not happen): do not guess */
            e->state = HOIST_PIN_FAILED;
            snprintf(e->note, sizeof(e->note), "the reference could not be located in the file");
            failed = true;
            continue;
        }
        _cleanup_(hoist_image_ref_freep) hoist_image_ref *ref = NULL;
        hoist_error rerr = HOIST_ERROR_INIT;
        if (hoist_image_ref_parse(arg->value, &ref, &rerr)) {
            e->state = HOIST_PIN_FAILED;
            snprintf(e->note, sizeof(e->note), "%s", rerr.message);
            failed = true;
            continue;
        }
        char name[512], tag[128], old[160];
        if (hoist_split_image_name(arg->value, name, sizeof(name), tag, sizeof(tag), old, sizeof(old)) < 0) {
            e->state = HOIST_PIN_FAILED;
            snprintf(e->note, sizeof(e->note), "reference too long");
            failed = true;
            continue;
        }
        snprintf(e->old_digest, sizeof(e->old_digest), "%s", old);
        if (old[0] && !tag[0]) {
            snprintf(e->note, sizeof(e->note), "pinned by digest only: no tag to follow");
            continue;
        }
        if (!tag[0])
            snprintf(tag, sizeof(tag), "latest");
        snprintf(e->image, sizeof(e->image), "%s:%s", name, tag);

        /* the same image earlier in the file: same answer */
        char why[600] = "", why_engine[600] = "";
        for (size_t k = 0; k + 1 < res->count; k++) {
            if (!strcmp(res->entries[k].image, e->image) && res->entries[k].digest[0]) {
                snprintf(e->digest, sizeof(e->digest), "%s", res->entries[k].digest);
                snprintf(e->source, sizeof(e->source), "%s", res->entries[k].source);
                break;
            }
        }
        if (!e->digest[0]) {
            hoist_image_ref tagged = *ref;
            tagged.tag = tag;
            if (reg_resolve_digest(&http, &copts, &tagged, e->digest, sizeof(e->digest), why, sizeof(why)) == 0)
                snprintf(e->source, sizeof(e->source), "registry");
            else if (engine_repo_digest(opts->client, e->image, &tagged, e->digest, sizeof(e->digest), why_engine,
                                        sizeof(why_engine)) == 0)
                snprintf(e->source, sizeof(e->source), "engine");
        }
        if (!e->digest[0]) {
            e->state = HOIST_PIN_FAILED;
            snprintf(e->note, sizeof(e->note), "%s; %s", why, why_engine[0] ? why_engine : "no engine to ask");
            failed = true;
            continue;
        }
        if (old[0] && !strcmp(old, e->digest)) {
            e->state = HOIST_PIN_CURRENT;
            continue;
        }
        if (opts->check) {
            e->state = old[0] ? HOIST_PIN_STALE : HOIST_PIN_UNPINNED;
            outdated = true;
            continue;
        }
        e->state = old[0] ? HOIST_PIN_UPDATED : HOIST_PIN_PINNED;
        struct edit *ed = &edits[edit_count++];
        ed->start = start;
        ed->end = start + (long)wlen;
        snprintf(ed->text, sizeof(ed->text), "%s:%s@%s", name, tag, e->digest);
    }
    reg_http_close(&http);
    hoist_df_stages_free(stages);

    if (edit_count) {
        qsort(edits, edit_count, sizeof(*edits), cmp_edit);
        size_t grow = 0;
        for (size_t i = 0; i < edit_count; i++)
            grow += strlen(edits[i].text);
        _cleanup_free_ char *next = malloc(len + grow + 1);
        if (!next)
            return hoist_error_nomem(err);
        memcpy(next, data, len + 1);
        size_t cur = len;
        for (size_t i = 0; i < edit_count; i++) { /* last first: earlier offsets stay valid */
            size_t tl = strlen(edits[i].text), old_len = (size_t)(edits[i].end - edits[i].start);
            memmove(next + edits[i].start + tl, next + edits[i].end, cur - (size_t)edits[i].end + 1);
            memcpy(next + edits[i].start, edits[i].text, tl);
            cur = cur - old_len + tl;
        }
        rc = write_atomic(opts->dockerfile, next, cur, err);
        if (rc)
            return rc;
        res->written = true;
    }
    *out = TAKE_PTR(res);
    if (failed) {
        hoist_error_set(err, HOIST_EFAILED, "%s: the digest of some base images could not be found", opts->dockerfile);
        return hoist_error_hint(err, "make the registry reachable from here (hoist doctor --registry HOST), or pull "
                                     "the image into the engine so that its RepoDigests can be used");
    }
    if (outdated) {
        hoist_error_set(err, HOIST_EFAILED, "%s: base images are not pinned to their current digests", opts->dockerfile);
        return hoist_error_hint(err, "run 'hoist pin %s' to update them", opts->dockerfile);
    }
    return 0;
}
