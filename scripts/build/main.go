// Command build assembles the static site into an output folder that works
// when copied to any static host:
//
//	go run ./scripts/build [-out dist]
//
// It compiles ./wasm (the page) and ./wasm/worker (t-SNE in a Web Worker)
// for js/wasm, copies wasm_exec.js from the Go that built them, writes gzip
// copies of the wasm, draws the app icons, gives every asset a content hash in
// its name, fills the names into worker.js, index.html and the manifest, and
// writes the precache list into sw.js. index.html, sw.js and
// manifest.webmanifest keep fixed names (they are served no-cache).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

func main() {
	out := flag.String("out", "dist", "output folder (replaced)")
	site := flag.String("site", "site", "folder with index.html, app.js, sw.js, style.css, manifest.webmanifest")
	pkg := flag.String("pkg", "./wasm", "the js/wasm main package of the page")
	workerPkg := flag.String("worker", "./wasm/worker", "the js/wasm main package of the t-SNE worker")
	flag.Parse()
	start := time.Now()
	if err := build(*out, *site, *pkg, *workerPkg); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	fmt.Printf("built %s in %.1fs\n", *out, time.Since(start).Seconds())
}

// asset is one output file.
type asset struct {
	name string // logical name, e.g. "app.js"
	file string // output name, e.g. "app.3f2a9c1b.js"
	data []byte
}

// compileWasm builds pkg for js/wasm into dir and returns the binary and its gzip copy.
func compileWasm(dir, pkg, name string) (wasm, gz []byte, err error) {
	path := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", path, pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("compiling %s for js/wasm: %w", pkg, err)
	}
	if wasm, err = os.ReadFile(path); err != nil {
		return nil, nil, err
	}
	if gz, err = gzipBytes(wasm); err != nil {
		return nil, nil, fmt.Errorf("compressing %s: %w", name, err)
	}
	return wasm, gz, nil
}

func build(out, site, pkg, workerPkg string) error {
	tmp, err := os.MkdirTemp("", "projector-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	wasm, gz, err := compileWasm(tmp, pkg, "main.wasm")
	if err != nil {
		return err
	}
	workerWasm, workerGz, err := compileWasm(tmp, workerPkg, "worker.wasm")
	if err != nil {
		return err
	}
	// wasm_exec.js must come from the Go that compiled the wasm.
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fmt.Errorf("reading wasm_exec.js of the Go that built the wasm: %w", err)
	}

	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(site, name))
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		return b, nil
	}
	appJS, err := read("app.js")
	if err != nil {
		return err
	}
	css, err := read("style.css")
	if err != nil {
		return err
	}
	var hashed []*asset
	add := func(name string, data []byte) {
		hashed = append(hashed, &asset{name: name, file: hashName(name, data), data: data})
	}
	add("main.wasm", wasm)
	add("main.wasm.gz", gz)
	add("worker.wasm", workerWasm)
	add("worker.wasm.gz", workerGz)
	add("wasm_exec.js", wasmExec)
	// worker.js names the worker's wasm and wasm_exec.js: fill, then hash it.
	workerSrc, err := read("worker.js")
	if err != nil {
		return err
	}
	workerJS, err := fill("worker.js", workerSrc, map[string]string{
		"wasm_exec.js":   hashName("wasm_exec.js", wasmExec),
		"worker.wasm":    hashName("worker.wasm", workerWasm),
		"worker.wasm.gz": hashName("worker.wasm.gz", workerGz),
	})
	if err != nil {
		return err
	}
	add("worker.js", workerJS)
	add("app.js", appJS)
	add("style.css", css)
	for _, size := range []int{192, 512} {
		icon, err := drawIcon(size)
		if err != nil {
			return err
		}
		add(fmt.Sprintf("icon-%d.png", size), icon)
	}

	// The demo's preview goes into index.html itself: app.js draws it at
	// once, before the program's download keeps the page's thread busy.
	preview, err := demoPreview(filepath.Join(pkg, "demo"))
	if err != nil {
		return err
	}
	vars := map[string]string{"preview.b64": base64.StdEncoding.EncodeToString(preview)}
	for _, a := range hashed {
		vars[a.name] = a.file
		vars["size:"+a.name] = fmt.Sprint(len(a.data))
	}
	index, err := read("index.html")
	if err != nil {
		return err
	}
	manifest, err := read("manifest.webmanifest")
	if err != nil {
		return err
	}
	if index, err = fill("index.html", index, vars); err != nil {
		return err
	}
	if manifest, err = fill("manifest.webmanifest", manifest, vars); err != nil {
		return err
	}

	// The precache list: everything the page needs to start offline. The raw
	// wasm files are left out (only browsers without DecompressionStream fetch them).
	precache := []string{"./", "index.html", "manifest.webmanifest"}
	for _, a := range hashed {
		if !strings.HasSuffix(a.name, ".wasm") {
			precache = append(precache, a.file)
		}
	}
	sort.Strings(precache[3:])
	list, err := json.Marshal(precache)
	if err != nil {
		return err
	}
	version := sha256.New()
	version.Write(index)
	version.Write(manifest)
	for _, a := range hashed {
		version.Write([]byte(a.file))
	}
	swSrc, err := read("sw.js")
	if err != nil {
		return err
	}
	sw, err := fill("sw.js", swSrc, map[string]string{
		"version":  hex.EncodeToString(version.Sum(nil))[:12],
		"precache": string(list),
	})
	if err != nil {
		return err
	}

	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(out, name), data, 0o644)
	}
	for _, a := range hashed {
		if err := write(a.file, a.data); err != nil {
			return err
		}
	}
	for name, data := range map[string][]byte{"index.html": index, "manifest.webmanifest": manifest, "sw.js": sw} {
		if err := write(name, data); err != nil {
			return err
		}
	}
	fmt.Printf("page wasm %d bytes (gzip %d), worker wasm %d bytes (gzip %d); %s\n",
		len(wasm), len(gz), len(workerWasm), len(workerGz), runtime.Version())
	return nil
}

