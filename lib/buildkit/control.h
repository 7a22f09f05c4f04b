/*
 * control.h - a build on a BuildKit builder through BuildKit's Control
 * API, hoist being the gRPC client (internal; hoist_build calls it when
 * opts->buildkit.builder is set).
 *
 *   1. dial the builder (dial.h): the engine's /grpc, buildkitd's socket,
 *      tcp+TLS, or a `buildctl dial-stdio` helper;
 *   2. Control.Session: a bidi stream of BytesMessage carrying a nested
 *      HTTP/2 connection on which the builder is the client and hoist's
 *      session (lib/session: FileSync for "context" and "dockerfile",
 *      Auth, Secrets, SSH, FileSend) the server; the session's id, name,
 *      shared key and methods go in the stream's metadata. The session
 *      thread serves one end of a socketpair; this file pumps the other
 *      end to and from the stream;
 *   3. Control.Solve with the dockerfile.v0 frontend and its attributes
 *      (filename, target, build-arg:*, label:*, no-cache, platform,
 *      force-network-mode, add-hosts, shm-size, image-resolve-mode), and
 *      an exporter: "moby" (name=TAGS) when the builder is a Docker
 *      engine, the image then landing in that engine; "tar" for --output;
 *   4. Control.Status for the same ref, a server stream of StatusResponse
 *      decoded by bk_trace into the same events as the buildkit engine;
 *   5. the image id from the Solve reply's exporter response.
 * Cancelling resets the Solve stream (BuildKit cancels the build) and
 * closes the session; a builder that goes away is HOIST_EENV.
 */
#ifndef HOIST_BUILDKIT_CONTROL_H
#define HOIST_BUILDKIT_CONTROL_H

#include "build/build_internal.h"

int hoist_build_run_control(const hoist_build_plan *plan, hoist_build_decoder *decoder, hoist_error *err);

#endif
