package fingerprint

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/testenv"
)

// TestReferenceEdge checks every vector of ../shared/fixtures/pdq-edge (flat
// colours, stripes, checkerboards, tiny and extreme-aspect images, where float
// rounding and the median's ties decide the bits) through the whole pipeline:
// the hash and quality must be the reference's exactly. Images under 5 px,
// for which the reference prints an all-zero hash, must instead be refused
// with a clear error and no hash.
func TestReferenceEdge(t *testing.T) {
	dir := testenv.Shared(t, "fixtures/pdq-edge")
	rows := readVectors(t, filepath.Join(dir, "expected.tsv"))
	if len(rows) < 60 {
		t.Fatalf("expected.tsv has %d rows, want at least 60", len(rows))
	}
	for _, row := range rows {
		name, wantHash, wantQ := row[0], row[1], row[2]
		t.Run(name, func(t *testing.T) {
			r := HashFile(filepath.Join(dir, name), Options{})
			if strings.HasPrefix(name, "under5-") {
				if r.PDQ != "" || !strings.Contains(r.Error, "too small for a PDQ hash") {
					t.Errorf("got pdq %q, error %q; want no hash and a too-small error", r.PDQ, r.Error)
				}
				return
			}
			if r.Error != "" {
				t.Fatalf("error: %s", r.Error)
			}
			if got := r.PDQ + " q" + strconv.Itoa(r.PDQQuality); got != wantHash+" q"+wantQ {
				g, _ := pdq.Parse(r.PDQ)
				w, _ := pdq.Parse(wantHash)
				t.Errorf("got %s, want %s q%s (%d bits apart)", got, wantHash, wantQ, pdq.Distance(g, w))
			}
		})
	}
}

// readVectors reads a tab-separated vector file: one row of fields per
// non-empty line.
func readVectors(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f := strings.Split(line, "\t")
			if len(f) != 3 {
				t.Fatalf("%s: bad row %q", path, line)
			}
			rows = append(rows, f)
		}
	}
	return rows
}

// TestLinearPNGAsReference: a colour PNG whose gAMA chunk says its samples
// are linear (1.0) is hashed from the sRGB pixels ImageMagick converts it to,
// as the reference hashes it; the same picture without gAMA is not converted.
// Expected values from the reference for these exact files.
func TestLinearPNGAsReference(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			c := color.NRGBA{200, 10, 10, 255}
			if (x+y/4)%7 < 3 {
				c = color.NRGBA{10, 60, 200, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	plain := b.Bytes()
	// gAMA (gamma 1.0) right after IHDR.
	const ihdrEnd = 8 + 8 + 13 + 4
	chunk := []byte{0, 0, 0, 4, 'g', 'A', 'M', 'A', 0, 1, 0x86, 0xa0}
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	linear := append(append(append([]byte(nil), plain[:ihdrEnd]...), chunk...), plain[ihdrEnd:]...)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"no gAMA", plain, "757120242024dfdbaa8edfdb2024dfda202cdfdb8a8e8ece20248ace8a8edfdb q22"},
		{"gAMA 1.0", linear, "8a8edfdbdfdb202455712024dfdb2025dfd3202475717131dfdb753175712024 q77"},
	} {
		r := HashBytes(tc.name+".png", tc.file, Options{})
		if got := r.PDQ + " q" + strconv.Itoa(r.PDQQuality); got != tc.want {
			t.Errorf("%s: got %s, want %s (%s)", tc.name, got, tc.want, r.Error)
		}
	}
}

// TestAnimatedGIFAsReference: the reference hashes the first frame of a
// .gif stacked with the others: padded with black to the largest frame, and
// (being grey in a GIF with colour frames) kept in red only. Expected values
// from the reference (CImg 2.2 loading, no coalescing) for this exact file.
func TestAnimatedGIFAsReference(t *testing.T) {
	grey := make(color.Palette, 64)
	for i := range grey {
		grey[i] = color.Gray{uint8(4 * i)}
	}
	first := image.NewPaletted(image.Rect(0, 0, 60, 40), grey)
	for y := 0; y < 40; y++ {
		for x := 0; x < 60; x++ {
			first.Pix[y*first.Stride+x] = uint8((x*x/7 + 3*y) % 64)
		}
	}
	second := image.NewPaletted(image.Rect(0, 0, 120, 90), color.Palette{color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}})
	for i := range second.Pix {
		second.Pix[i] = uint8(i / 7 % 2)
	}
	var b bytes.Buffer
	g := &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}, Config: image.Config{Width: 120, Height: 90}}
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	r := HashBytes("anim.gif", b.Bytes(), Options{})
	if got, want := r.PDQ+" q"+strconv.Itoa(r.PDQQuality), "f39919991999084c007e1fff3fff7fccffc0fc00f80110114c0cfe44f911b91b q100"; got != want {
		t.Errorf("got %s, want %s (%s)", got, want, r.Error)
	}
}
