# Thin wrapper around Meson. `make` builds build/hoist; `make test` runs
# everything CI runs (see tests/run-all); `make soak` the long soak
# (tests/integration/test_soak.sh); `make demo` shows hoist at work
# against a private engine; `make install PREFIX=/usr/local`.
PREFIX ?= /usr/local
BUILD ?= build

.PHONY: all test soak demo install clean engine-down

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	scripts/bootstrap
	meson setup $(BUILD)

test:
	tests/run-all

# 200 consecutive builds through one process (classic and native BuildKit):
# memory and descriptors flat, nothing left behind. `make test` runs 30.
soak: all
	HOIST_SOAK_BUILDS=200 HOIST_TEST_TIMEOUT=3600 tests/integration/run soak

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
