package fingerprint

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
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
