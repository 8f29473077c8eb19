package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// reduceLine and reduceNotes frame the flag list of "projector reduce -h".
const (
	reduceLine  = "projector reduce --method pca|tsne|umap [--dims 2|3] [--perplexity P] [--iterations I] [--neighbors K] [--min-dist D] [--epochs E] [--seed S] [--workers W] [--out FILE] PATH...\n(flags may come before or after the paths)"
	reduceNotes = "Writes one line per point: its coordinates separated by tabs.\n"
)

// reduceOptions are the parsed flags of "projector reduce".
type reduceOptions struct {
	method     string
	dims       int
	perplexity float64
	iterations int
	theta      float64
	lr         float64
	neighbors  int
	minDist    float64
	spread     float64
	epochs     int
	negRate    int
	metric     reduce.Metric
	spherize   bool
	seed       uint64
	workers    int
	shape      [2]int
	out        string
	quiet      bool
	paths      []string
}

// reduceFlags returns the FlagSet of "projector reduce", bound to o and,
// for the flags checked after parsing, to metric and shape.
func reduceFlags(o *reduceOptions, metric, shape *string) *flag.FlagSet {
	fs := newFlagSet("reduce")
	fs.StringVar(&o.method, "method", "pca", "pca, tsne or umap")
	fs.IntVar(&o.dims, "dims", 2, "output coordinates per point: 2 or 3")
	fs.Float64Var(&o.perplexity, "perplexity", 30, "t-SNE perplexity")
	fs.IntVar(&o.iterations, "iterations", 1000, "t-SNE iterations")
	fs.Float64Var(&o.theta, "theta", 0, "t-SNE Barnes-Hut accuracy (0: the default, 0.5; negative: exact sums)")
	fs.Float64Var(&o.lr, "learning-rate", 0, "t-SNE learning rate (0: max(N/12, 200)); UMAP's initial one (0: 1)")
	fs.IntVar(&o.neighbors, "neighbors", 15, "UMAP n_neighbors, the point itself included")
	fs.IntVar(&o.neighbors, "neighbours", 15, "same as -neighbors")
	fs.Float64Var(&o.minDist, "min-dist", 0.1, "UMAP min_dist (0 allowed)")
	fs.Float64Var(&o.spread, "spread", 1, "UMAP spread")
	fs.IntVar(&o.epochs, "epochs", 0, "UMAP epochs (0: 500 up to 10,000 points, else 200)")
	fs.IntVar(&o.negRate, "negative-sample-rate", 5, "UMAP negative samples per positive one")
	fs.StringVar(metric, "metric", "euclidean", "euclidean or cosine, for the t-SNE and UMAP neighbours")
	fs.BoolVar(&o.spherize, "spherize", false, "PCA: centre and scale every row to unit norm first")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed: same seed, same output")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "PCA, t-SNE and UMAP: goroutines sharing each PCA pass, the neighbour search and t-SNE's iterations (the result is the same for any number)")
	fs.StringVar(shape, "shape", "", "shape of a raw .bytes/.bin tensor, as `NxD` (e.g. 1797x64), when it cannot be inferred")
	fs.StringVar(&o.out, "out", "", "write the coordinates to `FILE` instead of standard output")
	fs.StringVar(&o.out, "o", "", "same as -out")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on standard error")
	fs.BoolVar(&o.quiet, "q", false, "same as -quiet")
	return fs
}

// parseReduceArgs parses the flags (-flag value, --flag value or
// --flag=value, before or after the paths) and checks their values. It
// returns the FlagSet for the usage message.
func parseReduceArgs(args []string) (reduceOptions, *flag.FlagSet, error) {
	var o reduceOptions
	var metric, shape string
	fs := reduceFlags(&o, &metric, &shape)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return o, fs, err
	}
	o.paths = paths
	epochsSet := false
	fs.Visit(func(f *flag.Flag) { epochsSet = epochsSet || f.Name == "epochs" })
	if epochsSet && o.epochs < 1 {
		return o, fs, fmt.Errorf("--epochs %d: want at least 1", o.epochs)
	}
	return o, fs, o.check(metric, shape)
}

