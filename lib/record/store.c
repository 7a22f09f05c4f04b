/*
 * store.c - build records on disk: one file per (engine endpoint,
 * engine, context directory, Dockerfile, target) in
 * $XDG_CACHE_HOME/hoist/records (~/.cache/hoist/records when unset),
 * named by the SHA-256 of those keys.
 *
 * Like the ShellCheck cache (lib/lint/sc_cache.c), and through the same
 * helpers (common/cache_dir.h): written to a temporary file and renamed,
 * so a reader never sees half a record; after a write the directory is
 * kept to REC_STORE_MAX files and REC_STORE_BYTES (the oldest
 * by modification time go first); off when HOIST_NO_CACHE is set to
 * anything but "" or "0". A record that cannot be read or parsed is no
 * record.
 */
#include "record/record.h"
#include "common/json_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cache_dir.h"
#include "common/sha256.h"

#define REC_STORE_MAX 256
#define REC_STORE_BYTES (64ull << 20)
#define REC_FILE_MAX (32ull << 20)

bool rec_enabled(void) { return hoist_cache_enabled(); }

static bool default_dir(char *dir, size_t size) { return hoist_cache_dir("records", dir, size); }

static bool mkdir_p(char *dir) { return hoist_cache_mkdir(dir); }

bool rec_path(char *buf, size_t size, const char *dir, const char *engine, const char *endpoint,
              const char *context, const char *dockerfile, const char *target)
{
    char d[4096];
    if (dir && *dir)
        snprintf(d, sizeof(d), "%s", dir);
    else if (!rec_enabled() || !default_dir(d, sizeof(d)))
        return false;
    _cleanup_free_ char *key = NULL;
    if (asprintf(&key, "hoist-record-%d\n%s\n%s\n%s\n%s\n%s\n", REC_FORMAT, engine ? engine : "",
                 endpoint ? endpoint : "", context ? context : "", dockerfile ? dockerfile : "",
                 target ? target : "") < 0)
        return false;
    char hexs[2 * HOIST_SHA256_SIZE + 1];
    hoist_sha256_hex(key, strlen(key), hexs);
    hexs[40] = '\0'; /* the first 20 bytes name the file */
    int w = snprintf(buf, size, "%s/%s-%s.rec", d, engine ? engine : "engine", hexs);
    return w > 0 && (size_t)w < size;
}

/* The file: REC_MAGIC, the file tables, a newline, the header JSON and a
 * newline, then the header's offset as REC_TRAILER_LEN decimal digits and a
 * newline. Only the header is parsed here; the tables are read from the
 * open file when needed. */
#define REC_TRAILER_LEN 20

int rec_load(rec **out, const char *path, hoist_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return 0;
    struct stat st;
    char trailer[REC_TRAILER_LEN + 2] = "", magic[sizeof(REC_MAGIC)] = "";
    long long at = -1;
    size_t ml = strlen(REC_MAGIC);
    if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && (unsigned long long)st.st_size <= REC_FILE_MAX &&
        st.st_size > (off_t)(ml + REC_TRAILER_LEN + 1) && fread(magic, 1, ml, f) == ml && !memcmp(magic, REC_MAGIC, ml) &&
        !fseeko(f, st.st_size - REC_TRAILER_LEN - 1, SEEK_SET) && fread(trailer, 1, REC_TRAILER_LEN + 1, f) == REC_TRAILER_LEN + 1 &&
        trailer[REC_TRAILER_LEN] == '\n' && sscanf(trailer, "%20lld", &at) == 1 && at >= (long long)ml &&
        at < (long long)st.st_size - REC_TRAILER_LEN - 1) {
        size_t len = (size_t)(st.st_size - REC_TRAILER_LEN - 1 - at);
        _cleanup_free_ char *text = malloc(len + 1);
        if (!text) {
            fclose(f);
            return hoist_error_nomem(err);
        }
        json_error_t jerr;
        _cleanup_json_ json_t *j = NULL;
        if (!fseeko(f, at, SEEK_SET) && fread(text, 1, len, f) == len)
            j = json_loadb(text, len, 0, &jerr);
        hoist_error ignored = HOIST_ERROR_INIT;
        if (j && rec_from_json(out, j, &ignored)) {
            *out = NULL;
            if (ignored.code == HOIST_EUSAGE || ignored.reason == HOIST_REASON_NOMEM) {
                fclose(f);
                return hoist_error_nomem(err);
            }
        }
        for (size_t i = 0; *out && i < (*out)->step_count; i++)
            if ((*out)->steps[i].files_at > at) {
                rec_free(*out); /* a table past the header: broken */
                *out = NULL;
            }
    }
    if (*out)
        (*out)->files = f;
    else
        fclose(f);
    return 0;
}

/* format 1 records were .json: they age out with the rest */
static bool is_record(const char *name)
{
    size_t len = strlen(name);
    return (len > 4 && !strcmp(name + len - 4, ".rec")) || (len > 5 && !strcmp(name + len - 5, ".json"));
}

static void evict(const char *dir)
{
    hoist_cache_bound(dir, is_record, REC_STORE_MAX, REC_STORE_BYTES, REC_STORE_MAX, REC_STORE_BYTES);
}

int rec_save(const rec *r, const char *path, hoist_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return hoist_error_set(err, HOIST_EUSAGE, "record path %s has no directory", path);
    *slash = '\0';
    if (!mkdir_p(dir))
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno),
                                "cannot make the record directory %s: %s", dir, strerror(errno));
    _cleanup_json_ json_t *j = rec_to_json(r);
    if (!j)
        return hoist_error_nomem(err);
    _cleanup_free_ char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        return hoist_error_nomem(err);
    if (!r->files || fflush(r->files) || fseeko(r->files, 0, SEEK_END))
        return hoist_error_set(err, HOIST_EUSAGE, "build record without its file tables");
    off_t tables = ftello(r->files);
    size_t len = strlen(text);
    if (tables < 0 || (unsigned long long)tables + len + REC_TRAILER_LEN + 3 > REC_FILE_MAX)
        return hoist_error_set(err, HOIST_EFAILED, "build record too large (%zu bytes): not kept",
                               (size_t)tables + len);
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno), "cannot write %s: %s", tmp,
                                strerror(errno));
    /* the tables as spooled (offsets are the same), then the header */
    bool ok = !fseeko(r->files, 0, SEEK_SET);
    char buf[65536];
    size_t got;
    while (ok && (got = fread(buf, 1, sizeof(buf), r->files)) > 0)
        ok = write(fd, buf, got) == (ssize_t)got;
    ok = ok && !ferror(r->files);
    char trailer[REC_TRAILER_LEN + 3];
    snprintf(trailer, sizeof(trailer), "\n%0*lld\n", REC_TRAILER_LEN, (long long)tables + 1);
    ok = ok && write(fd, "\n", 1) == 1; /* the header on a line of its own */
    ok = ok && write(fd, text, len) == (ssize_t)len;
    ok = ok && write(fd, trailer, strlen(trailer)) == (ssize_t)strlen(trailer);
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(e), "cannot write %s: %s", path,
                                strerror(e));
    }
    evict(dir);
    return 0;
}
