# Thin wrapper around Meson. `make` builds build/hoist; `make test` runs
# everything CI runs (see tests/run-all); `make demo` shows hoist at work
# against a private engine; `make install PREFIX=/usr/local`.
# `make deb` builds the Debian packages (hoist, libhoist1, libhoist-dev) into
# ../ with dpkg-buildpackage; `make deb-test` builds them in a scratch copy,
# runs lintian, and checks them unpacked in a scratch root, including the C
# API example against the private engine (tests/integration/test_debian_packages.sh).
# `make fuzz` runs a fuzzing campaign (FUZZ_SECONDS per target, default
# 600, a random seed, corpora kept in build-fuzz/fuzz-corpus; FUZZ_TARGETS
# limits it); `make valgrind` runs the unit tests under valgrind memcheck.
PREFIX ?= /usr/local
BUILD ?= build

.PHONY: all test demo install clean engine-down fuzz valgrind deb deb-test
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	scripts/bootstrap
	meson setup $(BUILD)

test:
	tests/run-all

fuzz:
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
	  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	ninja -C build-fuzz
	HOIST_FUZZ_SEED=0 HOIST_FUZZ_CORPUS=$(CURDIR)/build-fuzz/fuzz-corpus \
	  tests/fuzz/run build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

valgrind: all
	tests/valgrind $(BUILD)

demo: all
	scripts/demo

install: $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

deb:
	scripts/bootstrap --packaging
	DEB_BUILD_OPTIONS="nocheck parallel=2 $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc -b

deb-test: all
	scripts/bootstrap --packaging
	scripts/engine up
	scripts/base-images
	tests/integration/run debian_packages

engine-down:
	scripts/engine down

clean:
	rm -rf build build-asan build-fuzz
