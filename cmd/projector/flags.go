package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlagSet returns a FlagSet for a subcommand that reports errors to its
// caller instead of printing them: parseInterspersed's caller prints them
// with printUsage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses args with fs and returns the positional
// arguments (paths). Unlike fs.Parse alone it lets flags follow paths
// ("a.tsv --json"): after each positional argument parsing resumes. "--"
// ends the flags: everything after it is a path. The error is
// flag.ErrHelp for -h or --help.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(paths, rest...), nil
		}
		if len(rest) == 0 {
			return paths, nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// printUsage writes a subcommand's usage line, its flags as fs.PrintDefaults
// lists them, and the notes after them.
func printUsage(w io.Writer, fs *flag.FlagSet, line, notes string) {
	fmt.Fprintf(w, "usage: %s\n", line)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(w, notes)
}

// usageError reports a parse error as a subcommand does: help on stdout
// with status 0 for -h/--help, else the error and the usage on stderr with
// status 2.
func usageError(err error, stdout, stderr io.Writer, fs *flag.FlagSet, line, notes string) int {
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, fs, line, notes)
		return 0
	}
	fmt.Fprintf(stderr, "projector %s: %v\n", fs.Name(), err)
	printUsage(stderr, fs, line, notes)
	return 2
}
