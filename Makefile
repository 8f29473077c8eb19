# The two commands of the README: 'make serve' and 'make test'.
GO      ?= go
PORT    ?= 8080
DIST    ?= dist
# Packages free of Ebiten and syscall/js: tested natively and as js/wasm under Node.
PURE    := ./parse/... ./reduce/... ./render/view/... ./session/... ./cmd/...
WASMRUN := PATH="$$PATH:$$($(GO) env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm

.PHONY: all build serve test check unit unit-wasm e2e tools bench clean

all: build

## build: compile the wasm and assemble the static site into $(DIST)/
build:
	$(GO) run ./scripts/build -out $(DIST)

## serve: build, then serve $(DIST)/ on 127.0.0.1:$(PORT)
serve: build
	$(GO) run ./scripts/serve -dir $(DIST) -port $(PORT)

## test: every test: static checks, unit tests (native and js/wasm), browser tests
test: tools check unit unit-wasm e2e

tools:
	scripts/ensure-tools.sh

check:
	scripts/check.sh

# The race detector (about 10x slower) runs where goroutines run: parse (its
# Stepper), cmd, the scripts, and reduce's tests of several workers (named
# *Workers*); the rest of reduce and session is single-threaded and runs
# without it.
RACE    := ./parse/... ./render/view/... ./cmd/... ./scripts/static/... ./scripts/build/...
unit:
	$(GO) test -race -count=1 $(RACE)
	$(GO) test -race -count=1 -run 'Workers' ./reduce/...
	$(GO) test -count=1 ./reduce/... ./session/...

unit-wasm:
	$(WASMRUN) $(GO) test -count=1 $(PURE)

e2e: build tools
	$(GO) test -count=1 -timeout 20m ./scripts/e2e/ -dist $(CURDIR)/$(DIST)

## bench: benchmarks natively and as js/wasm under Node
bench:
	$(GO) test -run XXX -bench . $(PURE)
	$(WASMRUN) $(GO) test -run XXX -bench . $(PURE)

clean:
	rm -rf $(DIST)
