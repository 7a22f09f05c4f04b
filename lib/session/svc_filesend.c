/*
 * svc_filesend.c - moby.filesync.v1.FileSend/DiffCopy for the tar
 * exporter (outputs=[{"Type":"tar"}]): the daemon streams the tar as
 * BytesMessage payloads, written in order to the configured file. The file
 * is created on the first call (an existing file is replaced only once the
 * export starts) and closed when the daemon half-closes; without an output
 * file the call fails with FAILED_PRECONDITION.
 */
#include "session/session_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filesync.pb-c.h"

typedef struct filesend {
    int fd;
} filesend;

void svc_filesend_start(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    if (!s->cfg.output_tar) {
        grpc_call_finish(call, GRPC_FAILED_PRECONDITION, "this session takes no build output");
        return;
    }
    filesend *fs = calloc(1, sizeof(*fs));
    if (!fs) {
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    fs->fd = open(s->cfg.output_tar, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fs->fd < 0) {
        char msg[600];
        snprintf(msg, sizeof(msg), "cannot write %s: %s", s->cfg.output_tar, strerror(errno));
        free(fs);
        grpc_call_finish(call, GRPC_PERMISSION_DENIED, msg);
        return;
    }
    grpc_call_set_state(call, fs);
}

void svc_filesend_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    hoist_session *s = grpc_call_user(call);
    filesend *fs = grpc_call_state(call);
    if (!fs)
        return;
    Moby__Filesync__V1__BytesMessage *m = moby__filesync__v1__bytes_message__unpack(NULL, len, msg);
    if (!m) {
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "cannot decode BytesMessage");
        return;
    }
    size_t off = 0;
    while (off < m->data.len) {
        ssize_t n = write(fs->fd, m->data.data + off, m->data.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            char err[600];
            snprintf(err, sizeof(err), "writing %s: %s", s->cfg.output_tar, strerror(n < 0 ? errno : EIO));
            grpc_call_finish(call, GRPC_INTERNAL, err);
            break;
        }
        off += (size_t)n;
    }
    SESSION_COUNT(s, output_bytes, off);
    moby__filesync__v1__bytes_message__free_unpacked(m, NULL);
}

void svc_filesend_half_close(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    filesend *fs = grpc_call_state(call);
    if (!fs)
        return;
    int rc = close(fs->fd);
    fs->fd = -1;
    if (rc) {
        char err[600];
        snprintf(err, sizeof(err), "writing %s: %s", s->cfg.output_tar, strerror(errno));
        grpc_call_finish(call, GRPC_INTERNAL, err);
        return;
    }
    grpc_call_finish(call, GRPC_OK, NULL);
}

void svc_filesend_free(grpc_call *call)
{
    filesend *fs = grpc_call_state(call);
    if (fs && fs->fd >= 0)
        close(fs->fd);
    free(fs);
}
