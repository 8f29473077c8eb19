// Loader for the projector: downloads the Go/WebAssembly program with a real
// progress bar, starts it, hands it the files the user picks or drops, and
// registers the service worker that makes the page work offline.
//
// Contract with the Go side (wasm/):
//   Go defines globalThis.projectorOpen(names: string[], data: Uint8Array[])
//   and calls globalThis.projectorReady() once it can take files; it also
//   defines projectorPointer, projectorWheel, projectorKey and projectorPanels,
//   which the navigation input section below feeds.
//   Go owns #status after it starts; before that this file keeps it current.
'use strict';

(() => {
  mark('app-start');
  const script = document.currentScript;
  const cfg = script.dataset;
  const statusEl = document.getElementById('status');
  const loading = document.getElementById('loading');
  const bar = document.getElementById('load-bar');
  const loadText = document.getElementById('load-text');

  // ---- theme: light or dark, following the system unless the user chose --------
  // html[data-theme] is set before Go starts, which reads it for its first
  // frame; later changes go to Go as projectorControl('theme', …).
  const THEME_KEY = 'projector-theme';
  const systemLight = window.matchMedia('(prefers-color-scheme: light)');
  let themeChoice = 'auto';
  try { themeChoice = localStorage.getItem(THEME_KEY) || 'auto'; } catch (_) { /* storage disabled */ }
  function applyTheme() {
    const theme = themeChoice === 'auto' ? (systemLight.matches ? 'light' : 'dark') : themeChoice;
    document.documentElement.dataset.theme = theme;
    const b = document.getElementById('theme-toggle');
    if (b) {
      b.textContent = { auto: 'Theme: auto', light: 'Theme: light', dark: 'Theme: dark' }[themeChoice];
      b.title = 'Colours: ' + themeChoice + (themeChoice === 'auto' ? ' (following the system, now ' + theme + ')' : '') + '. Click to change.';
    }
    if (typeof globalThis.projectorControl === 'function') globalThis.projectorControl('theme', theme);
  }
  applyTheme();
  systemLight.addEventListener('change', applyTheme);
  document.getElementById('theme-toggle').addEventListener('click', () => {
    themeChoice = { auto: 'light', light: 'dark', dark: 'auto' }[themeChoice] || 'auto';
    try { localStorage.setItem(THEME_KEY, themeChoice); } catch (_) { /* storage disabled */ }
    applyTheme();
  });

  // ---- help: every gesture and key ---------------------------------------------
  const help = document.getElementById('help');
  const openHelp = () => { if (!help.open) help.showModal(); };
  document.getElementById('help-button').addEventListener('click', openHelp);
  document.getElementById('help-close').addEventListener('click', () => help.close());
  window.addEventListener('keydown', (e) => {
    const t = e.target;
    const typing = t && (t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' ||
      (t.tagName === 'INPUT' && !['radio', 'checkbox', 'button'].includes(t.type)));
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') { e.preventDefault(); if (help.open) help.close(); else openHelp(); }
    if (e.key === '/' && !help.open) { e.preventDefault(); document.getElementById('search').focus(); }
  }, true);

  // ---- status before Go runs -------------------------------------------------
  let goStarted = false;
  function preStatus(phase, sentence, diagnostics) {
    if (goStarted) return;
    statusEl.textContent = sentence;
    statusEl.dataset.state = JSON.stringify({
      phase, points: 0, dims: 0, method: '', iteration: 0, diagnostics: diagnostics || [],
    });
    statusEl.classList.toggle('error', phase === 'error');
  }

  function fail(message) {
    loading.classList.add('failed');
    loadText.textContent = message;
    preStatus('error', message, [{ severity: 'error', code: 'startup', message }]);
  }

  // ---- graphics context loss ---------------------------------------------------
  // Ebiten reloads the page when the WebGL context is lost; the user's files
  // are gone then (nothing is stored anywhere). Remember only that it
  // happened and the file names, and say so after the reload.
  let lastNames = [];
  const LOST_KEY = 'projector-context-lost';
  window.addEventListener('webglcontextlost', () => {
    try { sessionStorage.setItem(LOST_KEY, JSON.stringify(lastNames)); } catch (_) { /* storage disabled */ }
  }, true);
  function noticeAfterContextLoss() {
    let names = null;
    try {
      names = JSON.parse(sessionStorage.getItem(LOST_KEY) || 'null');
      sessionStorage.removeItem(LOST_KEY);
    } catch (_) { return; }
    if (!names) return;
    const notice = document.getElementById('notice');
    document.getElementById('notice-text').textContent = 'The graphics card reset, so the page reloaded. ' +
      (names.length ? `Your files (${names.join(', ')}) were not kept anywhere: open them again.` : 'Open your files again if you had any.');
    document.getElementById('notice-close').onclick = () => { notice.hidden = true; };
    notice.hidden = false;
  }

  // ---- files: picker and drop ------------------------------------------------
  // Files chosen before Go is ready wait here.
  let pending = [];
  let ready = false;

  // TensorBoard bookmarks files chosen or dropped (without a config, which
  // names its own) are listed rather than opened as data: a .json, .txt or
  // TensorBoard's download name "state" whose start is a list of its states.
  // They go to Go after the data of the same drop, which empty the list.
  const pendingBookmarks = [];
  const sendBookmarks = (name, text) => {
    if (ready) globalThis.projectorBookmarks(name, text);
    else pendingBookmarks.push([name, text]);
  };
  async function isBookmarks(e) {
    if (!/(\.json|\.txt|(^|\/)state)$/i.test(e.name)) return false;
    const head = await e.file.slice(0, 4096).text();
    return /^\s*\[\s*\{/.test(head) && /"(tSNEIteration|selectedProjection|dataSetDimensions|pcaComponentDimensions)"/.test(head);
  }
  async function route(entries) {
    const config = entries.some((e) => /(^|\/)projector_config\.(json|pbtxt)$/i.test(e.name));
    const marks = [];
    const rest = [];
    for (const e of entries) {
      if (!config && await isBookmarks(e).catch(() => false)) marks.push(e);
      else rest.push(e);
    }
    if (rest.length || !marks.length) deliver(rest);
    for (const e of marks) sendBookmarks(e.name, await e.file.text());
  }
  const bookmarksInput = document.getElementById('bookmarks-input');
  bookmarksInput.addEventListener('change', async () => {
    const f = bookmarksInput.files && bookmarksInput.files[0];
    bookmarksInput.value = ''; // the same file again must fire change again
    if (f) sendBookmarks(f.name, await f.text());
  });

  function deliver(entries) {
    // entries: [{name, file}]. Go reads the files itself, piece by piece, so
    // a large file is never copied whole into JavaScript memory.
    const names = entries.map((e) => e.name);
    const files = entries.map((e) => e.file);
    if (names.length) lastNames = names;
    if (!ready) {
      pending.push([names, files]);
      preStatus('loading', 'Your files will open as soon as the projector has started…');
      return;
    }
    globalThis.projectorOpen(names, files);
  }

  // The t-SNE worker (wasm/worker, site/worker.js) is created as the page
  // starts (createWorker): it makes a throwaway WebGL context off this
  // thread, which makes Ebiten's first context quick on software-rendered
  // graphics. Go asks it to load its wasm right after the first frame
  // (projectorStartWorker; loading it earlier slows the first frame on a
  // 2-core machine), and the page does not say it is ready before the
  // worker has loaded: what it fetches comes before any file chosen at
  // ready, and nothing is requested after. Go reuses it for every run
  // through projectorWorker(). projectorWorkerState tells Go how far it is:
  // 'loading' until the worker posts {type: 'loaded'} (its wasm runs), then
  // 'loaded'; 'failed' when it could not start, 'none' when the browser has
  // no Workers. Go does not report the phase ready while it is 'loading'
  // (wasm/remote.go holdReady).
  let tsneWorker;
  globalThis.projectorWorkerState = 'loading';
  const workerSettled = (state) => {
    if (globalThis.projectorWorkerState === 'loading') globalThis.projectorWorkerState = state;
    mark('worker-' + state);
  };
  globalThis.projectorWorker = () => {
    if (tsneWorker === undefined) {
      try {
        tsneWorker = new Worker(cfg.worker);
        tsneWorker.addEventListener('message', (e) => {
          const type = e.data && e.data.type;
          if (type === 'gl-warmed') mark('worker-gl-warmed');
          else if (type === 'loaded') workerSettled('loaded');
          else if (type === 'error' && e.data.run === undefined) workerSettled('failed');
        });
        tsneWorker.addEventListener('error', () => workerSettled('failed'));
      } catch (err) {
        tsneWorker = null;
        workerSettled('none');
        console.warn('no t-SNE worker; t-SNE will run on the page thread:', err);
      }
    }
    return tsneWorker;
  };
  function createWorker() {
    if (typeof Worker !== 'function') workerSettled('none');
    else globalThis.projectorWorker();
  }
  let startAsked = false;
  globalThis.projectorStartWorker = () => {
    createWorker();
    if (!tsneWorker || startAsked) return;
    startAsked = true;
    tsneWorker.postMessage({ type: 'load' });
    // A worker that never says it loaded must not keep the page from ready.
    setTimeout(() => {
      if (globalThis.projectorWorkerState !== 'loading') return;
      console.warn('the t-SNE worker has not loaded after 60 s; the page goes on without waiting for it');
      workerSettled('failed');
    }, 60000);
  };

  globalThis.projectorReady = () => {
    ready = true;
    goStarted = true;
    const queued = pending;
    pending = [];
    for (const [names, data] of queued) globalThis.projectorOpen(names, data);
    for (const [name, text] of pendingBookmarks.splice(0)) globalThis.projectorBookmarks(name, text);
    panelsChanged();
  };

  // Fix buttons and the embedding choice: Go fills them, clicks go back as
  // projectorFix(action), which re-reads the same files with the fix applied.
  document.getElementById('fixes').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action], button[data-control]');
    if (!b || !ready) return;
    if (b.dataset.action) globalThis.projectorFix(b.dataset.action);
    else globalThis.projectorControl(b.dataset.control, b.dataset.value || '');
  });
  // A raw tensor without a shape: the user gives the dimensions per point.
  document.getElementById('shape-ask').addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Number(document.getElementById('shape-dims').value);
    if (ready && Number.isInteger(d) && d > 0) globalThis.projectorFix('shape=0,' + d);
  });
  document.querySelector('#embedding select').addEventListener('change', (e) => {
    if (ready) globalThis.projectorFix('embedding=' + e.target.value);
  });

  // Projection controls: every element with data-control sends its value
  // (selects and number fields on change, buttons on click).
  const controls = document.getElementById('controls');
  controls.addEventListener('change', (e) => {
    const el = e.target.closest('[data-control]');
    if (el && el.tagName !== 'BUTTON' && ready) {
      globalThis.projectorControl(el.dataset.control, el.type === 'checkbox' ? String(el.checked) : el.value);
    }
  });
  controls.addEventListener('click', (e) => {
    const el = e.target.closest('button[data-control]');
    if (el && ready) globalThis.projectorControl(el.dataset.control, '');
  });

  // ---- navigation input -------------------------------------------------------
  // The canvas's pointer, wheel and key events go to Go as queued events
  // (projectorPointer/Wheel/Key, see wasm/dom.go): Ebiten's per-tick input
  // state loses a press and a move within one tick, keys held less than a
  // tick, and the wheel's deltaMode. Positions are CSS pixels from the
  // canvas's top-left corner. Ebiten's canvas is the page's only canvas.
  const isCanvas = (el) => el instanceof HTMLCanvasElement;
  const inField = (el) => el instanceof Element && el.closest('input, select, textarea, [contenteditable]') !== null;
  let overCanvas = false;
  function sendPointer(kind, e) {
    const c = document.querySelector('canvas');
    const r = c ? c.getBoundingClientRect() : { left: 0, top: 0 };
    globalThis.projectorPointer(kind, e.pointerId, e.clientX - r.left, e.clientY - r.top,
      e.button, e.buttons, e.shiftKey, e.pointerType !== 'mouse', e.ctrlKey || e.metaKey, e.altKey);
  }
  window.addEventListener('pointerdown', (e) => {
    if (!ready || !isCanvas(e.target)) return;
    // Keep the pointer's events while it drags over panels or out of the window.
    try { e.target.setPointerCapture(e.pointerId); } catch (_) { /* not capturable: fine */ }
    sendPointer(0, e);
  });
  window.addEventListener('pointermove', (e) => {
    if (!ready) return;
    if (isCanvas(e.target)) {
      overCanvas = true;
      sendPointer(1, e);
    } else if (overCanvas && e.pointerType === 'mouse') { // over a panel now: no hover
      overCanvas = false;
      sendPointer(3, e);
    }
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    window.addEventListener(type, (e) => { if (ready) sendPointer(2, e); }, true);
  }
  window.addEventListener('pointerleave', (e) => {
    if (ready && isCanvas(e.target) && e.pointerType === 'mouse') { overCanvas = false; sendPointer(3, e); }
  }, true);
  window.addEventListener('wheel', (e) => {
    if (!isCanvas(e.target)) return;
    e.preventDefault(); // no page scroll, and ctrl+wheel (a trackpad pinch) must not zoom the page
    if (!ready) return;
    const r = e.target.getBoundingClientRect();
    globalThis.projectorWheel(e.clientX - r.left, e.clientY - r.top, e.deltaY, e.deltaMode, e.ctrlKey, r.height);
  }, { passive: false });
  // Every keydown outside form fields goes to Go (which acts on the ones it
  // knows); the navigation keys do nothing else.
  const navKeys = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', '+', '=', '-', '_', '0', 'Home']);
  window.addEventListener('keydown', (e) => {
    if (!ready || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || inField(e.target)) return;
    globalThis.projectorKey(e.key, e.shiftKey);
    if (navKeys.has(e.key)) e.preventDefault();
  });

  // Panels over the canvas: every element marked data-occludes (its value may
  // name the edge it covers). Go measures them when one changes size, is
  // added or removed, or the window resizes, and fits the data in what they
  // leave free.
  function panelsChanged() { if (ready) globalThis.projectorPanels(); }
  const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(panelsChanged) : null;
  const watched = new WeakSet();
  function watchPanels() {
    for (const el of document.querySelectorAll('[data-occludes]')) {
      if (!watched.has(el)) { watched.add(el); if (resized) resized.observe(el, { box: 'border-box' }); }
    }
  }
  watchPanels();
  new MutationObserver((records) => {
    const touchesPanels = records.some((r) => [...r.addedNodes, ...r.removedNodes].some((n) => n instanceof Element &&
      (n.matches('[data-occludes]') || n.querySelector('[data-occludes]'))));
    if (touchesPanels) { watchPanels(); panelsChanged(); }
  }).observe(document.body, { childList: true, subtree: true });
  window.addEventListener('resize', panelsChanged);

  // On narrow screens the controls fold away behind a toggle in the toolbar.
  const controlsToggle = document.getElementById('controls-toggle');
  if (controlsToggle) {
    controlsToggle.addEventListener('click', () => {
      const open = !controls.classList.toggle('collapsed');
      controlsToggle.setAttribute('aria-expanded', String(open));
    });
  }

  const input = document.getElementById('file-input');
  input.addEventListener('change', () => {
    const entries = Array.from(input.files || [], (f) => ({ name: f.webkitRelativePath || f.name, file: f }));
    input.value = ''; // choosing the same file again must fire change again
    route(entries);
  });

  // Read a dropped directory tree into [{name, file}] with paths relative to the drop.
  function readEntry(entry, prefix, out) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((f) => { out.push({ name: prefix + f.name, file: f }); resolve(); }, () => resolve());
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const all = [];
        const next = () => reader.readEntries(async (batch) => {
          if (batch.length === 0) {
            for (const e of all) await readEntry(e, prefix + entry.name + '/', out);
            resolve();
            return;
          }
          all.push(...batch);
          next();
        }, () => resolve());
        next();
      } else {
        resolve();
      }
    });
  }

  async function filesFromDrop(dt) {
    const out = [];
    if (!dt) return out;
    const items = Array.from(dt.items || []);
    // Entries must be taken synchronously, before the first await.
    const entries = items.map((it) => (it.kind === 'file' && it.webkitGetAsEntry ? it.webkitGetAsEntry() : null));
    const plain = items.map((it) => (it.kind === 'file' ? it.getAsFile() : null));
    for (let i = 0; i < items.length; i++) {
      if (entries[i]) await readEntry(entries[i], '', out);
      else if (plain[i]) out.push({ name: plain[i].name, file: plain[i] });
    }
    if (items.length === 0) {
      for (const f of Array.from(dt.files || [])) out.push({ name: f.name, file: f });
    }
    return out;
  }

  // Our own capture-phase handlers: Ebiten's drop handler kills the Go program
  // when a drop has no file-system entry, so it must never see the event.
  const stop = (e) => { e.preventDefault(); e.stopImmediatePropagation(); };
  let dragDepth = 0;
  window.addEventListener('dragenter', (e) => { stop(e); dragDepth++; document.body.classList.add('dragging'); }, true);
  window.addEventListener('dragleave', (e) => { stop(e); if (--dragDepth <= 0) { dragDepth = 0; document.body.classList.remove('dragging'); } }, true);
  window.addEventListener('dragover', (e) => { stop(e); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; }, true);
  window.addEventListener('drop', (e) => {
    stop(e);
    dragDepth = 0;
    document.body.classList.remove('dragging');
    filesFromDrop(e.dataTransfer).then(route, (err) => { console.error(err); deliver([]); });
  }, true);

  // ---- inspector: search, selection, neighbours, labels ------------------------
  // Go fills the lists (wasm/dom.go); every change here goes back as
  // projectorControl(name, value), queued and applied in Go's Update.
  const inspector = document.getElementById('inspector');
  const search = document.getElementById('search');
  const send = (name, value) => { if (ready) globalThis.projectorControl(name, value); };
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => send('search', search.value), 120);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      // Apply what is typed now, then select every match (Go selects once
      // the search has finished).
      e.preventDefault();
      clearTimeout(searchTimer);
      send('search', search.value);
      send('select-matches', '');
    } else if (e.key === 'Escape') {
      search.value = '';
      send('search', '');
      search.blur();
    }
  });
  inspector.addEventListener('change', (e) => {
    const el = e.target;
    if (el.name === 'drag-mode') send('drag-mode', el.value);
    else if (el.dataset.control) send(el.dataset.control, el.type === 'checkbox' ? String(el.checked) : el.value);
  });
  inspector.addEventListener('click', (e) => {
    const item = e.target.closest('ol.points li[data-index] button');
    if (item) {
      const i = item.parentElement.dataset.index;
      send('select', (e.shiftKey ? '+' : '') + i);
      send('focus', i);
      return;
    }
    const b = e.target.closest('button[data-control]');
    if (b) send(b.dataset.control, b.dataset.value || '');
  });
  const toggle = document.getElementById('inspector-toggle');
  const narrow = window.matchMedia('(max-width: 640px)');
  const collapse = (on) => {
    inspector.classList.toggle('collapsed', on);
    toggle.setAttribute('aria-expanded', String(!on));
    toggle.textContent = on ? '+' : '–';
  };
  // On a phone one sheet is open at a time: opening the inspector folds the
  // projection controls, and opening those folds the inspector.
  const controlsPanel = document.getElementById('controls');
  const ctlToggle = document.getElementById('controls-toggle');
  toggle.addEventListener('click', () => {
    const open = inspector.classList.contains('collapsed');
    collapse(!open);
    if (open && narrow.matches && ctlToggle && !controlsPanel.classList.contains('collapsed')) ctlToggle.click();
  });
  if (ctlToggle) {
    ctlToggle.addEventListener('click', () => {
      if (narrow.matches && !controlsPanel.classList.contains('collapsed')) collapse(true);
    });
  }
  // Wide screens: a panel on the right edge. Phones: a sheet in the dock at
  // the bottom, folded until opened (the camera fits around either).
  const placeInspector = () => {
    inspector.dataset.occludes = narrow.matches ? 'bottom' : 'right';
    collapse(narrow.matches);
  };
  narrow.addEventListener('change', placeInspector);
  placeInspector();
  // Escape clears the selection, unless it is typed into a field.
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const t = e.target;
    const typing = t && (t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' ||
      (t.tagName === 'INPUT' && !['radio', 'checkbox', 'button'].includes(t.type)));
    if (!typing) send('select', '');
  });

  // ---- downloads and view files ---------------------------------------------
  // Go makes every export (wasm/export.go) and hands it here: a Blob, an
  // object URL and a click on an <a download>. Nothing leaves the page.
  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
  globalThis.projectorDownload = (name, type, bytes) => saveBlob(new Blob([bytes], { type }), name);
  // The canvas's pixels (read by Go from the frame it drew) become a PNG.
  globalThis.projectorDownloadPixels = (name, pixels, w, h) => {
    const c = document.createElement('canvas'); // never attached: the page's only canvas stays Ebiten's
    c.width = w;
    c.height = h;
    c.getContext('2d').putImageData(new ImageData(pixels, w, h), 0, 0);
    c.toBlob((b) => { if (b) saveBlob(b, name); }, 'image/png');
  };
  const viewInput = document.getElementById('view-input');
  viewInput.addEventListener('change', async () => {
    const f = viewInput.files && viewInput.files[0];
    viewInput.value = ''; // the same file again must fire change again
    if (f && ready) globalThis.projectorView(await f.text());
  });
  document.getElementById('notice-close').addEventListener('click', () => { document.getElementById('notice').hidden = true; });

  // ---- the view in the URL fragment ----------------------------------------
  // Go hands the view's fragment (settings only: never data, labels or
  // positions; wasm/link.go) as it changes; it is written once the view has
  // been still for a moment, replacing the history entry so Back is not
  // flooded. A fragment typed or followed later goes to Go to apply.
  let fragmentTimer = 0;
  globalThis.projectorSetFragment = (frag) => {
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(() => {
      if (location.hash.slice(1) !== frag) history.replaceState(history.state, '', '#' + frag);
    }, 400);
  };
  window.addEventListener('hashchange', () => {
    clearTimeout(fragmentTimer);
    if (ready) globalThis.projectorLink(location.hash);
  });

  // ---- service worker --------------------------------------------------------
  function setUpServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    const banner = document.getElementById('update');
    const offer = (worker) => {
      banner.hidden = false;
      document.getElementById('update-reload').onclick = () => worker.postMessage({ type: 'skip-waiting' });
    };
    navigator.serviceWorker.register('sw.js').then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const w = reg.installing;
        if (!w) return;
        w.addEventListener('statechange', () => {
          // A new version is installed while an old one controls the page:
          // ask before switching, the user may hold unsaved work.
          if (w.state === 'installed' && navigator.serviceWorker.controller) offer(w);
        });
      });
    }, (err) => console.warn('service worker not registered; the page will not work offline:', err));
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (reloading || banner.hidden) return; // first install claims the page: no reload needed
      reloading = true;
      location.reload();
    });
  }

  // ---- the WebAssembly program -----------------------------------------------
  // The start-up timeline (BenchmarkFirstFrame reads it): app.js marks
  // app-start, wasm-fetch, wasm-downloaded (last compressed byte),
  // wasm-inflated (last inflated byte), wasm-compiled (instance ready),
  // worker-gl-warmed (the worker made its WebGL context) and worker-loaded
  // (or worker-failed, worker-none); the Go side adds its own (wasm/dom.go
  // mark).
  function mark(name) {
    if (typeof performance === 'object' && typeof performance.mark === 'function') performance.mark(name);
  }
  const mb = (n) => (n / 1048576).toFixed(1);
  function showProgress(received, known) {
    const frac = Math.min(1, received / known);
    bar.style.width = (frac * 100).toFixed(1) + '%';
    loading.setAttribute('aria-valuenow', String(Math.round(frac * 100)));
    loadText.textContent = `Downloading ${mb(received)} of ${mb(known)} MB`;
  }

  async function fetchOK(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res;
  }

  // counted returns res's body as a stream that moves the progress bar by
  // the bytes that pass through it and marks wasm-downloaded at its end.
  function counted(res, total) {
    const known = Number(res.headers.get('Content-Length')) || total;
    let received = 0;
    return res.body.pipeThrough(new TransformStream({
      transform(chunk, ctl) {
        received += chunk.byteLength;
        showProgress(received, known);
        ctl.enqueue(chunk);
      },
      flush() {
        mark('wasm-downloaded');
        loadText.textContent = 'Starting…';
      },
    }));
  }

  // inflated returns the stream inflated when it starts with the gzip magic
  // (a host that serves the .gz with Content-Encoding: gzip hands over the
  // inflated bytes already), marking wasm-inflated at its end.
  async function inflated(stream) {
    const reader = stream.getReader();
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
    const gzip = byteAt(0) === 0x1f && byteAt(1) === 0x8b;
    const body = new ReadableStream({
      start(ctl) { for (const c of head) ctl.enqueue(c); },
      async pull(ctl) {
        const { done, value } = await reader.read();
        if (done) ctl.close(); else ctl.enqueue(value);
      },
      cancel(reason) { return reader.cancel(reason); },
    });
    const out = gzip ? body.pipeThrough(new DecompressionStream('gzip')) : body;
    return out.pipeThrough(new TransformStream({ flush() { mark('wasm-inflated'); } }));
  }

  // wasmInstance downloads, inflates and compiles the program. Where the
  // browser can, the three overlap: the inflated stream goes straight to
  // WebAssembly.instantiateStreaming, which compiles while the bytes arrive.
  async function wasmInstance(go) {
    mark('wasm-fetch');
    const streaming = typeof DecompressionStream === 'function' && typeof TransformStream === 'function' &&
      typeof WebAssembly.instantiateStreaming === 'function';
    if (streaming) {
      const res = await fetchOK(cfg.wasmGz);
      const body = await inflated(counted(res, Number(cfg.wasmGzSize)));
      const wasm = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
      try {
        const { instance } = await WebAssembly.instantiateStreaming(wasm, go.importObject);
        return instance;
      } catch (err) {
        if (err instanceof WebAssembly.CompileError || err instanceof WebAssembly.LinkError) throw err;
        console.warn('streaming compilation failed; compiling after the download instead:', err);
      }
    }
    const bytes = await wasmBytes();
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    return instance;
  }

  // wasmBytes downloads the whole program, then inflates it (browsers
  // without streaming compilation or DecompressionStream).
  async function wasmBytes() {
    const gz = typeof DecompressionStream === 'function';
    const res = await fetchOK(gz ? cfg.wasmGz : cfg.wasm);
    const stream = counted(res, Number(gz ? cfg.wasmGzSize : cfg.wasmSize));
    return new Uint8Array(await new Response(gz ? await inflated(stream) : stream).arrayBuffer());
  }

  // ---- preview: the demo drawn while the program loads --------------------------
  // The build computes the demo's first view with the page's own Go code
  // (scripts/build/preview.go: positions and colours of the PCA of the
  // bundled digits) and puts it into index.html (#preview-data, base64, 29
  // KB); drawn here as an SVG before the program's download starts (which keeps this
  // thread busy), it shows the data about as the first frame will (fitted
  // with the same margin into the area the panels leave free) until Go's
  // first frame removes #loading with it. It is only a picture: the
  // projector answers once that frame is drawn.
  function drawPreview() {
    const svg = document.getElementById('preview');
    const data = document.getElementById('preview-data');
    if (!svg || !data) return;
    const raw = atob(data.textContent.trim());
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const dv = new DataView(bytes.buffer);
    if (bytes.length < 8 || raw.slice(0, 4) !== 'PRV1') return;
    const n = dv.getUint32(4, true);
    if (bytes.length !== 8 + 12 * n) return;
    const w = window.innerWidth, h = window.innerHeight;
    // The free area the first frame fits the demo into: clear of the
    // bottom dock (controls, toolbar, status; on phones the inspector's bar
    // too) and of the legend, beside the inspector on wide screens
    // (style.css), above the data on phones (measured on the demo).
    const phone = w <= 640;
    const free = phone ? { x: 0, y: 220, w, h: h - 220 - 312 } : { x: 0, y: 0, w: w - 420, h: h - 130 };
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = dv.getFloat32(8 + 12 * i, true), y = dv.getFloat32(12 + 12 * i, true);
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    const margin = 40;
    const scale = Math.min((free.w - 2 * margin) / Math.max(maxX - minX, 1e-9), (free.h - 2 * margin) / Math.max(maxY - minY, 1e-9));
    if (!(scale > 0)) return;
    const cx = free.x + free.w / 2, cy = free.y + free.h / 2, mx = (minX + maxX) / 2, my = (minY + maxY) / 2;
    // SVG, not a canvas: a page's first 2D canvas context waits on the
    // browser's font set-up (1.5 s in a fresh headless Chromium here).
    // One path a colour, each disc two arcs.
    const r = 3.5; // the demo's discs (render)
    const paths = new Map();
    for (let i = 0; i < n; i++) {
      const o = 8 + 12 * i;
      const x = cx + (dv.getFloat32(o, true) - mx) * scale, y = cy - (dv.getFloat32(o + 4, true) - my) * scale;
      const colour = `rgba(${bytes[o + 8]},${bytes[o + 9]},${bytes[o + 10]},${bytes[o + 11] / 255})`;
      if (!paths.has(colour)) paths.set(colour, []);
      paths.get(colour).push(`M${(x - r).toFixed(1)} ${y.toFixed(1)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`);
    }
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const ns = 'http://www.w3.org/2000/svg';
    for (const [colour, d] of paths) {
      const p = document.createElementNS(ns, 'path');
      p.setAttribute('fill', colour);
      p.setAttribute('d', d.join(''));
      svg.appendChild(p);
    }
    loading.classList.add('previewed');
    mark('preview-drawn');
  }

  async function start() {
    if (typeof WebAssembly !== 'object' || typeof Go !== 'function') {
      fail('This browser cannot run WebAssembly, which the projector needs.');
      return;
    }
    preStatus('loading', 'Loading the projector…');
    createWorker();
    const go = new Go();
    const loaded = wasmInstance(go); // its download starts here, at once
    try { drawPreview(); } catch (err) { console.warn('no preview of the demo:', err); }
    const instance = await loaded;
    mark('wasm-compiled');
    goStarted = true;
    go.run(instance).then(() => {
      // The Go program only returns on a fatal error; say so instead of freezing silently.
      goStarted = false;
      preStatus('error', 'The projector stopped unexpectedly. Reload the page to start again (your files stay on your computer).',
        [{ severity: 'error', code: 'stopped', message: 'the program exited' }]);
    });
  }

  noticeAfterContextLoss();
  setUpServiceWorker();
  start().catch((err) => fail(`The projector could not start: ${err && err.message ? err.message : err}`));
})();
