/*
 * files.c - a record's per-file tables on disk, written and read one entry
 * at a time, so that neither computing, comparing nor storing a record
 * holds a context's file list in memory (docs/cache.md, "record file").
 *
 * A table is a run of entries in the context walk's order (depth first,
 * each directory's names sorted bytewise), each:
 *
 *   varint shared    bytes of the path shared with the previous entry
 *   varint n, n bytes the rest of the path
 *   byte   type      'f' file, 'd' dir, 'l' symlink, 'c' device; | 0x80 when a signature follows
 *   varint mode      permission bits
 *   32 bytes         SHA-256 of what the builder hashes (compute.c)
 *   [8 bytes]        the stat signature it was hashed with (context_entry_sig), little-endian
 *
 * (varint: 7 bits a byte, low first, high bit set on all but the last.)
 * A context of short names takes about 55 bytes a file.
 */
#include "record/record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

FILE *rec_spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || dir[0] != '/')
        dir = "/tmp";
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        /* no O_TMPFILE there: a named file, unlinked at once */
        char path[4200];
        snprintf(path, sizeof(path), "%s/hoist-record.XXXXXX", dir);
        if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
            return NULL;
        unlink(path);
    }
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* The walk's order: '/' sorts before every other byte, which is what
 * sorting each directory's names and going depth first gives. */
int rec_path_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x != y) {
            if (!x || !y)
                return x ? 1 : -1;
            if (x == '/')
                return -1;
            if (y == '/')
                return 1;
            return x < y ? -1 : 1;
        }
        if (!x)
            return 0;
    }
}

static size_t put_varint(unsigned char *b, unsigned long long v)
{
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

static int get_varint(rec_file_reader *r, unsigned long long *v)
{
    *v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        int c = getc_unlocked(r->f);
        if (c == EOF)
            return -1;
        r->pos++;
        *v |= (unsigned long long)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

static int unhex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int rec_file_write(FILE *f, char *prev, const rec_file *rf)
{
    size_t len = strlen(rf->path);
    if (len >= REC_PATH_MAX)
        return -1;
    size_t shared = 0;
    while (prev[shared] && prev[shared] == rf->path[shared])
        shared++;
    unsigned char digest[32];
    for (int i = 0; i < 32; i++) {
        int hi = unhex(rf->digest[2 * i]), lo = unhex(rf->digest[2 * i + 1]);
        digest[i] = (unsigned char)(hi < 0 || lo < 0 ? 0 : hi << 4 | lo);
    }
    /* one entry, one (unlocked) write */
    unsigned char buf[REC_PATH_MAX + 80];
    size_t n = put_varint(buf, shared);
    n += put_varint(buf + n, len - shared);
    memcpy(buf + n, rf->path + shared, len - shared);
    n += len - shared;
    buf[n++] = (unsigned char)rf->type | (rf->sig ? 0x80 : 0);
    n += put_varint(buf + n, rf->mode);
    memcpy(buf + n, digest, 32);
    n += 32;
    for (int i = 0; rf->sig && i < 8; i++)
        buf[n++] = (unsigned char)(rf->sig >> (8 * i));
    if (fwrite_unlocked(buf, 1, n, f) != n)
        return -1;
    memcpy(prev, rf->path, len + 1);
    return 0;
}

void rec_file_reader_init(rec_file_reader *r, FILE *f, long long at, size_t count)
{
    memset(r, 0, sizeof(*r));
    r->f = f;
    r->left = f ? count : 0;
    r->file.path = r->path;
    r->pos = at;
    if (f && count && fseeko(f, (off_t)at, SEEK_SET))
        r->left = 0;
}

int rec_file_next(rec_file_reader *r)
{
    static const char digits[] = "0123456789abcdef";
    if (!r->left)
        return 0;
    r->left--;
    if (r->reseek && fseeko(r->f, (off_t)r->pos, SEEK_SET))
        goto broken;
    rec_file *rf = &r->file;
    unsigned long long shared, n, mode;
    unsigned char digest[32];
    int type;
    if (get_varint(r, &shared) || get_varint(r, &n) || shared > strlen(r->path) ||
        shared + n >= REC_PATH_MAX || fread_unlocked(r->path + shared, 1, n, r->f) != n)
        goto broken;
    r->path[shared + n] = '\0';
    r->pos += (long long)n;
    if ((type = getc_unlocked(r->f)) == EOF)
        goto broken;
    r->pos++;
    if (get_varint(r, &mode))
        goto broken;
    r->digest_at = r->pos;
    if (fread_unlocked(digest, 1, 32, r->f) != 32)
        goto broken;
    r->pos += 32;
    rf->type = (char)(type & 0x7f);
    rf->mode = (unsigned)(mode & 07777);
    rf->sig = 0;
    for (int i = 0; i < 32; i++) {
        rf->digest[2 * i] = digits[digest[i] >> 4];
        rf->digest[2 * i + 1] = digits[digest[i] & 15];
    }
    rf->digest[64] = '\0';
    if (type & 0x80) {
        unsigned char sig[8];
        if (fread_unlocked(sig, 1, 8, r->f) != 8)
            goto broken;
        r->pos += 8;
        for (int i = 0; i < 8; i++)
            rf->sig |= (uint64_t)sig[i] << (8 * i);
    }
    return 1;
broken:
    r->left = 0;
    r->broken = true;
    return 0;
}