// check validates the parsed options and sets metric and shape from their
// text.
func (o *reduceOptions) check(metric, shape string) error {
	o.method = strings.ToLower(o.method)
	switch {
	case o.method != "pca" && o.method != "tsne" && o.method != "umap":
		return fmt.Errorf("unknown method %q (want pca, tsne or umap)", o.method)
	case o.dims != 2 && o.dims != 3:
		return fmt.Errorf("--dims %d: want 2 or 3", o.dims)
	case !(o.perplexity > 0):
		return fmt.Errorf("--perplexity %v: want a positive number", o.perplexity)
	case o.iterations < 1:
		return fmt.Errorf("--iterations %d: want at least 1", o.iterations)
	case o.neighbors < 2:
		return fmt.Errorf("--neighbors %d: want at least 2 (the point itself and one other)", o.neighbors)
	case !(o.minDist >= 0):
		return fmt.Errorf("--min-dist %v: want 0 or more", o.minDist)
	case !(o.spread > 0):
		return fmt.Errorf("--spread %v: want a positive number", o.spread)
	case o.negRate < 1:
		return fmt.Errorf("--negative-sample-rate %d: want at least 1", o.negRate)
	}
	switch strings.ToLower(metric) {
	case "euclidean":
		o.metric = reduce.Euclidean
	case "cosine":
		o.metric = reduce.Cosine
	default:
		return fmt.Errorf("unknown metric %q (want euclidean or cosine)", metric)
	}
	if shape != "" {
		ns, ds, ok := strings.Cut(strings.ToLower(shape), "x")
		n, err1 := strconv.Atoi(ns)
		d, err2 := strconv.Atoi(ds)
		if !ok || err1 != nil || err2 != nil || n < 0 || d < 1 {
			return fmt.Errorf("--shape %q: want NxD, e.g. 1797x64", shape)
		}
		o.shape = [2]int{n, d}
	}
	if len(o.paths) == 0 {
		return errors.New("no PATH given")
	}
	return nil
}

// runReduce implements "projector reduce" (DESIGN.md §4): it loads the files
// as the page does (parse.Load, streaming them as validate does: a large
// tensor is read piece by piece into the float32 result, never whole), runs PCA, t-SNE or UMAP from package reduce on
// every point, and writes one TSV row of coordinates per point. Exit status:
// 0 success, 1 the data has an error that blocks it (the report goes to
// stderr), the reduction failed (reduce's Err) or the output cannot be
// written, 2 usage error.
func runReduce(args []string, stdout, stderr io.Writer) int {
	o, fs, err := parseReduceArgs(args)
	if err != nil {
		return usageError(err, stdout, stderr, fs, reduceLine, reduceNotes)
	}
	files, closeAll, err := openInputs(o.paths)
	if err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n", err)
		return 2
	}
	ds, rep := parse.Load(files, parse.Options{Shape: o.shape})
	closeAll()
	if ds == nil || rep.Blocking() {
		printReport(stderr, ds, rep)
		return 1
	}
	for _, d := range rep.Diagnostics {
		if d.Severity == parse.Warning && !o.quiet {
			fmt.Fprintf(stderr, "projector reduce: warning %s: %s\n", d.Code, d.Message)
		}
	}
	logf := func(format string, a ...any) {
		if !o.quiet {
			fmt.Fprintf(stderr, "projector reduce: "+format+"\n", a...)
		}
	}
	start := time.Now()
	pos, err := project(ds, o, logf)
	if err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n", err)
		return 1
	}
	logf("%s of %d points × %d dims in %.2f s", o.method, ds.N, ds.D, time.Since(start).Seconds())
	if err := writeTSV(o.out, stdout, pos, ds.N, o.dims); err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n", err)
		return 1
	}
	return 0
}

