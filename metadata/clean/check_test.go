package clean

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/photo"
)

func ihdr(w, h uint32, depth, ctype, interlace byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, w)
	b = binary.BigEndian.AppendUint32(b, h)
	return append(b, depth, ctype, 0, 0, interlace)
}

func deflate(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(make([]byte, n))
	zw.Close()
	return buf.Bytes()
}

func TestPNGRawSize(t *testing.T) {
	tests := map[string]struct {
		ihdr []byte
		want int64
	}{
		"rgba 3x2":          {ihdr(3, 2, 8, 6, 0), 2 * (1 + 12)},
		"grey 1-bit 9x1":    {ihdr(9, 1, 1, 0, 0), 1 + 2},
		"rgb16 1x1":         {ihdr(1, 1, 16, 2, 0), 1 + 6},
		"interlaced 1x1":    {ihdr(1, 1, 8, 0, 1), 2},
		"interlaced 8x8 g8": {ihdr(8, 8, 8, 0, 1), 1*(1+1) + 1*(1+1) + 1*(1+2) + 2*(1+2) + 2*(1+4) + 4*(1+4) + 4*(1+8)},
	}
	for name, tt := range tests {
		if got, err := pngRawSize(tt.ihdr); err != nil || got != tt.want {
			t.Errorf("%s: got %d, %v; want %d", name, got, err, tt.want)
		}
	}
	for name, bad := range map[string][]byte{
		"zero width":    ihdr(0, 5, 8, 0, 0),
		"huge":          ihdr(100000, 100000, 8, 0, 0),
		"bad depth":     ihdr(5, 5, 3, 2, 0),
		"bad type":      ihdr(5, 5, 8, 5, 0),
		"bad interlace": ihdr(5, 5, 8, 0, 2),
		"short":         ihdr(5, 5, 8, 0, 0)[:12],
	} {
		if _, err := pngRawSize(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestPNGDataMatchesGoEncoder: real encoder output (interlaced or not) passes.
func TestPNGDataMatchesGoEncoder(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 37, 23)))
	chunks, _, err := pngchunk.Walk(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var idat [][]byte
	for _, c := range chunks {
		if c.Type == "IDAT" {
			idat = append(idat, c.Data)
		}
	}
	if err := checkPNGData(chunks[0].Data, idat); err != nil {
		t.Fatal(err)
	}
}

func TestPNGDataRefusals(t *testing.T) {
	h := ihdr(10, 10, 8, 0, 0) // needs 10*(1+10) = 110 bytes
	tests := map[string]struct {
		idat [][]byte
		want string
	}{
		"no IDAT":  {nil, "no image data"},
		"bomb":     {[][]byte{deflate(t, 10_000_000)}, "inflates past"},
		"short":    {[][]byte{deflate(t, 50)}, "ends early"},
		"not zlib": {[][]byte{[]byte("PLANTED")}, "corrupt PNG image data"},
		"split ok": {[][]byte{deflate(t, 110)[:5], deflate(t, 110)[5:]}, ""},
	}
	for name, tt := range tests {
		err := checkPNGData(h, tt.idat)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tt.want)
		}
	}
}

func TestJPEGFrameLimits(t *testing.T) {
	sof := func(w, h uint16) []byte { return []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3} }
	if err := checkJPEGFrame(sof(65500, 65500)); !errors.Is(err, photo.ErrTooLarge) {
		t.Errorf("65500x65500: %v", err)
	}
	if err := checkJPEGFrame(sof(4032, 3024)); err != nil {
		t.Errorf("12 MP: %v", err)
	}
	if err := checkJPEGFrame(sof(4032, 0)); err != nil {
		t.Errorf("DNL height: %v", err)
	}
}
