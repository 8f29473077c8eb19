package parse

// A Load is one short pipeline (pipeline.go):
//
//	gather   unpack wrappers, classify every file, note placeholders and model files
//	offer    every source lists the embeddings it can see: []*candidate
//	choose   Options.Embedding, else the first candidate that can be drawn;
//	         every other candidate that cannot be drawn is reported as a warning
//	build    read metadata and tensor, reconcile counts, clean rows, assemble
//
// Sources (the sources variable, in order) each look at the classified files
// and offer candidates. Today: configSource (projector_config.json / .pbtxt,
// one candidate per embedding, source_config.go; an embedding with a
// tensor_name and no tensor_path is read from the checkpoint), pytorchSource (the
// NNNNN/<tag>/tensors.tsv folders of SummaryWriter.add_embedding that the
// config does not list, source_pytorch.go), checkpointSource (the rank-2
// float tensors of the latest TensorFlow checkpoint when no config names one,
// source_checkpoint.go), eventsSource (the rank-2 float tensor summaries of
// TensorBoard event files, source_events.go, listed after every other
// source's candidates) and filesSource (a tensor and a metadata file chosen by
// content, only when no other source offered anything but event-file
// embeddings, source_files.go). Several candidates become the page's
// several-embeddings choice: their names are Report.Embeddings, in order, and
// Options.Embedding (action "embedding=I") picks one.
//
// # Plugging in the checkpoint and event-file readers
//
// Each comes as one file in this package (source_checkpoint.go,
// source_events.go) that imports its reader package, adds its codes with
//
//	func init() { mergeCodes(CheckpointCodePrefix, tfckpt.Codes) }
//	func init() { mergeCodes(EventsCodePrefix, tfevents.Codes) }
//
// and implements source:
//
//	type source interface {
//		offer(l *loader, prev []*candidate) []*candidate
//	}
//
// appended to sources before filesSource. offer sees l.files (every File,
// with ReaderAt and Size when the page gave a Blob: the checkpoint's .index and
// .data-NNNNN-of-NNNNN and the events file are never read whole, see
// prepareStreams and KindCheckpoint/KindEvents), l.kinds, l.r (the report) and
// l.r.step (the Stepper: call l.r.step.tick(bytesDone) every few MB while
// scanning an events file so the page stays responsive and shows progress).
// prev are the candidates of earlier sources, so that a source can skip what
// a config already names.
//
// A candidate of such a source carries read instead of a tensor file:
//
//	read func(l *loader) *tensor
//
// read is called only for the chosen candidate; it returns N×D float32
// row-major in tensor.vals (with rows 1..N, format "checkpoint" or "events",
// and string labels, e.g. tf.summary.text, as tensor.labels) or nil after
// reporting why. The checkpoint source reads only the byte range of the
// wanted tensor through File.ReaderAt. For a config embedding with a
// tensor_name and no tensor_path, configSource asks l.checkpointTensor
// (source_config.go), the one hook to replace: it returns the read func for
// that name, or the diagnostics saying why there is none.
//
// Their findings enter the report as Diagnostics: a reader error with a code
// of its package's Codes, a file and a byte offset becomes
//
//	Diagnostic{Severity: Error, Code: Code(e.Code), File: e.File, Offset: atOffset(e.Offset), Message: …, Fix: …}
//
// (atOffset maps the readers' -1, "no single position", to nil), added with
// l.r.add while reading, or put in candidate.diags while offering (they are
// reported only if that candidate is shown; candidate.missing marks it as one
// that cannot be drawn, e.g. checkpoint-shard-missing). Location() then writes
// "model.ckpt-1.index, byte 4096" in the CLI and the banner alike. Several
// tensors of a checkpoint (no tensor_name: every rank-2 float tensor, the
// likely embedding first) or several tags and steps of an events file are
// simply several candidates, named as TensorBoard names them.

// candidate is one embedding a source offers.
type candidate struct {
	// name is shown in the embedding choice (Report.Embeddings).
	name string
	// source names where it was found: "config", "pytorch", "checkpoint",
	// "events", "files".
	source string
	// tensor, metadata, sprite and bookmarks are indexes into loader.files, -1 for none.
	tensor, metadata, sprite, bookmarks int
	// shape is [N, D] from a config's tensorShape (zeros: unknown).
	shape [2]int
	// cellDim is the sprite's singleImageDim, when given.
	cellDim []int
	// byContent is set when tensor and metadata roles were read from a config and
	// may be swapped when their contents say the opposite.
	byContent bool
	// read, when not nil, reads the vectors instead of parsing the tensor file;
	// file then names the file it reads (a checkpoint's index), for Report.Offers.
	read func(l *loader) *tensor
	file string
	// diags were found while resolving the candidate; they are reported when it
	// is shown. missing is set when one of them is an error: it cannot be drawn.
	diags   []Diagnostic
	missing bool
}

// source looks at the classified files and offers the embeddings it finds.
// prev are the candidates earlier sources offered.
type source interface {
	offer(l *loader, prev []*candidate) []*candidate
}

// sources are asked in this order; filesSource only speaks when none of the
// others offered anything (event-file candidates aside, when a tensor file is
// given). loader.offer puts the event-file candidates last.
var sources = []source{configSource{}, pytorchSource{}, checkpointSource{}, eventsSource{}, filesSource{}}

// newCandidate returns a candidate with no files.
func newCandidate(name, src string) *candidate {
	return &candidate{name: name, source: src, tensor: -1, metadata: -1, sprite: -1, bookmarks: -1}
}

// note records a diagnostic found while resolving c; an error marks c missing.
func (c *candidate) note(d Diagnostic) {
	c.diags = append(c.diags, d)
	if d.Severity == Error {
		c.missing = true
	}
}

// uses reports whether c reads file i in any role.
func (c *candidate) uses(i int) bool {
	return i >= 0 && (c.tensor == i || c.metadata == i || c.sprite == i || c.bookmarks == i)
}
