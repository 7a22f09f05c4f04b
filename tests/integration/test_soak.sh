# test_soak.sh - many consecutive builds through one process (the C API in
# a loop, tests/threads/stress.c): resident memory and open descriptors
# measured at build 10 and at the last build must stay flat (the program
# asserts it), no container is left behind (the runner checks), and the
# dangling images the builds make are removed here.
#   HOIST_SOAK_BUILDS (default 30; `make soak` sets 200)
#   HOIST_SOAK_ENGINES (default "api bk": the classic builder over the API,
#   and the native BuildKit session when the daemon has BuildKit)
. "$HOIST_SRC/tests/integration/lib.sh"

stress=${HOIST_STRESS:-$HOIST_SRC/build/tests/threads/stress}
[ -x "$stress" ] || skip "$stress not built"
builds=${HOIST_SOAK_BUILDS:-30}
tag=hoist-it-soak-$$
ids=$tmp/ids
touch "$ids"
remove_images() {
  docker_cli image rm -f $tag >/dev/null 2>&1 || true
  # every image a build made (all but the last are dangling by now)
  sort -u "$ids" | xargs -r docker_cli image rm -f >/dev/null 2>&1 || true
}
on_exit remove_images
for engine in ${HOIST_SOAK_ENGINES:-api bk}; do
  if [ "$engine" = bk ] && ! docker_cli buildx version >/dev/null 2>&1 && \
     [ "$(docker_cli version --format '{{.Server.APIVersion}}')" \< 1.39 ]; then
    note "no BuildKit on this daemon; native BuildKit soak skipped"; continue
  fi
  mkdir -p "$tmp/$engine"
  start=$(date +%s)
  set +e
  "$stress" loop "$builds" --engine "$engine" "$tmp/$engine" "$tag" >"$tmp/$engine.out" 2>"$tmp/$engine.err"
  rc=$?
  set -e
  grep '^image ' "$tmp/$engine.out" | awk '{print $2}' >>"$ids"
  note "$engine: $(grep '^measure' "$tmp/$engine.out" | tr '\n' ' ') in $(( $(date +%s) - start )) s"
  [ "$rc" = 0 ] || fail "$engine soak failed (exit $rc): $(cat "$tmp/$engine.err")"
  assert_eq "$builds" "$(grep -c '^image ' "$tmp/$engine.out")" "$engine builds done"
  assert_eq "$builds" "$(grep '^image ' "$tmp/$engine.out" | sort -u | wc -l | tr -d ' ')" "$engine distinct images"
done
