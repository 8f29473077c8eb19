package parse

import "github.com/embproj/projector/parse/tfevents"

// The event-file reader's codes are documented with parse's own (its
// count-mismatch keeps parse's meaning).
func init() { mergeCodes(EventsCodePrefix, tfevents.Codes) }
