//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/embproj/projector/session"
)

// The view in the URL fragment (session/fragment.go): read once at the start
// and on hashchange, written back (site/app.js debounces it and uses
// history.replaceState, so Back is not flooded) as the view changes. Only
// settings go into the URL, never data, labels or positions.

// fragmentEvery is how often the fragment is compared with the view.
const fragmentEvery = 250 * time.Millisecond

// linkState is the page's side of the link: the fragment the page was
// opened with (until the first frame hands it to the session), the
// fragment last written, when it was last compared, and the notice last
// shown for a link.
type linkState struct {
	initial     string
	written     string
	checked     time.Time
	lastNotice  string
	initialSeen bool
}

// startLink reads the fragment the page was opened with.
func (a *app) startLink() {
	a.link.initial = js.Global().Get("location").Get("hash").String()
	a.link.written = trimHash(a.link.initial)
}

func trimHash(h string) string {
	if len(h) > 0 && h[0] == '#' {
		return h[1:]
	}
	return h
}

// openLink hands a fragment's view to the session; one that cannot be read
// is said in the notice and the status (viewError).
func (a *app) openLink(hash string, patient bool) {
	if trimHash(hash) == "" {
		return
	}
	st, err := session.ParseFragment(hash)
	if err != nil {
		a.sess.SetViewError(err.Error())
		a.dom.notice(a.sess.Status().ViewError)
		return
	}
	a.sess.OpenLink(st, patient)
}

// syncLink hands the initial fragment to the session once the first frame
// is drawn (the demo waits for no link), says what became of a link in the
// notice, and writes the view's fragment when it changed.
func (a *app) syncLink() {
	if !a.drawn {
		return
	}
	if !a.link.initialSeen {
		a.link.initialSeen = true
		a.openLink(a.link.initial, true) // the demo shown first only says it is other data
	}
	if link := a.sess.LinkState(); link != "" {
		msg := a.sess.ViewError()
		if link == session.LinkApplied || link == session.LinkRerunning {
			msg = ""
		}
		if msg != a.link.lastNotice {
			a.link.lastNotice = msg
			a.dom.notice(msg)
		}
	}
	if time.Since(a.link.checked) < fragmentEvery {
		return
	}
	a.link.checked = time.Now()
	frag, ok := a.sess.Fragment()
	if !ok || frag == a.link.written {
		return
	}
	a.link.written = frag
	if f := js.Global().Get("projectorSetFragment"); f.Type() == js.TypeFunction {
		f.Invoke(frag)
	}
}
