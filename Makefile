# Thin wrapper around Meson. `make` builds build/hoist; `make test` runs
# everything CI runs (see tests/run-all); `make demo` shows hoist at work
# against a private engine; `make install PREFIX=/usr/local`.
# `make fuzz` runs a fuzzing campaign (FUZZ_SECONDS per target, default
# 600, a random seed, corpora kept in build-fuzz/fuzz-corpus; FUZZ_TARGETS
# limits it); `make valgrind` runs the unit tests under valgrind memcheck.
PREFIX ?= /usr/local
BUILD ?= build

.PHONY: all test demo install clean engine-down fuzz valgrind
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

engine-down:
	scripts/engine down

clean:
	rm -rf build build-asan build-fuzz
