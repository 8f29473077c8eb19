package parse

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryCode keeps the README's table of diagnostic codes
// complete: every code Load can produce is listed there.
func TestREADMEDocumentsEveryCode(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for code := range Codes {
		if !strings.Contains(readme, "| `"+code+"` |") {
			t.Errorf("README.md does not document the diagnostic code %q", code)
		}
	}
}
