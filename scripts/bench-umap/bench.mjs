// bench.mjs runs npm umap-js on one data set and prints one JSON line:
// seconds for the fit's preparation (kNN by RP trees + NN-descent, fuzzy
// graph) and for the epochs, the total, and the layout's recall@10 against
// the exact input neighbours that reduce's Go benchmarks cached.
//
//   node bench.mjs KEY VECTORS.f32 N D CACHE_DIR [EPOCHS]
//
// VECTORS.f32 is N×D little-endian float32. CACHE_DIR must hold
// queries_KEY_Q.i32 and exact10_KEY_Q.i32 (written by BenchmarkUMAP*).
// EPOCHS defaults to umap-js's own choice by N (200 from 7,501 points).
import fs from 'node:fs';
import path from 'node:path';
import { UMAP } from 'umap-js';

const [key, file, ns, ds, cache, epochsArg] = process.argv.slice(2);
const n = Number(ns), d = Number(ds);

// mulberry32: a seeded generator, so that runs are repeatable.
function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readI32(p) {
  const b = fs.readFileSync(p);
  return new Int32Array(b.buffer, b.byteOffset, b.length / 4);
}

const raw = fs.readFileSync(file);
const f32 = new Float32Array(raw.buffer, raw.byteOffset, n * d);
const data = [];
for (let i = 0; i < n; i++) data.push(Array.from(f32.subarray(i * d, (i + 1) * d)));

const qfile = fs.readdirSync(cache).find((f) => f.startsWith(`queries_${key}_`));
if (!qfile) throw new Error(`no queries_${key}_*.i32 in ${cache}: run the Go benchmark first`);
const nq = Number(qfile.slice(`queries_${key}_`.length, -4));
const queries = readI32(path.join(cache, qfile));
const exact = readI32(path.join(cache, `exact10_${key}_${nq}.i32`));

const opts = { nComponents: 2, nNeighbors: 15, minDist: 0.1, spread: 1, random: mulberry32(1) };
if (epochsArg) opts.nEpochs = Number(epochsArg);
const umap = new UMAP(opts);
const t0 = performance.now();
const epochs = umap.initializeFit(data);
const t1 = performance.now();
for (let e = 0; e < epochs; e++) umap.step();
const t2 = performance.now();
const emb = umap.getEmbedding();

// recall@10: share of each query's 10 exact input neighbours among its 10
// nearest in the layout.
let hit = 0;
for (let qi = 0; qi < queries.length; qi++) {
  const q = queries[qi], bd = [], bi = [];
  const [qx, qy] = emb[q];
  for (let j = 0; j < n; j++) {
    if (j === q) continue;
    const dx = qx - emb[j][0], dy = qy - emb[j][1], dv = dx * dx + dy * dy;
    if (bd.length === 10 && dv >= bd[9]) continue;
    let p = bd.length < 10 ? bd.length : 9;
    if (bd.length < 10) { bd.push(0); bi.push(0); }
    while (p > 0 && bd[p - 1] > dv) { bd[p] = bd[p - 1]; bi[p] = bi[p - 1]; p--; }
    bd[p] = dv; bi[p] = j;
  }
  for (let t = 0; t < 10; t++) if (bi.includes(exact[qi * 10 + t])) hit++;
}
console.log(JSON.stringify({
  impl: 'umap-js 1.4.0', key, n, d, epochs,
  prep_s: +((t1 - t0) / 1000).toFixed(3), sgd_s: +((t2 - t1) / 1000).toFixed(3),
  total_s: +((t2 - t0) / 1000).toFixed(3), recall10: +(hit / (10 * queries.length)).toFixed(4),
}));
