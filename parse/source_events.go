package parse

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embproj/projector/parse/tfevents"
)

// The event-file reader's codes are documented with parse's own (its
// count-mismatch keeps parse's meaning).
func init() { mergeCodes(EventsCodePrefix, tfevents.Codes) }

// eventsSource offers the embeddings of TensorBoard event files
// (events.out.tfevents.*): every rank-2 float tensor summary is a candidate,
// labelled by the text summary tfevents.Pair chose for it. The files are
// scanned through File.ReaderAt in bounded pieces, never read whole.
//
// Event files are often only a run's scalars and images beside a projector
// config or a PyTorch run folder; their candidates come after every other
// source's (see loader.offer), their findings are reported only with the
// candidate shown, and files without an embedding get one info in all when
// something else can be shown.
type eventsSource struct{}

// eventsScan is what tfevents.Scan found in one event file.
type eventsScan struct {
	file int // index into loader.files
	res  *tfevents.Result
}

func (eventsSource) offer(l *loader, prev []*candidate) []*candidate {
	scans := l.scanEvents()
	if len(scans) == 0 {
		return nil
	}
	cands := l.eventCandidates(scans)
	others := len(prev) > 0 || len(cands) > 0 || l.hasTensorFile()
	l.noteUnusedEvents(scans, cands, others)
	return cands
}

// hasTensorFile reports whether any file could be a tensor for filesSource (a
// tensor kind, or a checkpoint it explains).
func (l *loader) hasTensorFile() bool {
	for _, k := range l.kinds {
		if tensorRank(k) > 0 || k == KindCheckpoint {
			return true
		}
	}
	return false
}

// scanEvents scans every event file among l.files, in order.
func (l *loader) scanEvents() []eventsScan {
	var out []eventsScan
	var base int64
	for i, k := range l.kinds {
		if k != KindEvents {
			continue
		}
		f := l.files[i]
		out = append(out, eventsScan{file: i, res: l.scanEventsFile(f, base)})
		base += f.size()
	}
	return out
}

// scanEventsFile scans one event file through its ReaderAt (or its Data when
// it was small enough to be read whole), ticking the Stepper as it goes; base
// is the bytes of the event files scanned before it.
func (l *loader) scanEventsFile(f File, base int64) *tfevents.Result {
	step := l.r.step
	var ra io.ReaderAt = bytes.NewReader(f.Data)
	size := int64(len(f.Data))
	if f.streamed() {
		ra, size = tickingReaderAt{f.ReaderAt, step}, f.Size
	}
	if step != nil {
		step.base = base
	}
	opts := tfevents.Options{
		MaxTensorBytes: l.opts.maxBytes(),
		Progress:       func(done, _ int64) { step.tick(done) },
	}
	return tfevents.Scan(f.Name, ra, size, opts)
}

// tickingReaderAt ticks the Stepper after every read: Scan reads 1 MiB
// windows but reports progress only every 8 MiB, too seldom for a frame's
// time slice when a window arrives from a Blob.
type tickingReaderAt struct {
	ra   io.ReaderAt
	step *Stepper
}

// ReadAt implements io.ReaderAt.
func (t tickingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := t.ra.ReadAt(p, off)
	t.step.tick(off + int64(n))
	return n, err
}

// eventCandidates pairs the embeddings and labels of all scans (labels may
// come from another file of the same run) and makes one candidate per
// embedding, in tfevents.Pair's order: by tag, latest step first.
func (l *loader) eventCandidates(scans []eventsScan) []*candidate {
	var embs []tfevents.Tensor
	var labels []tfevents.Labels
	fileOf := map[string]eventsScan{}
	for _, s := range scans {
		embs = append(embs, s.res.Embeddings...)
		labels = append(labels, s.res.Labels...)
		fileOf[s.res.File] = s
	}
	if len(embs) == 0 {
		return nil
	}
	pairs, finds := tfevents.Pair(embs, labels)
	names := eventNames(pairs)
	meta := -1
	if len(labels) == 0 {
		meta = l.loneMetadata()
	}
	out := make([]*candidate, len(pairs))
	for i, p := range pairs {
		s := fileOf[p.Embedding.File]
		c := newCandidate(names[i], "events")
		c.tensor, c.metadata = s.file, meta
		c.read = eventsReader(p)
		for _, f := range s.res.Findings {
			c.note(eventsDiagnostic(f, p, true))
		}
		for _, f := range finds {
			if f.Code == "events-info-not-tensorboard" || f.File == p.Embedding.File && f.Offset == p.Embedding.Offset {
				f.File = p.Embedding.File
				c.note(eventsDiagnostic(f, p, true))
			}
		}
		out[i] = c
	}
	return out
}

// loneMetadata returns the index of the one metadata text among the files
// when there is exactly one and no file can be a tensor, else -1: it labels
// event-file embeddings that have no text summary.
func (l *loader) loneMetadata() int {
	if l.hasTensorFile() {
		return -1
	}
	m := -1
	for i, k := range l.kinds {
		if k == KindText {
			if m >= 0 {
				return -1
			}
			m = i
		}
	}
	return m
}

// eventNames names each candidate by its tag, adding the step when the tag
// has several ("emb @ step 10"), and the file when two would share a name.
func eventNames(pairs []tfevents.Candidate) []string {
	steps := map[string]int{}
	for _, p := range pairs {
		steps[p.Embedding.Tag]++
	}
	names := make([]string, len(pairs))
	seen := map[string]int{}
	for i, p := range pairs {
		e := p.Embedding
		name := e.Tag
		if steps[e.Tag] > 1 {
			name = fmt.Sprintf("%s @ step %d", e.Tag, e.Step)
		}
		if seen[name] > 0 {
			name = fmt.Sprintf("%s (%s)", name, path.Base(e.File))
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s #%d", name, n)
		}
		names[i] = name
	}
	return names
}

