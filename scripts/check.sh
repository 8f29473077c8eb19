#!/usr/bin/env bash
# Static checks run by 'make test': formatting, vet (native and js/wasm) and
# the layering rules of DESIGN.md §1.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './dist/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; fail=1
fi

go vet $(go list ./... | grep -v -e '/render$' -e '/wasm$' -e '/wasm/worker$' -e '/wasm/protocol$')
GOOS=js GOARCH=wasm go vet ./render/... ./wasm/...

# parse/ and reduce/ (and the pure view and session packages) depend on
# neither Ebiten nor syscall/js: no package outside the standard library in
# their dependency tree imports syscall/js, and none is Ebiten. (Under js/wasm
# the standard library itself uses syscall/js for os and time; that is fine.)
for pkg in ./parse/... ./reduce/... ./render/view/... ./session/...; do
  bad=$(GOOS=js GOARCH=wasm go list -deps -f '{{if not .Standard}}{{.ImportPath}} {{join .Imports " "}}{{end}}' "$pkg" |
    grep -E '(^| )(syscall/js|github.com/hajimehoshi/ebiten[^ ]*)( |$)' | cut -d' ' -f1 || true)
  if [ -n "$bad" ]; then
    echo "layering: $pkg pulls in Ebiten or syscall/js through: $(echo $bad)"; fail=1
  fi
done
# Only wasm/ imports syscall/js; render/ never imports parse/.
while read -r pkg imports; do
  case "$pkg" in
    */wasm|*/wasm/worker|*/wasm/protocol) ;;
    *) if [[ " $imports " == *" syscall/js "* ]]; then echo "layering: $pkg imports syscall/js (only wasm/ may)"; fail=1; fi ;;
  esac
  case "$pkg" in
    */render|*/render/*) if [[ "$imports" == *"/parse"* ]]; then echo "layering: $pkg imports parse/ (render takes flat slices)"; fail=1; fi ;;
  esac
done < <(GOOS=js GOARCH=wasm go list -f '{{.ImportPath}} {{join .Imports " "}}' ./... )

if [ "$fail" != 0 ]; then
  echo "check: FAILED"; exit 1
fi
echo "check: gofmt, vet and layering OK"
