//go:build cgo && !purejpeg

package photo

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/photo/internal/libjpegwasm"
)

// The cgo-free decoder (libjpeg-turbo compiled to WebAssembly, translated
// to Go) against the native library: the same pixels, the same errors, for
// every way Veil decodes.

func wasmLib() libjpeg { return libjpegwasm.NewDecoder() }

// sameDecode compares one decode of b by both libraries.
func sameDecode(t *testing.T, name string, b []byte, denom int, fast bool) (decoded bool) {
	t.Helper()
	want, werr := decodeJPEGWith(newLibjpeg, b, denom, fast)
	got, gerr := decodeJPEGWith(wasmLib, b, denom, fast)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Errorf("%s 1/%d fast=%v: native error %v, wasm error %v", name, denom, fast, werr, gerr)
		return false
	}
	if werr != nil {
		return false
	}
	if typeName(got) != typeName(want) || got.Bounds() != want.Bounds() || !bytes.Equal(pixOf(got), pixOf(want)) {
		if plain := plainC(t, b, "decode", denom, fast); plain == digest(got) {
			t.Logf("%s 1/%d fast=%v: differs from the native library's SIMD code only (max diff %d); its C code agrees",
				name, denom, fast, maxDiff(got, want))
			return true
		}
		t.Errorf("%s 1/%d fast=%v: pixels differ (native %s %v, wasm %s %v, max diff %d)", name, denom, fast,
			typeName(want), want.Bounds(), typeName(got), got.Bounds(), maxDiff(got, want))
	}
	return true
}

// libjpeg-turbo's SIMD code and its C code may decode coefficients out of
// the usual range differently (the C inverse DCT wraps where SIMD
// saturates); a damaged or hostile JPEG can do that and still be valid
// enough to decode. The WebAssembly build is the C code. So where the two
// libraries differ, the WebAssembly result is compared again with the
// native library's C code: libjpeg-turbo reads JSIMD_FORCENONE once per
// process, so that decode runs in a child process (this test binary,
// stopped by TestMain before any test runs).
const plainCEnv = "VEIL_TEST_JPEG_PLAIN_C"

func TestMain(m *testing.M) {
	if mode := os.Getenv(plainCEnv); mode != "" {
		os.Exit(plainCChild(mode))
	}
	os.Exit(m.Run())
}

// plainC returns the digest of the native library's C-code decode of b
// ("decode" at 1/denom, or "gather"), as digest and gatherDigest make it.
func plainC(t *testing.T, b []byte, mode string, denom int, fast bool) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "JSIMD_FORCENONE=1", plainCEnv+"="+fmt.Sprintf("%s/%d/%v", mode, denom, fast))
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decoding with the native C code: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// plainCChild decodes its standard input as mode ("decode/DENOM/FAST" or
// "gather/0/false") says and prints the digest.
func plainCChild(mode string) int {
	f := strings.Split(mode, "/")
	b, err := io.ReadAll(os.Stdin)
	if err != nil || len(f) != 3 {
		return 2
	}
	denom, _ := strconv.Atoi(f[1])
	if f[0] == "gather" {
		imgs, grey, err := gatherBoth(newLibjpeg, b)
		fmt.Println(gatherDigest(imgs, grey, err))
		return 0
	}
	img, err := decodeJPEGWith(newLibjpeg, b, denom, f[2] == "true")
	if err != nil {
		fmt.Println("error: " + err.Error())
		return 0
	}
	fmt.Println(digest(img))
	return 0
}

// digest names a decoded picture's type, bounds and pixels.
func digest(img image.Image) string {
	return fmt.Sprintf("%s %v %x", typeName(img), img.Bounds(), sha256.Sum256(pixOf(img)))
}

func gatherDigest(imgs []image.Image, grey bool, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	s := fmt.Sprintf("grey=%v", grey)
	for _, m := range imgs {
		s += " " + digest(m)
	}
	return s
}

