package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

const reduceUsage = `usage: projector reduce --method pca|tsne|umap [--dims 2|3] [--perplexity P] [--iterations I] [--neighbors K] [--min-dist D] [--epochs E] [--seed S] [--out FILE] PATH...
  --method M        pca (default), tsne or umap
  --dims N          2 (default) or 3 output coordinates per point
  --perplexity P    t-SNE perplexity (default 30)
  --iterations I    t-SNE iterations (default 1000)
  --theta T         t-SNE Barnes-Hut accuracy (default 0.5; negative: exact sums)
  --learning-rate L t-SNE learning rate (default max(N/12, 200)); UMAP's initial one (default 1)
  --neighbors K     UMAP n_neighbors, the point itself included (default 15)
  --min-dist D      UMAP min_dist (default 0.1; 0 allowed)
  --spread S        UMAP spread (default 1)
  --epochs E        UMAP epochs (default 500 up to 10,000 points, else 200)
  --negative-sample-rate R  UMAP negative samples per positive one (default 5)
  --metric M        euclidean (default) or cosine, for the t-SNE and UMAP neighbours
  --spherize        PCA: centre and scale every row to unit norm first
  --seed S          random seed (default 0): same seed, same output
  --shape NxD       shape of a raw .bytes/.bin tensor when it cannot be inferred
  --out FILE        write the coordinates there instead of standard output
  --quiet           no progress on standard error
Writes one line per point: its coordinates separated by tabs.
`

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
	shape      [2]int
	out        string
	quiet      bool
	paths      []string
}

// parseReduceArgs parses the flags (--flag value or --flag=value).
func parseReduceArgs(args []string) (reduceOptions, error) {
	o := reduceOptions{method: "pca", dims: 2, perplexity: 30, iterations: 1000, neighbors: 15, minDist: 0.1, spread: 1, negRate: 5}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.paths = append(o.paths, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			o.paths = append(o.paths, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "spherize":
			o.spherize = true
			continue
		case "quiet", "q":
			o.quiet = true
			continue
		case "h", "help":
			return o, errHelp
		}
		if !hasVal {
			if i+1 >= len(args) {
				return o, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		}
		var err error
		switch name {
		case "method":
			o.method = strings.ToLower(val)
			if o.method != "pca" && o.method != "tsne" && o.method != "umap" {
				err = fmt.Errorf("unknown method %q (want pca, tsne or umap)", val)
			}
		case "dims":
			o.dims, err = strconv.Atoi(val)
			if err == nil && o.dims != 2 && o.dims != 3 {
				err = fmt.Errorf("--dims %d: want 2 or 3", o.dims)
			}
		case "perplexity":
			o.perplexity, err = strconv.ParseFloat(val, 64)
			if err == nil && !(o.perplexity > 0) {
				err = fmt.Errorf("--perplexity %v: want a positive number", val)
			}
		case "iterations":
			o.iterations, err = strconv.Atoi(val)
			if err == nil && o.iterations < 1 {
				err = fmt.Errorf("--iterations %d: want at least 1", o.iterations)
			}
		case "neighbors", "neighbours":
			o.neighbors, err = strconv.Atoi(val)
			if err == nil && o.neighbors < 2 {
				err = fmt.Errorf("--neighbors %d: want at least 2 (the point itself and one other)", o.neighbors)
			}
		case "min-dist":
			o.minDist, err = strconv.ParseFloat(val, 64)
			if err == nil && !(o.minDist >= 0) {
				err = fmt.Errorf("--min-dist %v: want 0 or more", val)
			}
		case "spread":
			o.spread, err = strconv.ParseFloat(val, 64)
			if err == nil && !(o.spread > 0) {
				err = fmt.Errorf("--spread %v: want a positive number", val)
			}
		case "epochs":
			o.epochs, err = strconv.Atoi(val)
			if err == nil && o.epochs < 1 {
				err = fmt.Errorf("--epochs %d: want at least 1", o.epochs)
			}
		case "negative-sample-rate":
			o.negRate, err = strconv.Atoi(val)
			if err == nil && o.negRate < 1 {
				err = fmt.Errorf("--negative-sample-rate %d: want at least 1", o.negRate)
			}
		case "theta":
			o.theta, err = strconv.ParseFloat(val, 64)
		case "learning-rate":
			o.lr, err = strconv.ParseFloat(val, 64)
		case "metric":
			switch strings.ToLower(val) {
			case "euclidean":
				o.metric = reduce.Euclidean
			case "cosine":
				o.metric = reduce.Cosine
			default:
				err = fmt.Errorf("unknown metric %q (want euclidean or cosine)", val)
			}
		case "seed":
			o.seed, err = strconv.ParseUint(val, 10, 64)
		case "shape":
			ns, ds, ok := strings.Cut(strings.ToLower(val), "x")
			var n, d int
			if ok {
				n, err = strconv.Atoi(ns)
				if err == nil {
					d, err = strconv.Atoi(ds)
				}
			}
			if !ok || err != nil || n < 0 || d < 1 {
				err = fmt.Errorf("--shape %q: want NxD, e.g. 1797x64", val)
			}
			o.shape = [2]int{n, d}
		case "out", "o":
			o.out = val
		default:
			return o, fmt.Errorf("unknown flag %s", a)
		}
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) {
				err = fmt.Errorf("--%s %q: not a valid number", name, val)
			}
			return o, err
		}
	}
	if len(o.paths) == 0 {
		return o, errors.New("no PATH given")
	}
	return o, nil
}

