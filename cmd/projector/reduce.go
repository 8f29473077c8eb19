package main

import (
	"fmt"
	"io"
)

// runReduce implements "projector reduce". Placeholder until reduce/ lands (issue 4).
func runReduce(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "projector reduce: not implemented yet")
	return 2
}