// gatherBoth runs the sampler with the two views sameGather compares.
func gatherBoth(lib func() libjpeg, b []byte) ([]image.Image, bool, error) {
	cfg, err := jpegConfig(b)
	if err != nil {
		return nil, false, err
	}
	maps := []gatherMap{nearestMap(cfg.Width, cfg.Height, 1, 512), nearestMap(cfg.Width, cfg.Height, 6, 64)}
	return decodeJPEGGatherWith(lib, b, maps)
}

// sameGather compares the one-pass sampler (what PDQ hashes) of both.
func sameGather(t *testing.T, name string, b []byte) {
	t.Helper()
	cfg, err := jpegConfig(b)
	if err != nil || checkSize(cfg.Width, cfg.Height) != nil {
		return
	}
	want, wgrey, werr := gatherBoth(newLibjpeg, b)
	got, ggrey, gerr := gatherBoth(wasmLib, b)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Errorf("%s gather: native error %v, wasm error %v", name, werr, gerr)
		return
	}
	if werr != nil {
		return
	}
	if gatherDigest(got, ggrey, nil) == gatherDigest(want, wgrey, nil) {
		return
	}
	if plainC(t, b, "gather", 0, false) == gatherDigest(got, ggrey, nil) {
		t.Logf("%s gather: differs from the native library's SIMD code only; its C code agrees", name)
		return
	}
	if wgrey != ggrey {
		t.Errorf("%s gather: grey native %v, wasm %v", name, wgrey, ggrey)
	}
	for i := range want {
		if !bytes.Equal(pixOf(got[i]), pixOf(want[i])) {
			t.Errorf("%s gather view %d: pixels differ", name, i)
		}
	}
}

// TestWasmMatchesNative: every JPEG fixture in ../shared (and a few made
// here, damaged ones included) decodes to the same bytes or the same error
// with both libraries, at full size (what is hashed and redacted), in the
// sampler and in the scaled fast previews.
func TestWasmMatchesNative(t *testing.T) {
	inputs := map[string][]byte{}
	pic := encodeJPEG(t, testPicture(333, 211, 8), 90)
	inputs["made/rgb"] = pic
	inputs["made/truncated"] = pic[:len(pic)*2/3]
	g := image.NewGray(image.Rect(0, 0, 130, 77))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 3)
	}
	inputs["made/grey"] = encodeJPEG(t, g, 80)
	files := sharedJPEGs(t)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(filepath.Dir(p)), p)
		inputs[rel] = b
	}
	if testing.Short() {
		t.Log("-short: full-size decodes only")
	}
	decoded := 0
	for name, b := range inputs {
		if sameDecode(t, name, b, 1, false) {
			decoded++
		}
		sameGather(t, name, b)
		if !testing.Short() {
			for _, denom := range []int{2, 8} {
				sameDecode(t, name, b, denom, true)
			}
			sameDecode(t, name, b, 4, false)
		}
	}
	t.Logf("%d inputs (%d fixtures), %d decoded", len(inputs), len(files), decoded)
	if len(files) == 0 {
		t.Log("../shared/fixtures not present: only the JPEGs made here were compared")
	}
}

// FuzzWasmMatchesNative: any input gives the same pixels or the same error
// from both libraries.
func FuzzWasmMatchesNative(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if Sniff(b) != JPEG {
			return
		}
		sameDecode(t, "input", b, 1, false)
		sameDecode(t, "input", b, 2, true)
		sameGather(t, "input", b)
	})
}

func BenchmarkDecodeJPEG12MPWasm(b *testing.B) {
	data := jpeg12MP(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeJPEGWith(wasmLib, data, 1, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSampleJPEG12MPWasm(b *testing.B) {
	data := jpeg12MP(b)
	maps := []gatherMap{nearestMap(4000, 3000, 1, 512)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeJPEGGatherWith(wasmLib, data, maps); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJPEGPixelsNative: the native library gives the pixels recorded in
// testdata/jpeg-pixels.golden, which TestJPEGWithoutCgo holds the cgo-free
// build to. -update rewrites the file from this, the native, decoder.
func TestJPEGPixelsNative(t *testing.T) {
	testenv.Golden(t, "jpeg-pixels.golden", jpegPixelDigests(t))
}