// hashName inserts the first 10 hex digits of the SHA-256 of data before the
// first dot of name: "app.js" → "app.1a2b3c4d5e.js".
func hashName(name string, data []byte) string {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])[:10]
	base, ext, _ := strings.Cut(name, ".")
	return base + "." + h + "." + ext
}

var placeholder = regexp.MustCompile(`\{\{([a-z0-9_.:-]+)\}\}`)

// fill replaces every {{key}} in src by vars[key]; an unknown key is an error,
// so a typo cannot ship a broken reference.
func fill(name string, src []byte, vars map[string]string) ([]byte, error) {
	var missing []string
	outb := placeholder.ReplaceAllFunc(src, func(m []byte) []byte {
		key := string(m[2 : len(m)-2])
		v, ok := vars[key]
		if !ok {
			missing = append(missing, key)
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: unknown placeholders %v", name, missing)
	}
	return outb, nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawIcon draws the app icon: three coloured clusters of dots on the
// canvas background, size×size pixels, as PNG.
func drawIcon(size int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	bg := color.RGBA{0x16, 0x18, 0x1d, 0xff}
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], []byte{bg.R, bg.G, bg.B, bg.A})
	}
	clusters := []struct {
		x, y float64
		c    color.RGBA
	}{
		{0.35, 0.38, color.RGBA{0x4e, 0x79, 0xa7, 0xff}},
		{0.66, 0.42, color.RGBA{0xf2, 0x8e, 0x2b, 0xff}},
		{0.50, 0.68, color.RGBA{0x59, 0xa1, 0x4f, 0xff}},
	}
	rng := rand.New(rand.NewSource(7))
	s := float64(size)
	r := s * 0.028
	for _, cl := range clusters {
		for k := 0; k < 26; k++ {
			cx := (cl.x + rng.NormFloat64()*0.07) * s
			cy := (cl.y + rng.NormFloat64()*0.07) * s
			for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
				for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
					// Stay inside the maskable safe zone (central 80%).
					if x < int(0.1*s) || y < int(0.1*s) || x >= int(0.9*s) || y >= int(0.9*s) {
						continue
					}
					if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) <= r {
						img.SetRGBA(x, y, cl.c)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding icon: %w", err)
	}
	return buf.Bytes(), nil
}
