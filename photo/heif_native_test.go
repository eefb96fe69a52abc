//go:build cgo && !windows && !embeddedheif

package photo

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gen2brain/heic"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/testenv"
)

// heifSamples lists the HEIF files both decoders can read: the HEVC files in
// testdata and, when ../shared is present, the phone photos in its fixtures
// (the large ones only in the full run).
func heifSamples(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"small.heic", "alpha.heic", "deep.heic", "grey.heic"} {
		out[name] = readTestdata(t, name)
	}
	dir, ok := testenv.SharedPath("fixtures")
	if !ok {
		t.Log("../shared/fixtures is missing: only testdata is compared")
		return out
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || Sniff(b) != HEIF || checkHEIFItems(b) != nil {
			return nil
		}
		if testing.Short() && len(b) > 100_000 {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return nil
	})
	return out
}

// TestNativeMatchesEmbedded: libheif gives the same PDQ hash as the embedded
// decoder (which Veil used before), and pixels within 2 levels of it (the
// two round YCbCr to RGB differently).
func TestNativeMatchesEmbedded(t *testing.T) {
	heic.ForceWasmMode = true
	for name, b := range heifSamples(t) {
		t.Run(name, func(t *testing.T) {
			native, _, err := Decode(b)
			if err != nil {
				t.Fatalf("libheif: %v", err)
			}
			embedded, err := heic.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("embedded: %v", err)
			}
			if native.Bounds() != embedded.Bounds() {
				t.Fatalf("libheif %v, embedded %v", native.Bounds(), embedded.Bounds())
			}
			n, e := ToNRGBA(native), ToNRGBA(embedded)
			// The embedded decoder drops alpha planes: compare colour only.
			worst, differ := 0, 0
			for i := range n.Pix {
				if i%4 == 3 {
					continue
				}
				d := int(n.Pix[i]) - int(e.Pix[i])
				if d != 0 {
					differ++
				}
				worst = max(worst, d, -d)
			}
			hn, qn, err1 := pdq.HashImage(native)
			he, qe, err2 := pdq.HashImage(embedded)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			t.Logf("%v: %.2f%% of samples differ, by at most %d; PDQ %s quality %d", native.Bounds().Size(),
				100*float64(differ)/float64(len(n.Pix)*3/4), worst, hn, qn)
			if worst > 2 {
				t.Errorf("pixels differ by up to %d", worst)
			}
			if name == "deep.heic" {
				// 10-bit: libheif converts to RGB at 10 bits and truncates to
				// 8 (as heif-convert shows it); the embedded decoder rounds its
				// own way. Up to 2 levels apart, which moved 2 PDQ bits here.
				if d := pdq.Distance(hn, he); d > 8 {
					t.Errorf("10-bit PDQ: libheif %s, embedded %s: %d bits apart", hn, he, d)
				}
				return
			}
			if hn != he || qn != qe {
				t.Errorf("PDQ: libheif %s (quality %d), embedded %s (quality %d): %d bits apart", hn, qn, he, qe, pdq.Distance(hn, he))
			}
		})
	}
}

func sourcePicture(t *testing.T) image.Image {
	f, err := os.Open("testdata/heif/pic8.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestDecodeHEIFKinds: AVIF, alpha, 10-bit and grid files decode to the
// picture they were made from (testdata/heif/pic8.png, encoded with
// libheif's heif-enc at quality 70).
func TestDecodeHEIFKinds(t *testing.T) {
	src := sourcePicture(t)
	for _, name := range []string{"small.heic", "small.avif", "alpha.heic", "deep.heic"} {
		t.Run(name, func(t *testing.T) {
			img, f, err := Decode(readTestdata(t, name))
			if err != nil || f != HEIF {
				t.Fatalf("format %v, err %v", f, err)
			}
			if d := meanDiff(img, src); d > 6 {
				t.Errorf("mean difference %.1f from the source picture", d)
			}
			if name == "alpha.heic" {
				n := img.(*image.NRGBA)
				left, right := n.NRGBAAt(0, 30).A, n.NRGBAAt(95, 30).A
				if left > 20 || right < 235 {
					t.Errorf("alpha %d at the left, %d at the right; want about 0 and 255", left, right)
				}
			} else if !img.(*image.NRGBA).Opaque() {
				t.Errorf("not opaque")
			}
		})
	}
}

// TestDecodeDamagedHEVC: a damaged HEVC bitstream is an error, never a
// picture concealed by the decoder.
func TestDecodeDamagedHEVC(t *testing.T) {
	_, data := smallHEVC(t)
	failed := 0
	for i := 20; i < len(data); i += len(data) / 16 {
		d := bytes.Clone(data)
		d[i] ^= 0x55
		f := singleFile(t, 96, 64)
		f.Items[0].Data = d
		img, _, err := Decode(f.Bytes())
		if err == nil {
			t.Logf("byte %d flipped: decoded anyway", i)
			continue
		}
		failed++
		if img != nil || !strings.HasPrefix(err.Error(), "corrupt heif") {
			t.Errorf("byte %d flipped: image %v, err %v", i, img != nil, err)
		}
	}
	// Most flips break the slice; a flip in a value the decoder does not
	// check (a coefficient) leaves a valid, different picture.
	if failed < 10 {
		t.Errorf("only %d of 16 damaged files failed", failed)
	}
}

// TestDecodeHEIFTimeLimit: a decode that overruns the time limit is reported
// as such, and the next decode works once libheif has returned.
func TestDecodeHEIFTimeLimit(t *testing.T) {
	b := tileFile(t, 4, 4, 384, 256).Bytes()
	defer func(d time.Duration) { heifTimeout = d }(heifTimeout)
	heifTimeout = time.Nanosecond
	_, _, err := Decode(b)
	if err == nil || !strings.Contains(err.Error(), "HEIF decoder") {
		t.Fatalf("err = %v, want the time limit", err)
	}
	heifTimeout = time.Minute
	if _, _, err := Decode(b); err != nil {
		t.Fatalf("after the time limit: %v", err)
	}
}

func TestHEIFMessage(t *testing.T) {
	for in, want := range map[string]string{
		"Decoder plugin generated an error: Unspecified: CTB outside of image area (concealing stream error...)": "CTB outside of image area",
		"Invalid input: No 'ftyp' box": "no 'ftyp' box",
		"":                             "decoder failed",
	} {
		if got := heifMessage(in); got != want {
			t.Errorf("heifMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkDecodeHEIF(b *testing.B) {
	data := testenv.ReadShared(b, testenv.IPhoneHEIC)
	b.Run("Decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SampleHEIF", func(b *testing.B) {
		for b.Loop() {
			if _, err := SampleHEIF(data, 512, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodePreview", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := DecodePreview(data, 2560); err != nil {
				b.Fatal(err)
			}
		}
	})
}
