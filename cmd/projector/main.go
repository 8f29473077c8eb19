// Command projector is the native command-line face of the embedding projector:
// the same parse/ and reduce/ code the page runs, for pipelines and for data too
// big for a browser tab.
//
//	projector validate [--json] PATH...
//	projector reduce --method pca|tsne|umap [--dims 2|3] [--perplexity P] [--iterations I] [--neighbors K] [--min-dist D] [--epochs E] [--seed S] [--out FILE] PATH...
//
// Each subcommand parses its flags with its own flag.FlagSet; flags may come
// before or after the paths ("--" ends them), and -h lists them.
//
// Exit status: 0 success, 1 the data has an error that blocks it, 2 usage error.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage:
  projector validate [--json] PATH...
  projector reduce --method pca|tsne|umap [--dims 2|3] [--perplexity P] [--iterations I] [--neighbors K] [--min-dist D] [--epochs E] [--seed S] [--out FILE] PATH...
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "validate":
		return runValidate(args[1:], stdout, stderr)
	case "reduce":
		return runReduce(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "projector: unknown command %q\n%s", args[0], usage)
		return 2
	}
}
