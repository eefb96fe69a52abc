# Veil. The two set-up commands are `make run` and `make test`; both install
# what they need (Debian packages, the face-detector model) on their own.
SHELL := /bin/bash
GO ?= go
# HEIC/HEIF/AVIF are decoded by the system's libheif through cgo (photo/heif_native.go).
# Builds without it (CGO_ENABLED=0, windows, or the embeddedheif tag) use the embedded
# decoder gen2brain/heic, which Veil never lets load a system libheif (ForceWasmMode).
# For those builds, and for libwebp's WebAssembly encoder (gen2brain/webp) in every build:
# nodynamic: leave gen2brain's dlopen code (purego) out of the binary. For HEIC that is
# link size only; gen2brain/webp has no switch of its own, so without nodynamic it would
# encode redacted WebP with a system libwebp when one is installed.
# wasm2go: the WebAssembly runs as Go code generated at build time, not in the wazero
# runtime: no compile of a module at first use, and no WebAssembly runtime (with its
# socket support) in the binary at all.
# no_animations: Fyne's blinking text cursor and button ripples repaint the
# whole window many times a second; under software GL (virtual machines,
# remote desktops) each repaint costs 20-60 ms of CPU and the window stalled
# behind them. A calm, still interface is also easier on the eyes.
TAGS := nodynamic,wasm2go,no_animations
# Fyne's test driver never animates, so the headless tests keep the base tags.
TEST_TAGS := ci,nodynamic,wasm2go
FUZZTIME ?= 3
BIN := bin/veil

.PHONY: all deps deps-test deps-smoke model build run release test test-race test-cross fuzz smoke package windows dist test-windows bench measure-heic clean

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
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

release: deps model
	$(GO) build -tags $(TAGS),no_emoji,no_metadata,migrated_fynedo -trimpath -ldflags="-s -w" -o $(BIN) .

# make test: vet, every unit and integration test (headless, Fyne's ci tag), the
# race detector over the concurrent packages, and a short run of every fuzz target.
test: deps-test model
	gofmt -l . | (! grep .) || { echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet -tags $(TEST_TAGS) ./...
	$(GO) test -tags $(TEST_TAGS) -count=1 -timeout 20m ./...
	$(MAKE) --no-print-directory test-race
	$(MAKE) --no-print-directory test-cross
	./scripts/fuzz.sh $(FUZZTIME)

test-race:
	$(GO) test -race -short -tags $(TEST_TAGS) -count=1 -timeout 20m ./...

# test-cross: without cgo (JPEG then decodes through photo/internal/libjpegwasm)
# the cores and the command line build for Linux, Windows and macOS, and
# everything vets for Windows, so a Unix-only call is caught at once.
test-cross: model
	for os in linux windows darwin; do \
		GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) build -tags $(TAGS) ./cmd/veil-cli ./cli/... ./metadata/... ./fingerprint/... ./redact/... ./photo/... || exit 1; \
	done
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags $(TAGS) -o /dev/null ./cmd/veil-cli
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet -tags $(TEST_TAGS) ./...

fuzz: deps-test model
	./scripts/fuzz.sh 60

bench: deps-test model
	$(GO) test -tags $(TEST_TAGS) -run '^$$' -bench . -benchmem ./...

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
	PATH="$$($(GO) env GOPATH)/bin:$$PATH" fyne package -os linux -tags $(TAGS),no_emoji,migrated_fynedo -release; \
		status=$$?; mv -f dist/.FyneApp.toml FyneApp.toml; [ ! -f Veil.tar.xz ] || mv -f Veil.tar.xz dist/; exit $$status

# Windows, cross-built here (scripts/windows.sh): bin/veil.exe (the app) and
# bin/veil-cli.exe (the command line); dist zips them with the licences.
# A cold build compiles Fyne's C code for Windows (~11 min); then seconds.
windows: model
	TAGS=$(TAGS) ./scripts/windows.sh build

dist: windows
	TAGS=$(TAGS) ./scripts/windows.sh dist

# The Windows build under wine: go test, the CLI against the Linux build on
# every fixture, the GUI with quick exit (scripts/test-windows.sh). Not part
# of make test: it installs wine and takes about half an hour here.
test-windows: windows
	TAGS=$(TAGS) TEST_TAGS=$(TEST_TAGS) ./scripts/test-windows.sh

clean:
	rm -rf bin dist out build
