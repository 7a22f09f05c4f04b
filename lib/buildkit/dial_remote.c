/*
 * dial_remote.c - tcp:// with TLS and the `buildctl dial-stdio` helpers
 * (see dial.h).
 */
#include "buildkit/dial.h"

int bk_dial_tcp(const bk_dial_options *o, const char *hostport, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    (void)hostport;
    (void)out;
    (void)info;
    return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_UNSUPPORTED, "--builder %s: tcp:// builders are not "
                            "supported yet", o->address);
}

int bk_dial_stdio(const bk_dial_options *o, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    (void)out;
    (void)info;
    return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_UNSUPPORTED, "--builder %s: this kind of address is "
                            "not supported yet", o->address);
}
