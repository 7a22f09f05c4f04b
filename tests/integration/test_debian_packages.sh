#!/usr/bin/env bash
# Debian packages: dpkg-buildpackage builds hoist, libhoist1 and
# libhoist-dev from a copy of the working tree (with DEB_BUILD_OPTIONS
# nocheck, parallel=2: a few minutes); lintian reports nothing that
# debian/source/lintian-overrides does not justify; apt accepts the three
# packages on this machine (simulated: nothing is installed); they are
# unpacked into a scratch root where
#   - hoist runs, and its man pages and completions are where man,
#     bash-completion, zsh and fish look;
#   - libhoist.so.1 is the soname and libhoist1 ships nothing else but
#     its RE2 module (hoist/1/hoist-re2.so, which hoist loads too);
#   - examples/c-api builds with `pkg-config --cflags --libs hoist` against
#     the packaged headers and library only, and builds an image on the
#     private engine with it.
# The machine is not changed. Skipped (77) without dpkg-buildpackage and
# debhelper: `make deb-test` installs them (scripts/bootstrap --packaging).
. "$(dirname "$0")/lib.sh"

command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || {
  echo "skip: dpkg-buildpackage/debhelper missing (make deb-test installs them)"; exit 77; }

ver=$(dpkg-parsechangelog -l "$HOIST_SRC/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# Build from a copy of the tracked and new files (never the checkout: the
# build would leave obj-*/ and debian/ build files in it).
mkdir -p "$tmp/pkg/src"
(cd "$HOIST_SRC" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$tmp/pkg/src"
start=$(date +%s)
if ! (cd "$tmp/pkg/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
  tail -40 "$tmp/build.log"; fail "dpkg-buildpackage failed"
fi
echo "dpkg-buildpackage: $(( $(date +%s) - start ))s"
debs=()
for p in hoist libhoist1 libhoist-dev; do
  d=$tmp/pkg/${p}_${ver}_${arch}.deb
  [ -f "$d" ] || fail "no $d"; debs+=("$d")
done

# lintian: clean, apart from the overrides (each with its reason)
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning "$tmp/pkg"/hoist_*.changes >"$tmp/lintian.txt" 2>&1 \
    || { cat "$tmp/lintian.txt"; fail "lintian"; }
  cat "$tmp/lintian.txt"
  ! grep -E '^[EW]: ' "$tmp/lintian.txt" || fail "lintian errors or warnings"
else
  echo "note: lintian not installed; not run"
fi

# metadata
dpkg-deb -f "${debs[1]}" Package | grep -qx libhoist1
dpkg-deb -f "${debs[0]}" Depends | grep -q 'libarchive13' || fail "hoist must depend on the dlopen'd libarchive13"
dpkg-deb -f "${debs[1]}" Depends | grep -q 'libcurl4 | libcurl3-gnutls' || fail "libhoist1 must depend on the dlopen'd libcurl"
dpkg-deb -f "${debs[2]}" Depends | grep -q "libhoist1 (= $ver)" || fail "libhoist-dev must depend on the same libhoist1"
dpkg-deb -f "${debs[0]}" Depends | grep -q "libhoist1 (= $ver)" || fail "hoist must depend on the libhoist1 that has its RE2 module"
# libhoist1: the library and its module, in a directory named by the
# soname's major, nothing else (Debian policy 8.2)
dpkg-deb -c "${debs[1]}" | awk '{print $6}' | grep -v '/$' | grep -vE "^\./usr/lib/$multiarch/libhoist\.so\.1(\.[0-9.]+)?$|^\./usr/lib/$multiarch/hoist/1/hoist-re2\.so$|^\./usr/share/doc/libhoist1/" \
  && fail "libhoist1 ships more than the library and its module"
dpkg-deb -c "${debs[1]}" | grep -q "usr/lib/$multiarch/libhoist.so.1 -> " || fail "no libhoist.so.1 link"

# apt accepts them with what is installed here (simulation: no change)
if apt-get -s -o Debug::NoLocking=1 install "${debs[@]}" >"$tmp/apt.txt" 2>&1; then
  grep -E '^Inst (hoist|libhoist1|libhoist-dev) ' "$tmp/apt.txt"
else
  cat "$tmp/apt.txt"; fail "apt cannot install the packages here"
fi

# unpack into a scratch root
root=$tmp/root
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$root"; done
libdir=$root/usr/lib/$multiarch
[ "$(objdump -p "$libdir/libhoist.so.1" | awk '/SONAME/ {print $2}')" = libhoist.so.1 ] || fail "soname"
"$root/usr/bin/hoist" version | grep -q "^hoist 0.2.0"
# the packaged RE2 module matches a wildcard (found by its bare name through
# LD_LIBRARY_PATH, as the installed path is outside the scratch root)
mkdir -p "$tmp/wild" && printf 'FROM scratch\nCOPY . /\n' >"$tmp/wild/Dockerfile"
printf '*.log\n' >"$tmp/wild/.dockerignore" && touch "$tmp/wild/a.log" "$tmp/wild/b.txt"
LD_LIBRARY_PATH=$libdir/hoist/1 "$root/usr/bin/hoist" context "$tmp/wild" | grep -q 'excluded: *1 files' \
  || fail "the packaged hoist-re2.so does not load or match"
for c in build bake check context doctor init parse pin push version completion help; do
  [ -f "$root/usr/share/man/man1/hoist-$c.1.gz" ] || fail "no man page for $c"
done
[ -f "$root/usr/share/bash-completion/completions/hoist" ] || fail "bash completion"
[ -f "$root/usr/share/zsh/vendor-completions/_hoist" ] || fail "zsh completion"
[ -f "$root/usr/share/fish/vendor_completions.d/hoist.fish" ] || fail "fish completion"
bash -n "$root/usr/share/bash-completion/completions/hoist"
# hoist help finds the page installed next to it
if command -v man >/dev/null; then
  MANPAGER=cat "$root/usr/bin/hoist" help pin | grep -q "hoist-pin" || fail "hoist help pin (installed)"
fi

# examples/c-api against the packaged headers and library only
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$libdir/pkgconfig:/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig
flags=$(pkg-config --cflags --libs hoist)
echo "pkg-config --cflags --libs hoist: $flags"
[[ $flags == *"-I$root/usr/include"* && $flags == *"-L$libdir"* ]] || fail "pkg-config flags do not point into the package root"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Werror "$HOIST_SRC/examples/c-api/build_image.c" $flags -o "$tmp/build_image"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
LD_LIBRARY_PATH=$libdir ldd "$tmp/build_image" | grep "libhoist.so.1 => $libdir/" || fail "not linked against the packaged libhoist.so.1"

# ... and it builds an image on the private engine
tag=hoist-test/debpkg-$$:1
mkdir -p "$tmp/ctx"
# a RUN no earlier build cached: other clients of the engine may prune
# dangling cache images meanwhile
printf 'FROM hoist-test/busybox:1\nRUN echo packaged-%s-%s > /msg\n' "$$" "$(date +%s%N)" >"$tmp/ctx/Dockerfile"
on_exit "docker_cli rmi -f '$tag' >/dev/null 2>&1"
LD_LIBRARY_PATH=$libdir "$tmp/build_image" "$tmp/ctx" "$tag" | tee "$tmp/example.out"
grep -q '^step 2/2' "$tmp/example.out" || fail "the example did not report its steps"
docker_cli image inspect "$tag" >/dev/null || fail "image $tag not built"
echo "debian packages: ok"
