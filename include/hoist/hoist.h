/*
 * hoist/hoist.h - umbrella header for libhoist.
 *
 * libhoist prepares everything a Docker build needs (Dockerfile, build
 * context, credentials) and hands the build to a real Docker engine.
 * Include this one header; the others are grouped by subsystem.
 * Threads: each header says what its types allow; libhoist keeps no
 * global mutable state.
 */
#ifndef HOIST_HOIST_H
#define HOIST_HOIST_H

#include "hoist/export.h"
#include "hoist/error.h"
#include "hoist/version.h"
#include "hoist/endpoint.h"
#include "hoist/dockerfile.h"
#include "hoist/client.h"
#include "hoist/docker_cli.h"
#include "hoist/doctor.h"
#include "hoist/lint.h"
#include "hoist/ignore.h"
#include "hoist/context.h"
#include "hoist/build.h"
#include "hoist/explain.h"
#include "hoist/bake.h"
#include "hoist/registry.h"
#include "hoist/gen.h"
#include "hoist/features.h"

#endif
