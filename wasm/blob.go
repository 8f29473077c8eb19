//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"syscall/js"
)

// blobReader reads a browser Blob (a File the user chose or dropped) piece
// by piece, so a large file is never held whole in JavaScript memory and
// again in Go: parse/ reads big tensors through it in 1 MiB pieces.
//
// ReadAt blocks its goroutine until the Blob's arrayBuffer() promise
// settles; Go then yields to the browser's event loop. It must not be called
// from inside a JavaScript callback (the parse runs on its own goroutine).
type blobReader struct {
	blob js.Value
	size int64
}

func newBlobReader(blob js.Value) *blobReader {
	return &blobReader{blob: blob, size: int64(blob.Get("size").Float())}
}

// ReadAt implements io.ReaderAt.
func (b *blobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.size)
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	then := js.FuncOf(func(this js.Value, args []js.Value) any {
		n := js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(args[0]))
		done <- result{n: n}
		return nil
	})
	fail := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "the browser could not read the file"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: fmt.Errorf("reading bytes %d-%d: %s", off, end, msg)}
		return nil
	})
	defer then.Release()
	defer fail.Release()
	b.blob.Call("slice", float64(off), float64(end)).Call("arrayBuffer").Call("then", then, fail)
	r := <-done
	if r.err != nil {
		return r.n, r.err
	}
	if r.n < len(p) {
		return r.n, io.EOF
	}
	return r.n, nil
}
