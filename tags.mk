# Veil's build tags: the one place they are written. The Makefile includes
# this file and exports each list; scripts/fuzz.sh and the e2e tests read the
# exported variables, or this file when run outside make (for Go code:
# internal/testenv.Tags). Keep to "NAME := value" lines; a value may start
# from an earlier list with $(NAME).

# The app (make build, make run).
# HEIC/HEIF/AVIF are decoded by the system's libheif through cgo
# (photo/heif_native.go). Builds without it (CGO_ENABLED=0, Windows, or the
# embeddedheif tag) use the embedded decoder gen2brain/heic, which Veil never
# lets load a system libheif (ForceWasmMode). For those builds, and for
# libwebp's WebAssembly encoder (gen2brain/webp) in every build:
# nodynamic: leave gen2brain's dlopen code (purego) out of the binary. For HEIC
# that is link size only; gen2brain/webp has no switch of its own, so without
# nodynamic it would encode redacted WebP with a system libwebp when one is
# installed.
# wasm2go: the WebAssembly runs as Go code generated at build time, not in the
# wazero runtime: no compile of a module at first use, and no WebAssembly
# runtime (with its socket support) in the binary at all.
# no_animations: Fyne's blinking text cursor and button ripples repaint the
# whole window many times a second; under software GL (virtual machines,
# remote desktops) each repaint costs 20-60 ms of CPU and the window stalled
# behind them. A calm, still interface is also easier on the eyes.
VEIL_TAGS := nodynamic,wasm2go,no_animations

# Tests, benchmarks and fuzzing (make test, make bench, make fuzz): ci is
# Fyne's headless test driver, which never animates, so it keeps the base tags.
VEIL_TEST_TAGS := ci,nodynamic,wasm2go

# make release: no_metadata, so no application ID (and so no preferences
# file) can be picked up at run time; no_emoji and migrated_fynedo trim Fyne.
VEIL_RELEASE_TAGS := $(VEIL_TAGS),no_emoji,no_metadata,migrated_fynedo

# make package: as release but with Fyne's metadata, which fyne package
# writes into the build from FyneApp.toml.
VEIL_PACKAGE_TAGS := $(VEIL_TAGS),no_emoji,migrated_fynedo

# macOS (.github/workflows/macos.yml, on a Mac runner): JPEG through the
# cgo-free libjpeg-turbo (purejpeg: the same pixels as the native library,
# so PDQ stays exact) and HEIC through the embedded decoder (embeddedheif),
# so the app needs no library a user's Mac lacks (no Homebrew libjpeg-turbo
# or libheif).
VEIL_MACOS_TAGS := $(VEIL_PACKAGE_TAGS),purejpeg,embeddedheif
VEIL_MACOS_TEST_TAGS := $(VEIL_TEST_TAGS),purejpeg,embeddedheif
