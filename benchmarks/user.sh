#!/usr/bin/env bash
# User-probe figures (issue 5), printed as a table. Needs root, cc, go.
#
#   benchmarks/user.sh [REPS]
#
# attach100   sonde --dry-run with uprobe:BIN:fn_* (100 functions) and with
#             uprobe:BIN:fn_000 (1 function): ms from start to "Attached"
#             (resolve, compile, load, attach) and to exit (detach included),
#             median of REPS
# uprobe      ns added per call of uprobe:utarget:bench_target { @ = count(); }
#             for the floor program of /work/shared/bench and for sonde
#             (median of REPS; 200,000 calls a run)
# ustack10k   go test -bench UstackMap10k: printing a 10,000-entry
#             @[ustack] = count() map (symbolization and formatting)
set -euo pipefail
REPS=${1:-5}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH=${BENCH:-/work/shared/bench}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export PATH=$PATH:/usr/local/go/bin
(cd "$ROOT" && go build -o "$TMP/sonde" ./cmd/sonde)
SONDE=$TMP/sonde

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# --- attach 100 functions by wildcard ---------------------------------------
{
	for i in $(seq 0 99); do printf "__attribute__((noinline)) int fn_%03d(int x) { return x + %d; }\n" "$i" "$i"; done
	echo 'int main(void) { return 0; }'
} >"$TMP/many.c"
cc -O1 -o "$TMP/many" "$TMP/many.c"
# attached_ms PROGRAM -> "ms-to-Attached ms-to-exit"
attached_ms() {
	local t0 t1 line
	t0=$(date +%s%N)
	"$SONDE" --dry-run -e "$1" 2>&1 >/dev/null | while read -r line; do
		case $line in Attached*) echo $((($(date +%s%N) - t0) / 1000000)) ;; esac
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
for r in $(seq "$REPS"); do attached_ms "uprobe:$TMP/many:fn_000 { @ = count(); }" | paste -sd' '; done >"$TMP/one"
for r in $(seq "$REPS"); do attached_ms "uprobe:$TMP/many:fn_* { @ = count(); }" | paste -sd' '; done >"$TMP/hundred"
one=$(cut -d' ' -f1 "$TMP/one" | median)
one_exit=$(cut -d' ' -f2 "$TMP/one" | median)
hundred=$(cut -d' ' -f1 "$TMP/hundred" | median)
hundred_exit=$(cut -d' ' -f2 "$TMP/hundred" | median)
n=$("$SONDE" -l "uprobe:$TMP/many:fn_*" | wc -l)

# --- per-call uprobe cost ----------------------------------------------------
(cd "$BENCH" && { [ floor/floor -nt floor/main.go ] || go build -o floor/floor ./floor; } && make -s -C utarget)
UT=$BENCH/utarget/utarget
N=200000
per_call() { # command... -> added ns per call (traced - untraced)
	local lf=$TMP/load base traced
	: >"$lf"; "$UT" -n $N -o "$lf"; base=$(awk -F'\t' 'END{print $NF}' "$lf")
	: >"$lf"; "$@" -c "$UT -n $N -o $lf" >/dev/null 2>&1 || true
	traced=$(awk -F'\t' 'END{print $NF}' "$lf")
	awk -v a="$traced" -v b="$base" 'BEGIN{printf "%.0f\n", a-b}'
}
floor=$(for r in $(seq "$REPS"); do per_call "$BENCH/floor/floor" -prog count -attach uprobe -uprobe "$UT:bench_target"; done | median)
sonde=$(for r in $(seq "$REPS"); do per_call "$SONDE" -q -e "uprobe:$UT:bench_target { @ = count(); }"; done | median)

# --- 10,000-entry ustack map --------------------------------------------------
ustack=$(cd "$ROOT" && go test -run '^$' -bench 'UstackMap10k$' -benchtime 10x ./cmd/sonde/ | awk '/^BenchmarkUstackMap10k/ {printf "%.1f", $3/1e6}')

printf 'figure\tvalue\tunit\n'
printf 'attach_1_uprobe\t%s\tms\n' "$one"
printf 'attach_%s_uprobes_wildcard\t%s\tms\n' "$n" "$hundred"
printf 'run_with_detach_1_uprobe\t%s\tms\n' "$one_exit"
printf 'run_with_detach_%s_uprobes\t%s\tms\n' "$n" "$hundred_exit"
printf 'uprobe_added_floor\t%s\tns/call\n' "$floor"
printf 'uprobe_added_sonde\t%s\tns/call\n' "$sonde"
printf 'uprobe_sonde/floor\t%s\t\n' "$(awk -v a="$sonde" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
printf 'ustack_map_10k_print\t%s\tms\n' "$ustack"
