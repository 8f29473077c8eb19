package session

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// The URL fragment: the small part of the view State (method and its
// parameters, seed, camera, colour and label columns, search and a
// selection of up to MaxFragmentSelection rows, and the data's fingerprint)
// as "view=" and the State's JSON, percent-escaped. It is the view file's
// encoding without the positions: never the vectors, labels or layout.

// MaxFragmentSelection is the largest selection (rows) a fragment holds;
// a larger one is left out of it.
const MaxFragmentSelection = 1000

// fragmentKey starts every view fragment.
const fragmentKey = "view="

// Link states, as #status's data-state "link" says them.
const (
	LinkWaiting   = "waiting"   // a fragment waits for the data it names
	LinkApplied   = "applied"   // the fragment's view is shown
	LinkRefused   = "refused"   // other data were opened: it was not applied
	LinkRerunning = "rerunning" // its t-SNE runs again; the camera follows at the end
)

// pendingLink is a fragment's view waiting for ready data to compare with.
type pendingLink struct {
	st State
	// patient: the first other data (the demo shown on a reload) only
	// say so; the next refuse it.
	patient bool
}

// Fragment returns the URL fragment (without '#') of the view shown; ok is
// false while there is nothing to describe (no data or their fingerprint
// not hashed yet, a subset isolated) or a link waits for its data.
func (s *Session) Fragment() (frag string, ok bool) {
	if s.data == nil || s.iso != nil || s.fprint.fp == nil || s.link != nil || s.status.Phase != Ready {
		return "", false
	}
	st := s.settingsState(*s.fprint.fp)
	if len(st.Selection) > MaxFragmentSelection {
		st.Selection = nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return "", false // only numbers and strings: cannot happen
	}
	return fragmentKey + escapeFragment(string(b)), true
}

// escapeFragment percent-escapes what a URL fragment may not hold as is
// (RFC 3986 pchar, "/" and "?"), and '%', '&', '=', '+' and '#'.
func escapeFragment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!$'()*,;:@/?", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ParseFragment reads a fragment Fragment wrote (with or without the
// leading '#'). Positions in it are ignored (a URL never carries them).
func ParseFragment(frag string) (State, error) {
	frag = strings.TrimPrefix(frag, "#")
	if !strings.HasPrefix(frag, fragmentKey) {
		return State{}, fmt.Errorf("the link's fragment does not start with %q", fragmentKey)
	}
	text, err := url.PathUnescape(frag[len(fragmentKey):])
	if err != nil {
		return State{}, fmt.Errorf("the link's view is not properly escaped: %w", err)
	}
	var st State
	if err := json.Unmarshal([]byte(text), &st); err != nil {
		return State{}, fmt.Errorf("the link's view cannot be read: %w", err)
	}
	if st.Format != StateFormat {
		return State{}, fmt.Errorf("the link's view has format %q, want %q", st.Format, StateFormat)
	}
	st.Positions = nil
	return st, nil
}

// OpenLink keeps st (from a link's fragment) to apply as soon as data whose
// fingerprint it names are ready (Work compares each dataset that becomes
// ready). patient: the first other data only say so and the link keeps
// waiting (the demo shown before the user opens their files); otherwise,
// and for the next other data, it is refused and said in ViewError.
func (s *Session) OpenLink(st State, patient bool) {
	s.link = &pendingLink{st: st, patient: patient}
	s.linkState = LinkWaiting
	s.linkTried = nil
}

// ViewError is #status's viewError: why the last view (a file or a link)
// was not applied.
func (s *Session) ViewError() string { return s.viewError }

// LinkState says where the last link stands: "" (none), or LinkWaiting,
// LinkRerunning, LinkApplied, LinkRefused.
func (s *Session) LinkState() string { return s.linkState }

// workLink applies or refuses a waiting link once the data shown are
// ready and fingerprinted, each dataset once.
func (s *Session) workLink() Changes {
	if s.link == nil || s.data == nil || s.fprint.fp == nil || s.status.Phase != Ready || s.linkTried == s.data {
		return Changes{}
	}
	s.linkTried = s.data
	l := s.link
	fp := *s.fprint.fp
	if l.st.Data != fp {
		if l.patient {
			l.patient = false
			s.viewError = asSentence(fmt.Sprintf("the link's view was made with other data (%s; these are %s): open those files to see it", l.st.Data, fp))
			return Changes{Status: true}
		}
		s.link, s.linkState = nil, LinkRefused
		s.viewError = asSentence(fmt.Sprintf("the link's view was not applied: %v: it was made with %s, these data are %s", ErrOtherData, l.st.Data, fp))
		return Changes{Status: true}
	}
	s.link = nil
	ch, err := s.ApplyState(l.st)
	if err != nil {
		s.linkState = LinkRefused
		s.viewError = asSentence("the link's view was not applied: " + err.Error())
		return Changes{Status: true}
	}
	s.linkState = LinkApplied
	if s.cameraAfterRun != nil {
		s.linkState = LinkRerunning
	}
	return ch
}

// rerun starts st's t-SNE or UMAP again (same seed and settings, so the
// same layout) to its iteration or epoch count; a camera ApplyState restores
// waits for the end of the run (releaseCamera).
func (s *Session) rerun(st State) {
	s.startRun()
	if st.TSNE != nil && st.Method == MethodTSNE && st.TSNE.MaxIterations > 0 {
		s.run.SetMaxIterations(st.TSNE.MaxIterations)
	}
	s.cameraRun = s.run
}

// restoreCamera keeps st's camera for TakeCamera (Changes.Camera: true),
// or, while a t-SNE is run again, until its end; it reports the former.
func (s *Session) restoreCamera(st State) bool {
	s.cameraAfterRun = nil
	if st.Camera == nil {
		return false
	}
	c := *st.Camera
	if (st.Method == MethodTSNE || st.Method == MethodUMAP) && len(st.Positions) == 0 {
		s.cameraAfterRun = &c
		return false
	}
	s.camera, s.cameraRestored = &c, true
	return true
}

// releaseCamera restores the camera kept for the end of a t-SNE run run
// again, once it is done (Changes.Camera); another run, another method or
// new data forget it.
func (s *Session) releaseCamera(ch *Changes) {
	if s.cameraAfterRun == nil {
		return
	}
	if (s.set.Method != MethodTSNE && s.set.Method != MethodUMAP) || s.data == nil || s.run != s.cameraRun {
		s.cameraAfterRun = nil
		return
	}
	if s.runState != runDone {
		return
	}
	s.camera, s.cameraRestored = s.cameraAfterRun, true
	s.cameraAfterRun, s.cameraRun = nil, nil
	if s.linkState == LinkRerunning {
		s.linkState = LinkApplied
	}
	ch.Camera = true
}

// merge returns what c or o changed.
func (c Changes) merge(o Changes) Changes {
	return Changes{Status: c.Status || o.Status, Points: c.Points || o.Points, Refit: c.Refit || o.Refit,
		Style: c.Style || o.Style, Banner: c.Banner || o.Banner, Inspect: c.Inspect || o.Inspect, Camera: c.Camera || o.Camera}
}
