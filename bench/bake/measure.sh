#!/usr/bin/env bash
# bench/bake/measure.sh [HOIST] [OUT] - measure per-target build durations
# for the bake simulation (bench/bake/sim.py) with a real `hoist bake`.
#
# Six targets shaped like tests/integration/test_bake.sh (base -> left,
# right -> left2, right2 -> final), each compiling generated C with gcc -O2
# in hoist-test/gcc:12 (CPU-bound, one core each), built --no-cache with
# --jobs 1 on the private engine so that every duration is a target alone
# on the machine. Also times moving an image between engines
# (docker save + docker load of the final image, the cost of a dependency
# crossing builders), and the makespan with --jobs 2 on the same builder
# (what sim.py --validate predicts). Writes OUT (default bench/bake/durations.json).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HOIST=${1:-$here/../../build/hoist}
OUT=${2:-$here/durations.json}
: "${DOCKER_HOST:?eval \"\$(scripts/engine env)\" first}"
tmp=$(mktemp -d)
id=benchbake$$
trap 'docker images --format "{{.Repository}}:{{.Tag}}" | grep "^$id-" | xargs -r docker rmi -f >/dev/null 2>&1; rm -rf "$tmp"' EXIT
cd "$tmp"
gen() { # DIR FUNCTIONS
  mkdir -p "$1"
  python3 - "$1" "$2" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(f"{d}/gen.c", "w") as f:
    for i in range(n):
        f.write(f"double f{i}(double x){{double s=0;for(int k=0;k<{i%7+3};k++)s+=x*k/(x+{i+1});"
                f"return s*{i%5+1}.5;}}\n")
    f.write("int main(void){double t=0;\n")
    for i in range(n):
        f.write(f"t+=f{i}({i}.0);\n")
    f.write('return t>0?0:1;}\n')
PY
}
for t in base:400 left:700 right:1100 left2:300 right2:500 final:200; do gen "${t%%:*}" "${t##*:}"; done
printf 'FROM hoist-test/gcc:12\nCOPY gen.c /src/base.c\nRUN gcc -O2 -o /usr/local/bin/base /src/base.c\n' > base/Dockerfile
for t in left right; do printf 'ARG BASE\nFROM ${BASE}\nCOPY gen.c /src/%s.c\nRUN gcc -O2 -o /usr/local/bin/%s /src/%s.c\n' $t $t $t > $t/Dockerfile; done
for t in left2 right2; do printf 'ARG UP\nFROM ${UP}\nCOPY gen.c /src/%s.c\nRUN gcc -O2 -o /usr/local/bin/%s /src/%s.c\n' $t $t $t > $t/Dockerfile; done
printf 'ARG L\nARG R\nFROM ${R} AS r\nFROM ${L}\nCOPY --from=r /usr/local/bin/ /usr/local/bin/\nCOPY gen.c /src/final.c\nRUN gcc -O2 -o /usr/local/bin/final /src/final.c\n' > final/Dockerfile
cat > docker-bake.json <<JSON
{"target": {
  "base": {"context": "base", "tags": ["$id-base:1"], "network": "none"},
  "left": {"context": "left", "contexts": {"BASE": "target:base"}, "tags": ["$id-left:1"], "network": "none"},
  "right": {"context": "right", "contexts": {"BASE": "target:base"}, "tags": ["$id-right:1"], "network": "none"},
  "left2": {"context": "left2", "contexts": {"UP": "target:left"}, "tags": ["$id-left2:1"], "network": "none"},
  "right2": {"context": "right2", "contexts": {"UP": "target:right"}, "tags": ["$id-right2:1"], "network": "none"},
  "final": {"context": "final", "contexts": {"L": "target:left2", "R": "target:right2"}, "tags": ["$id-final:1"], "network": "none"}
}}
JSON
# twice each, interleaved: the machine is shared, the fastest run is kept
for round in 1 2; do
  "$HOIST" bake --jobs 1 --no-cache --progress json > bake-$round.jsonl
  # the same on the same builder with two builds at once: checks sim.py --validate
  "$HOIST" bake --jobs 2 --no-cache --progress json > bake2-$round.jsonl
done
start=$(date +%s.%N)
docker save "$id-final:1" > img.tar
saved=$(date +%s.%N)
docker rmi "$id-final:1" >/dev/null && docker load -i img.tar >/dev/null
loaded=$(date +%s.%N)
python3 - "$OUT" bake "$start" "$saved" "$loaded" "$(stat -c %s img.tar)" "$(docker version -f '{{.Server.Version}}')" "$(nproc)" <<'PY'
import json, sys, datetime
out, jl, start, saved, loaded, size, version, ncpu = sys.argv[1:]
def summary_of(path):
    return [json.loads(l) for l in open(path) if '"bake-summary"' in l][0]
runs = [summary_of(f"{jl}-{r}.jsonl") for r in (1, 2)]
runs2 = [summary_of(f"{jl}2-{r}.jsonl") for r in (1, 2)]
summary = min(runs, key=lambda s: s["seconds"])
summary2 = min(runs2, key=lambda s: s["seconds"])
best = {r["target"]: min(x["seconds"] for s in runs for x in s["targets"] if x["target"] == r["target"])
        for r in summary["targets"]}
deps = {"base": [], "left": ["base"], "right": ["base"], "left2": ["left"], "right2": ["right"],
        "final": ["left2", "right2"]}
data = {
    "what": "hoist bake --jobs 1 --no-cache of bench/bake/measure.sh's six gcc targets on one engine "
            "(each target's fastest of two runs; makespans: the faster of two runs)",
    "runs_seconds": [round(s["seconds"], 2) for s in runs],
    "runs_jobs2_seconds": [round(s["seconds"], 2) for s in runs2],
    "date": datetime.date.today().isoformat(),
    "engine": version, "cpus": int(ncpu),
    "makespan_seconds": round(summary["seconds"], 2),
    "makespan_jobs2_seconds": round(summary2["seconds"], 2),
    "targets": [{"name": r["target"], "deps": deps[r["target"]], "seconds": round(best[r["target"]], 2),
                 "steps": r["steps"], "cached": r["cached"]} for r in summary["targets"]],
    "move": {"image_bytes": int(size), "save_seconds": round(float(saved) - float(start), 2),
             "load_seconds": round(float(loaded) - float(saved), 2)},
}
json.dump(data, open(out, "w"), indent=1)
print(json.dumps(data, indent=1))
PY
