// Web Worker that runs t-SNE off the page's main thread (wasm/worker).
// The build fills in the hashed names of wasm_exec.js and the worker wasm.
'use strict';

importScripts('{{wasm_exec.js}}');

// Messages that arrive before Go has installed its own handler wait here.
const early = [];
self.onmessage = (e) => early.push(e);

(async () => {
  let bytes;
  if (typeof DecompressionStream === 'function') {
    const res = await fetch('{{worker.wasm.gz}}');
    if (!res.ok) throw new Error(`worker wasm: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
  } else {
    const res = await fetch('{{worker.wasm}}');
    if (!res.ok) throw new Error(`worker wasm: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  go.run(instance); // runs until Go waits for its first message, having set self.onmessage
  for (const e of early) self.onmessage(e);
})().catch((err) => self.postMessage({ type: 'error', message: String(err && err.message ? err.message : err) }));
