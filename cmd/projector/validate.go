package main

import (
	"fmt"
	"io"
)

// runValidate implements "projector validate". Placeholder until parse/ lands (issue 3).
func runValidate(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "projector validate: not implemented yet")
	return 2
}
