// Command serve serves the built site on 127.0.0.1 and prints its address:
//
//	go run ./scripts/serve [-dir dist] [-port 8080]
//
// The port also comes from $PORT; 0 picks a free one.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/embproj/projector/scripts/static"
)

func main() {
	port := 8080
	if p, err := strconv.Atoi(os.Getenv("PORT")); err == nil {
		port = p
	}
	dir := flag.String("dir", "dist", "the built site folder")
	flag.IntVar(&port, "port", port, "port on 127.0.0.1 (0 picks a free one)")
	flag.Parse()
	if _, err := os.Stat(*dir + "/index.html"); err != nil {
		fmt.Fprintf(os.Stderr, "serve: %s has no index.html; run 'make build' first\n", *dir)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v (set another port with PORT=8081 make serve)\n", err)
		os.Exit(1)
	}
	fmt.Printf("Embedding Projector: open http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	if err := http.Serve(ln, static.Handler(*dir)); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
