# Veil. The two set-up commands are `make run` and `make test`; both install
# what they need (Debian packages, the face-detector model) on their own.
SHELL := /bin/bash
GO ?= go
# The build tag lists live in tags.mk (why each tag is there, too); exported,
# so scripts and the e2e tests build with exactly these.
include tags.mk
export VEIL_TAGS VEIL_TEST_TAGS VEIL_RELEASE_TAGS VEIL_PACKAGE_TAGS VEIL_MACOS_TAGS VEIL_MACOS_TEST_TAGS
FUZZTIME ?= 60
# go test's per-package limit, which only ends a hang. The slowest packages
# (metadata, e2e) take minutes on an idle two-core machine, but under nice 10
# beside two busy loops and other jobs (load 15-25) e2e took 28 minutes and
# metadata 52, so the old 20m limit failed healthy runs and 60m was close.
export TEST_TIMEOUT := 3h
BIN := bin/veil

.PHONY: all deps deps-test deps-smoke model build run release test test-race portable fuzz smoke package windows dist test-windows bench measure-heic clean

all: build

deps: ## Debian packages to build the GUI binary (cgo, GL, X11, libjpeg-turbo)
	./scripts/deps.sh build

deps-test:
	./scripts/deps.sh test

deps-smoke:
	./scripts/deps.sh smoke

model: ## provision assets/yunet_n_dynamic.onnx (never committed)
	./scripts/provision-model.sh

build: deps model
	$(GO) build -tags $(VEIL_TAGS) -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

release: deps model
	$(GO) build -tags $(VEIL_RELEASE_TAGS) -trimpath -ldflags="-s -w" -o $(BIN) .

# make test: vet, every unit and integration test (headless, Fyne's ci tag), the
# race detector over the concurrent packages and the cgo-free builds. It is
# deterministic: every fuzz target runs its seed corpus and saved failures
# (testdata/fuzz) as part of go test, while the random search for new
# failures is "make fuzz", so the gate never fails on the luck of a search.
# deps-test installs FFmpeg, so the video tests must run, not skip.
test: export VEIL_NEED_FFMPEG := 1
test: deps-test model
	gofmt -l . | (! grep .) || { echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet -tags $(VEIL_TEST_TAGS) ./...
	$(GO) test -tags $(VEIL_TEST_TAGS) -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) --no-print-directory test-race
	$(MAKE) --no-print-directory portable

test-race: export VEIL_NEED_FFMPEG := 1
test-race:
	$(GO) test -race -short -tags $(VEIL_TEST_TAGS) -count=1 -timeout $(TEST_TIMEOUT) ./...

# Everything but the GUI builds without cgo, for Linux, Windows and macOS
# (JPEG then decodes through photo/internal/libjpegwasm, with the same
# pixels): files with C or assembly keep complete build constraints, and
# Unix-only calls stay in files that say so. Through the cgo-free decoder
# PDQ still matches Meta's reference vectors. The command line builds for
# macOS on arm64 too, and everything (the app included) vets for Windows, so
# a Unix-only call is caught at once. (Fyne's GL driver needs cgo everywhere.)
CORES := ./assets/... ./cli/... ./fingerprint/... ./internal/... ./metadata/... ./outfile/... ./photo/... ./redact/...
portable: model
	for os in linux windows darwin; do \
		CGO_ENABLED=0 GOOS=$$os GOARCH=amd64 $(GO) build -tags $(VEIL_TAGS) $(CORES) ./cmd/veil-cli || exit 1; \
	done
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) build -tags $(VEIL_TAGS) -o /dev/null ./cmd/veil-cli
	CGO_ENABLED=0 $(GO) test -tags $(VEIL_TEST_TAGS) -count=1 -run '^(TestJPEGWithoutCgo|TestReference|TestReferenceDihedral|TestReferenceEdge)$$' ./photo ./fingerprint ./fingerprint/pdq
	CGO_ENABLED=0 GOOS=windows $(GO) vet -tags $(VEIL_TEST_TAGS) ./...
	CGO_ENABLED=0 GOOS=darwin $(GO) vet -tags $(VEIL_MACOS_TEST_TAGS) $(CORES)

fuzz: deps-test model
	./scripts/fuzz.sh $(FUZZTIME)

bench: deps-test model
	$(GO) test -tags $(VEIL_TEST_TAGS) -run '^$$' -bench . -benchmem ./...

measure-heic: build ## veil hash of a 12 MP iPhone HEIC beside libheif's heif-convert
	./scripts/deps.sh measure
	./scripts/measure-heic.sh $(BIN)

smoke: build deps-smoke
	./scripts/smoke.sh $(BIN) out/smoke

package: deps model
	$(GO) install fyne.io/fyne/v2/cmd/fyne@v2.7.1
	@# fyne package bumps the build number in FyneApp.toml and leaves the
	@# bundle in the working tree: keep the file as committed, the bundle in dist/.
	mkdir -p dist && cp FyneApp.toml dist/.FyneApp.toml
	PATH="$$($(GO) env GOPATH)/bin:$$PATH" fyne package -os linux -tags $(VEIL_PACKAGE_TAGS) -release; \
		status=$$?; mv -f dist/.FyneApp.toml FyneApp.toml; [ ! -f Veil.tar.xz ] || mv -f Veil.tar.xz dist/; exit $$status

# Windows, cross-built here (scripts/windows.sh): bin/veil.exe (the app) and
# bin/veil-cli.exe (the command line); dist zips them with the licences.
# A cold build compiles Fyne's C code for Windows (~11 min); then seconds.
windows: model
	./scripts/windows.sh build

dist: windows
	./scripts/windows.sh dist

# The Windows build under wine: go test, the CLI against the Linux build on
# every fixture, the GUI with quick exit (scripts/test-windows.sh). Not part
# of make test: it installs wine and takes over an hour on this machine.
test-windows: windows
	./scripts/test-windows.sh

clean:
	rm -rf bin dist out build
