/*
 * build_hook.h - the build record's two hooks in hoist_build() (internal).
 *
 * hoist_build_record_begin() runs once the engine is chosen and the
 * context walked: it computes this build's cache inputs, loads the last
 * record and predicts each step, then puts itself between the decoder and
 * the caller's event callback to time the steps and, for every step that
 * runs although the last build recorded it, emit a NOTE event "step N
 * rebuilt: REASON" whose `reason` field is the reason alone.
 * hoist_build_record_end() stores the record after a successful build.
 * Neither ever fails the build: records are a convenience (a problem is a
 * NOTE event, none for a cache directory that cannot be written, and the
 * build goes on without one).
 */
#ifndef HOIST_RECORD_BUILD_HOOK_H
#define HOIST_RECORD_BUILD_HOOK_H

#include "build/build_internal.h"

typedef struct rec_tap rec_tap;

void hoist_build_record_begin(rec_tap **out, const hoist_build_plan *plan, hoist_build_decoder *decoder);
void hoist_build_record_end(rec_tap *tap, int build_rc);
void rec_tap_free(rec_tap *tap);
static inline void rec_tap_freep(rec_tap **t) { if (*t) rec_tap_free(*t); }

#endif
