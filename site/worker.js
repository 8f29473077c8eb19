// Web Worker that runs t-SNE off the page's main thread (wasm/worker).
// The build fills in the hashed names of wasm_exec.js and the worker wasm.
//
// The page creates it as it starts: the worker then makes a throwaway WebGL
// context, off the page's thread, so that the page's own first context (the
// Ebiten canvas) is quick where graphics are software-rendered; and it loads
// its wasm once the page asks with {type: 'load'} (after the first frame;
// any other message asks too). Once its Go program runs it posts
// {type: 'loaded'}, and {type: 'error', message} (without a run) when it
// could not load.
'use strict';

importScripts('{{wasm_exec.js}}');

// Messages that arrive before Go has installed its own handler wait here.
const early = [];
let askToLoad;
const asked = new Promise((resolve) => { askToLoad = resolve; });
self.onmessage = (e) => {
  if (!(e.data && e.data.type === 'load')) early.push(e);
  askToLoad();
};

try {
  new OffscreenCanvas(1, 1).getContext('webgl2');
} catch (_) { /* no WebGL in workers: nothing to warm */ }
self.postMessage({ type: 'gl-warmed' });

// inflated returns a fetched body inflated when it starts with the gzip magic
// (a host may serve the .gz with Content-Encoding: gzip, inflated already).
async function inflated(res) {
  const reader = res.body.getReader();
  const head = [];
  let size = 0;
  while (size < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    size += value.byteLength;
  }
  const byteAt = (i) => {
    for (const c of head) { if (i < c.length) return c[i]; i -= c.length; }
    return -1;
  };
  const body = new ReadableStream({
    start(ctl) { for (const c of head) ctl.enqueue(c); },
    async pull(ctl) {
      const { done, value } = await reader.read();
      if (done) ctl.close(); else ctl.enqueue(value);
    },
    cancel(reason) { return reader.cancel(reason); },
  });
  return byteAt(0) === 0x1f && byteAt(1) === 0x8b ? body.pipeThrough(new DecompressionStream('gzip')) : body;
}

async function fetchOK(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`worker wasm: HTTP ${res.status}`);
  return res;
}

// instantiate compiles the worker's wasm while it arrives where the browser
// can, else after the download.
async function instantiate(go) {
  if (typeof DecompressionStream === 'function' && typeof WebAssembly.instantiateStreaming === 'function') {
    const body = await inflated(await fetchOK('{{worker.wasm.gz}}'));
    try {
      const wasm = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
      return (await WebAssembly.instantiateStreaming(wasm, go.importObject)).instance;
    } catch (err) {
      if (err instanceof WebAssembly.CompileError || err instanceof WebAssembly.LinkError) throw err;
    }
  }
  let bytes;
  if (typeof DecompressionStream === 'function') {
    bytes = new Uint8Array(await new Response(await inflated(await fetchOK('{{worker.wasm.gz}}'))).arrayBuffer());
  } else {
    bytes = new Uint8Array(await (await fetchOK('{{worker.wasm}}')).arrayBuffer());
  }
  return (await WebAssembly.instantiate(bytes, go.importObject)).instance;
}

(async () => {
  await asked;
  const go = new Go();
  const instance = await instantiate(go);
  go.run(instance); // runs until Go waits for its first message, having set self.onmessage
  self.postMessage({ type: 'loaded' });
  for (const e of early) self.onmessage(e);
})().catch((err) => self.postMessage({ type: 'error', message: String(err && err.message ? err.message : err) }));
