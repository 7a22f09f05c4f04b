/*
 * transfer.h - bring an image a builder made into the hoist_client's
 * engine (internal): a docker-format tar (the "docker" exporter's output)
 * loaded with POST /images/load, or an image in another Docker engine
 * copied with GET /images/get there and POST /images/load here, streamed
 * without a temporary file.
 */
#ifndef HOIST_BUILDKIT_TRANSFER_H
#define HOIST_BUILDKIT_TRANSFER_H

#include "buildkit/dial.h"
#include "hoist/client.h"

int bk_image_load_file(hoist_client *client, const char *tar_path, volatile sig_atomic_t *cancel, hoist_error *err);

/* `names`: tags (kept by the copy), or the image id when there are none. */
int bk_image_copy_from_engine(const bk_dial_options *builder, hoist_client *client, const char *const *names,
                              size_t n_names, volatile sig_atomic_t *cancel, hoist_error *err);

#endif
