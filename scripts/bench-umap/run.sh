#!/usr/bin/env bash
# run.sh: reduce's UMAP against npm umap-js 1.4.0 in one session, one run at a
# time (never in parallel), on digits 1797×64, GloVe 10k×100 and MNIST 10k×784:
# seconds and layout recall@10 (exact input neighbours, euclidean, the same
# 2,000 queries for both). Ours natively and as js/wasm under Node; umap-js
# under the same Node. Prints the CPU and the load average before each run.
#
#   scripts/bench-umap/run.sh [SETS...]     # default: digits glove10k mnist10k
#
# Needs npm (installs umap-js here on first use), Node, Go, and the data of
# reduce's benchmarks (testdata/shared/bench; scripts/benchdata.sh for MNIST).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache="$root/.cache/bench"
bench="$root/testdata/shared/bench"
export PATH="$PATH:$(go env GOROOT)/lib/wasm"
[ -d "$here/node_modules/umap-js" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
[ -s "$cache/mnist10k_10000x784.f32.bin" ] || "$root/scripts/benchdata.sh" >/dev/null

grep -m1 'model name' /proc/cpuinfo
echo "go $(go env GOVERSION), node $(node --version), $(nproc) cores"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/reduce" && go test -c -o "$tmp/native.test" . && GOOS=js GOARCH=wasm go test -c -o "$tmp/wasm.test" .)

load() { cut -d' ' -f1-3 /proc/loadavg; }
ours() { # ours WHERE BENCH
	echo "# load $(load)"
	if [ "$1" = native ]; then
		(cd "$root/reduce" && "$tmp/native.test" -test.run '^$' -test.bench "^$2\$" -test.benchtime 1x -test.timeout 0 | grep '^Bench' | sed 's/^/native  /')
	else
		(cd "$root/reduce" && go_js_wasm_exec "$tmp/wasm.test" -test.run '^$' -test.bench "^$2\$" -test.benchtime 1x -test.timeout 0 | grep '^Bench' | sed 's/^/js\/wasm /')
	fi
}
theirs() { # theirs KEY FILE N D [EPOCHS]
	echo "# load $(load)"
	(cd "$here" && node bench.mjs "$1" "$2" "$3" "$4" "$cache" ${5:-})
}

for set in "${@:-digits glove10k mnist10k}"; do
	for s in $set; do
		case $s in
		digits)
			ours native BenchmarkUMAPDigits # also caches the exact neighbours and queries
			ours js BenchmarkUMAPDigits
			theirs digits "$bench/digits_1797x64.f32.bin" 1797 64 ;;
		glove10k)
			ours native BenchmarkUMAPGloVe10k
			ours js BenchmarkUMAPGloVe10k
			theirs glove10k "$bench/glove100_10000x100.f32.bin" 10000 100
			ours js BenchmarkUMAPGloVe10kEpochs200
			theirs glove10k "$bench/glove100_10000x100.f32.bin" 10000 100 500 ;;
		mnist10k)
			ours native BenchmarkUMAPMNIST10k
			ours js BenchmarkUMAPMNIST10k
			theirs mnist10k "$cache/mnist10k_10000x784.f32.bin" 10000 784
			ours js BenchmarkUMAPMNIST10kEpochs200 ;;
		*) echo "unknown set $s (digits, glove10k, mnist10k)" >&2; exit 2 ;;
		esac
	done
done
