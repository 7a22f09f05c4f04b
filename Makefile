# Thin wrapper around Meson. `make` builds build/hoist; `make test` runs
# everything CI runs (see tests/run-all); `make demo` shows hoist at work
# against a private engine; `make install PREFIX=/usr/local`.
PREFIX ?= /usr/local
BUILD ?= build

.PHONY: all test demo install clean engine-down

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	scripts/bootstrap
	meson setup $(BUILD)

test:
	tests/run-all

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