// eventsReader returns the read func of an event-file candidate: the
// embedding's values, rows 1..N, and its paired labels as the one column.
func eventsReader(p tfevents.Candidate) func(l *loader) *tensor {
	return func(l *loader) *tensor {
		e := p.Embedding
		t := &tensor{file: e.File, n: e.Rows, d: e.Cols, vals: e.Values, format: "events", declaredN: -1}
		t.rows = make([]int32, t.n)
		for i := range t.rows {
			t.rows[i] = int32(i + 1)
		}
		if p.Labels != nil {
			t.labels = []Column{{Name: p.Labels.Tag, Values: p.Labels.Values}}
		}
		l.r.step.estimate(t.n, t.d)
		return t
	}
}

// noteUnusedEvents reports the event files that offered no embedding. When
// nothing else can be shown (others false) their findings are reported as
// they are (an events-not-tfrecord blocks) and filesSource stays quiet; else
// they are named in one info, damaged or not, so that a run's scalars never
// clutter or block the embedding shown.
func (l *loader) noteUnusedEvents(scans []eventsScan, cands []*candidate, others bool) {
	used := map[int]bool{}
	for _, c := range cands {
		used[c.tensor] = true
	}
	var unused []eventsScan
	for _, s := range scans {
		if !used[s.file] {
			unused = append(unused, s)
		}
	}
	if len(unused) == 0 {
		return
	}
	if !others {
		l.eventsExplained = true
		for _, s := range unused {
			for _, f := range s.res.Findings {
				l.r.add(eventsDiagnostic(f, tfevents.Candidate{}, false))
			}
		}
		return
	}
	l.r.add(unusedEventsInfo(unused))
}

// unusedEventsInfo is the one info naming the event files that hold no
// embedding, what each holds, and its first problem, if any.
func unusedEventsInfo(unused []eventsScan) Diagnostic {
	parts := make([]string, len(unused))
	for i, s := range unused {
		parts[i] = path.Base(s.res.File) + " (" + eventsContents(s.res) + ")"
	}
	d := Diagnostic{Severity: Info, Code: "events-no-embedding"}
	if len(unused) == 1 {
		d.File = unused[0].res.File
		d.Message = fmt.Sprintf("The event file %s holds no embedding; it was not used.", parts[0])
	} else {
		d.Message = fmt.Sprintf("%d event files hold no embedding and were not used: %s.", len(unused), strings.Join(parts, "; "))
	}
	return d
}

// eventsContents says briefly what a scanned file holds, or its first
// error or warning when it is damaged.
func eventsContents(res *tfevents.Result) string {
	for _, sev := range []tfevents.Severity{tfevents.Error, tfevents.Warning} {
		for _, f := range res.Findings {
			if f.Severity == sev {
				return fmt.Sprintf("%s; %s at byte %d", res.Counts.Describe(), f.Msg, max(f.Offset, 0))
			}
		}
	}
	return res.Counts.Describe()
}

// eventsDiagnostic turns a reader finding into a Diagnostic with a fix. p is
// the candidate it is reported with (zero when none). With shown set the
// embedding was read whole, so an error about the rest of the file (a read
// error further on) only warns.
func eventsDiagnostic(f tfevents.Finding, p tfevents.Candidate, shown bool) Diagnostic {
	sev := Severity(f.Severity)
	if shown && sev == Error {
		sev = Warning
	}
	return Diagnostic{Severity: sev, Code: Code(f.Code), File: f.File, Offset: atOffset(f.Offset),
		Message: sentence(f.Msg), Fix: eventsFix(f.Code, p)}
}

// eventsFix says what to do about a finding of the event-file reader.
func eventsFix(code string, p tfevents.Candidate) string {
	switch code {
	case "count-mismatch":
		n := 0
		if p.Embedding != nil {
			n = p.Embedding.Rows
		}
		return fmt.Sprintf("Write one label per point: a text summary of exactly %d strings, in the order of the embedding's rows, at the same step "+
			"(tf.summary.text(\"labels\", tf.constant(labels), step=step)).", n)
	case "events-no-embedding":
		return "Write the vectors as a rank-2 float tensor summary (TF2: tf.summary.write(\"embedding\", vectors, step=0) " +
			"inside a tf.summary.create_file_writer(logdir).as_default() block) and the labels with tf.summary.text; " +
			"or open what TensorBoard's projector reads: a checkpoint or tensors.tsv with projector_config.pbtxt (PyTorch: SummaryWriter.add_embedding)."
	case "events-not-tfrecord":
		return "Choose the events.out.tfevents.* file as TensorBoard wrote it; this file has another format (a renamed or partly downloaded file?)."
	case "events-read-error":
		return "Choose the file again (it may have been moved or changed while it was read)."
	case "events-crc", "events-malformed":
		return "The file is damaged (a broken copy or disk); copy it again from the machine that wrote it. The other records were read."
	case "events-truncated":
		return "The run may still be writing, or the copy was cut short: copy the file again once the run has finished."
	case "events-tensor-too-large":
		return "Write a sample of the points (fewer rows), or export the vectors to .npy and open that."
	case "events-dtype":
		return "Cast the tensor to float32 before writing it (tf.cast(vectors, tf.float32))."
	case "events-tensor-shape":
		return "Write the tensor again: its stored values do not match its shape."
	case "events-labels-several-lines":
		return "To keep labels that contain line breaks, write them as a 1-D string tensor, one element per point."
	case "events-info-not-tensorboard":
		return "To see it in TensorBoard too, save the vectors as a checkpoint or tensors.tsv with a projector_config.pbtxt (tensorboard.plugins.projector.visualize_embeddings)."
	}
	return ""
}
