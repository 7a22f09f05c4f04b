/*
 * client_internal.h - what other libhoist subsystems (the build, image
 * inspection) use of a client: versioned requests and HTTP error decoding.
 */
#ifndef HOIST_ENGINE_CLIENT_INTERNAL_H
#define HOIST_ENGINE_CLIENT_INTERNAL_H

#include <jansson.h>
#include "hoist/client.h"
#include "engine/transport.h"

/* The transport behind a client. */
hoist_transport *hoist_client_transport(hoist_client *client);

/* Write "/vX.Y<path>" into buf (negotiating first when needed). */
int hoist_client_versioned_path(hoist_client *client, const char *path, char *buf, size_t size,
                                hoist_error *err);

/* Perform a request on the versioned path (request->path is rewritten). */
int hoist_client_request(hoist_client *client, const char *path, hoist_http_request *request,
                         hoist_http_response *response, hoist_error *err);

/* GET a versioned path and parse its JSON body; non-2xx is an error. */
int hoist_client_get_json(hoist_client *client, const char *path, json_t **out, hoist_error *err);

/* Turn a non-2xx response into an error, using the daemon's JSON
 * {"message": ...} when present. `what` names the call ("GET /info"). */
int hoist_http_error_from_response(const hoist_http_response *response, const char *what,
                                   const hoist_client *client, hoist_error *err);

#endif