var errHelp = errors.New("help")

// runReduce implements "projector reduce" (DESIGN.md §4): it loads the files
// as the page does (parse.Load), runs PCA, t-SNE or UMAP from package reduce on
// every point, and writes one TSV row of coordinates per point. Exit status:
// 0 success, 1 the data has an error that blocks it (the report goes to
// stderr) or the output cannot be written, 2 usage error.
func runReduce(args []string, stdout, stderr io.Writer) int {
	o, err := parseReduceArgs(args)
	if err == errHelp {
		fmt.Fprint(stdout, reduceUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n%s", err, reduceUsage)
		return 2
	}
	files, err := readInputs(o.paths)
	if err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n", err)
		return 2
	}
	ds, rep := parse.Load(files, parse.Options{Shape: o.shape})
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
	pos := project(ds, o, logf)
	logf("%s of %d points × %d dims in %.2f s", o.method, ds.N, ds.D, time.Since(start).Seconds())
	if err := writeTSV(o.out, stdout, pos, ds.N, o.dims); err != nil {
		fmt.Fprintf(stderr, "projector reduce: %v\n", err)
		return 1
	}
	return 0
}

// project runs the chosen method to completion and returns N×dims positions.
func project(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) []float32 {
	switch o.method {
	case "umap":
		return projectUMAP(ds, o, logf)
	case "pca":
		p := reduce.NewPCA(ds.Vectors, ds.N, ds.D, reduce.PCAConfig{Components: o.dims, Seed: o.seed, Spherize: o.spherize})
		for !p.Step() {
		}
		logf("PCA explained variance ratio %.4f in %d passes", p.Variance(), p.Iterations())
		return p.Positions()
	}
	return projectTSNE(ds, o, logf)
}

// projectTSNE runs t-SNE to completion, logging the KL every 250 iterations.
func projectTSNE(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) []float32 {
	t := reduce.NewTSNE(ds.Vectors, ds.N, ds.D, reduce.TSNEConfig{
		Dims: o.dims, Perplexity: o.perplexity, MaxIterations: o.iterations, Theta: o.theta,
		LearningRate: o.lr, Metric: o.metric, Seed: o.seed,
	})
	last := -1
	for !t.Step() {
		if t.KLIteration() != last && t.KLIteration()%250 == 0 && t.KLIteration() > 0 {
			last = t.KLIteration()
			logf("t-SNE iteration %d, KL %.4f", last, t.KL())
		}
	}
	logf("t-SNE %d iterations, KL %.4f", t.Iteration(), t.KL())
	return t.Positions()
}

// umapConfig turns the options into the library's configuration.
func umapConfig(o reduceOptions) reduce.UMAPConfig {
	cfg := reduce.UMAPConfig{
		Dims: o.dims, Neighbors: o.neighbors, MinDist: o.minDist, Spread: o.spread, Epochs: o.epochs,
		NegativeSampleRate: o.negRate, LearningRate: o.lr, Metric: o.metric, Seed: o.seed,
	}
	if o.minDist == 0 {
		cfg.MinDist = -1 // the library's zero means its default
	}
	return cfg
}

// projectUMAP runs UMAP to completion, logging each phase as it starts, the
// neighbour search's progress every 25% and every 100th epoch.
func projectUMAP(ds *parse.Dataset, o reduceOptions, logf func(string, ...any)) []float32 {
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
	a, b := u.Curve()
	logf("UMAP %d epochs over %d edges (a %.4f, b %.4f)", u.Epochs(), u.Edges(), a, b)
	return u.Positions()
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