// project runs the chosen method to completion and returns N×dims
// positions, or the method's error (reduce's Err: the eigensolver did not
// converge).
func project(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) ([]float32, error) {
	switch o.method {
	case "umap":
		return projectUMAP(ds, o, logf)
	case "pca":
		p := reduce.NewPCA(ds.Vectors, ds.N, ds.D, reduce.PCAConfig{Components: o.dims, Seed: o.seed, Spherize: o.spherize, Workers: o.workers})
		for !p.Step() {
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		logf("PCA explained variance ratio %.4f in %d passes", p.Variance(), p.Iterations())
		return p.Positions(), nil
	}
	return projectTSNE(ds, o, logf)
}

// projectTSNE runs t-SNE to completion, logging the KL every 250 iterations.
func projectTSNE(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) ([]float32, error) {
	t := reduce.NewTSNE(ds.Vectors, ds.N, ds.D, reduce.TSNEConfig{
		Dims: o.dims, Perplexity: o.perplexity, MaxIterations: o.iterations, Theta: o.theta,
		LearningRate: o.lr, Metric: o.metric, Seed: o.seed, Workers: o.workers,
	})
	last := -1
	for !t.Step() {
		if t.KLIteration() != last && t.KLIteration()%250 == 0 && t.KLIteration() > 0 {
			last = t.KLIteration()
			logf("t-SNE iteration %d, KL %.4f", last, t.KL())
		}
	}
	if err := t.Err(); err != nil {
		return nil, err
	}
	logf("t-SNE %d iterations, KL %.4f", t.Iteration(), t.KL())
	return t.Positions(), nil
}

// umapConfig turns the options into the library's configuration.
func umapConfig(o reduceOptions) reduce.UMAPConfig {
	cfg := reduce.UMAPConfig{
		Dims: o.dims, Neighbors: o.neighbors, MinDist: o.minDist, Spread: o.spread, Epochs: o.epochs,
		NegativeSampleRate: o.negRate, LearningRate: o.lr, Metric: o.metric, Seed: o.seed,
		Workers: o.workers,
	}
	if o.minDist == 0 {
		cfg.MinDist = -1 // the library's zero means its default
	}
	return cfg
}

// projectUMAP runs UMAP to completion, logging each phase as it starts, the
// neighbour search's progress every 25% and every 100th epoch.
func projectUMAP(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) ([]float32, error) {
	u := reduce.NewUMAP(ds.Vectors, ds.N, ds.D, umapConfig(o))
	lastPhase, lastPct, lastEpoch := reduce.UMAPPhase(-1), -1, -1
	start := time.Now()
	for done := false; !done; {
		done = u.Step()
		ph, frac := u.Phase()
		switch {
		case ph != lastPhase:
			logf("UMAP %s (%.2f s)", ph, time.Since(start).Seconds())
			lastPhase, lastPct = ph, 0
		case ph == reduce.UMAPPhaseNeighbours && int(frac*4) > lastPct:
			lastPct = int(frac * 4)
			logf("UMAP neighbours %d%%", 25*lastPct)
		case ph == reduce.UMAPPhaseOptimizing && u.Epoch()/100 > lastEpoch/100:
			lastEpoch = u.Epoch()
			logf("UMAP epoch %d / %d", u.Epoch(), u.Epochs())
		}
	}
	if err := u.Err(); err != nil {
		return nil, err
	}
	a, b := u.Curve()
	logf("UMAP %d epochs over %d edges (a %.4f, b %.4f)", u.Epochs(), u.Edges(), a, b)
	return u.Positions(), nil
}

// writeTSV writes n rows of dims tab-separated coordinates to the file
// named out, or to stdout when out is "" or "-".
func writeTSV(out string, stdout io.Writer, pos []float32, n, dims int) (err error) {
	w := stdout
	if out != "" && out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("creating output: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("closing output %s: %w", out, cerr)
			}
		}()
		w = f
	}
	bw := bufio.NewWriter(w)
	buf := make([]byte, 0, 64)
	for i := 0; i < n; i++ {
		buf = buf[:0]
		for c := 0; c < dims; c++ {
			if c > 0 {
				buf = append(buf, '\t')
			}
			buf = strconv.AppendFloat(buf, float64(pos[i*dims+c]), 'g', -1, 32)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
