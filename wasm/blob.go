//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall/js"
)

// blobReader reads a browser Blob (a File the user chose or dropped) piece
// by piece, so a large file is never held whole in JavaScript memory and
// again in Go: parse/ reads big tensors and event files through it in
// pieces of about 1 MiB.
//
// ReadAt blocks its goroutine until the Blob's arrayBuffer() promise
// settles; Go then yields to the browser's event loop. It must not be called
// from inside a JavaScript callback (the parse runs on its own goroutine).
// A read can only complete once the page's frame has been handed back to
// the browser, so large reads go through blocks of blockSize bytes, and
// using a block starts the read of the next one: a sequential scan then
// finds its next piece read already, instead of waiting a frame for each.
type blobReader struct {
	blob js.Value
	size int64

	mu        sync.Mutex
	cur, next *blobRead // the block last used and the one after it (either may be nil)
}

// blobRead is one read of a Blob slice under way: its bytes land in buf and
// done receives nil, or the error, once the browser has them.
type blobRead struct {
	off   int64
	buf   []byte
	done  chan error
	ready bool // done was received from, without an error
}

const (
	// blockSize is the piece large reads are made of (two are held at a time).
	blockSize = 16 << 20
	// directBelow is the read size below which ReadAt reads just those bytes.
	directBelow = 64 << 10
)

func newBlobReader(blob js.Value) *blobReader {
	return &blobReader{blob: blob, size: int64(blob.Get("size").Float())}
}

// start begins reading len(buf) bytes at off (off+len(buf) ≤ size).
func (b *blobReader) start(off int64, buf []byte) *blobRead {
	r := &blobRead{off: off, buf: buf, done: make(chan error, 1)}
	var then, fail js.Func
	release := func() { then.Release(); fail.Release() }
	then = js.FuncOf(func(this js.Value, args []js.Value) any {
		js.CopyBytesToGo(r.buf, js.Global().Get("Uint8Array").New(args[0]))
		release()
		r.done <- nil
		return nil
	})
	fail = js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "the browser could not read the file"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		release()
		r.done <- fmt.Errorf("reading bytes %d-%d: %s", off, off+int64(len(buf)), msg)
		return nil
	})
	b.blob.Call("slice", float64(off), float64(off+int64(len(buf)))).Call("arrayBuffer").Call("then", then, fail)
	return r
}

// wait blocks until r's bytes are in.
func (r *blobRead) wait() error {
	if r.ready {
		return nil
	}
	if err := <-r.done; err != nil {
		return err
	}
	r.ready = true
	return nil
}

// ReadAt implements io.ReaderAt.
func (b *blobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.size-off))
	var err error
	if n < directBelow {
		r := b.start(off, p[:n])
		err = r.wait()
	} else {
		err = b.readBlocks(p[:n], off)
	}
	if err != nil {
		return 0, err
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// readBlocks fills p from the blocks holding bytes off…off+len(p).
func (b *blobReader) readBlocks(p []byte, off int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for done := 0; done < len(p); {
		pos := off + int64(done)
		blk, err := b.block(pos / blockSize * blockSize)
		if err != nil {
			return err
		}
		done += copy(p[done:], blk.buf[pos-blk.off:])
	}
	return nil
}

// block returns the block starting at off once it is read, and starts the
// read of the block after it.
func (b *blobReader) block(off int64) (*blobRead, error) {
	var spare []byte // a finished block's buffer, reused for the next read
	switch {
	case b.cur != nil && b.cur.off == off:
	case b.next != nil && b.next.off == off:
		if b.cur != nil && b.cur.ready {
			spare = b.cur.buf
		}
		b.cur, b.next = b.next, nil
	default: // random access: both blocks are dropped (a read under way just lands unused)
		b.cur, b.next = b.start(off, make([]byte, min(blockSize, b.size-off))), nil
	}
	if err := b.cur.wait(); err != nil {
		b.cur = nil
		return nil, err
	}
	if after := off + blockSize; after < b.size && b.next == nil {
		size := min(blockSize, b.size-after)
		if int64(cap(spare)) < size {
			spare = make([]byte, size)
		}
		b.next = b.start(after, spare[:size])
	}
	return b.cur, nil
}
