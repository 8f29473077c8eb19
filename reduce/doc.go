// Package reduce projects N points of D dimensions to 2 or 3 dimensions for
// display: PCA, k-nearest-neighbour graphs, t-SNE and UMAP.
//
// Every algorithm here is incremental: a constructor prepares it without doing
// the heavy work, Step advances a bounded amount of work (a few milliseconds,
// so that a single-threaded WebAssembly page stays responsive while the
// caller loops Step under its own time budget), and Positions is valid after
// every Step. Inputs are flat float32 row-major slices (point i of an n×d set
// is vectors[i*d:(i+1)*d]) that are read, never modified. No algorithm builds
// an N×N matrix. Runs are seeded: the same input, configuration and seed give
// bit-for-bit identical results on the same platform.
//
// PCA, KNN, TSNE and UMAP all implement Stepper (Step, Progress, Stage,
// Err), so a caller drives any of them the same way. Values are made by
// their New function; a zero value is an empty run whose Step reports done
// at once and whose Err wraps ErrNotConstructed. Accessors such as
// Positions return the algorithm's own slices, updated in place (no copy
// per frame); the matching …To methods (PositionsTo, VectorsTo, …) copy
// into a destination the caller owns, allocating when it is nil or short.
//
// The package imports neither Ebiten nor syscall/js; it runs natively (CLI,
// tests) and as js/wasm (page, Node benchmarks) unchanged.
package reduce
