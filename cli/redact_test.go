package cli

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/photo"
)

// writeJPEG writes a w×h gradient JPEG carrying an EXIF block with a GPS
// position and the given orientation, and returns its path.
func writeJPEG(t *testing.T, dir string, w, h, orientation int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(200 + x%50), uint8(150 + y%100), 220, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	out := append([]byte{0xFF, 0xD8}, exifSegment(orientation)...)
	out = append(out, data[2:]...)
	path := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exifSegment builds an APP1 Exif segment (little-endian TIFF) with an
// Orientation tag and a GPS IFD holding a latitude reference.
func exifSegment(orientation int) []byte {
	le := func(b []byte, v ...uint32) []byte {
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
		}
		return b
	}
	le16 := func(b []byte, v ...uint16) []byte {
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8))
		}
		return b
	}
	t := []byte("II*\x00")
	t = le(t, 8)
	// IFD0 at 8: two entries, Orientation and the GPS IFD pointer.
	t = le16(t, 2)
	t = le16(t, 0x0112, 3)
	t = le(t, 1)
	t = le16(t, uint16(orientation), 0)
	t = le16(t, 0x8825, 4)
	t = le(t, 1, 8+2+2*12+4)
	t = le(t, 0)
	// GPS IFD: GPSLatitudeRef "N".
	t = le16(t, 1)
	t = le16(t, 0x0001, 2)
	t = le(t, 2)
	t = append(t, 'N', 0, 0, 0)
	t = le(t, 0)
	seg := append([]byte("Exif\x00\x00"), t...)
	n := len(seg) + 2
	return append([]byte{0xFF, 0xE1, byte(n >> 8), byte(n)}, seg...)
}

func TestRedactCommand(t *testing.T) {
	tests := map[string]struct {
		args     []string // before -o OUT FILE
		out      string
		orient   int
		wantSize image.Point
		black    image.Point // a pixel that must come out black
		kept     image.Point // a pixel outside every region
	}{
		"jpeg rect":       {[]string{"--region", "10,10,40,30"}, "out.jpg", 1, image.Pt(120, 80), image.Pt(30, 25), image.Pt(100, 60)},
		"png two regions": {[]string{"--region", "0,0,20,20", "--region", "90,50,30,30"}, "out.png", 1, image.Pt(120, 80), image.Pt(105, 65), image.Pt(60, 40)},
		"webp ellipse":    {[]string{"--region", "20,10,60,50", "--shape", "ellipse"}, "out.webp", 1, image.Pt(120, 80), image.Pt(50, 35), image.Pt(21, 11)},
		// Orientation 6: stored 120×80, displayed 80×120; regions are in
		// displayed pixels and the output is upright.
		"rotated": {[]string{"--region", "5,70,30,40"}, "OUT.JPG", 6, image.Pt(80, 120), image.Pt(20, 90), image.Pt(60, 20)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeJPEG(t, dir, 120, 80, tt.orient)
			before, _ := os.ReadFile(in)
			st, _ := os.Stat(in)
			out := filepath.Join(dir, tt.out)
			var stdout, stderr bytes.Buffer
			args := append(append([]string{}, tt.args...), "-o", out, in)
			if code := runRedact(args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), "verified: no metadata") {
				t.Errorf("stdout %q", stdout.String())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte("Exif")) || photo.Orientation(data) != 1 {
				t.Error("output carries EXIF")
			}
			img, _, err := photo.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Size() != tt.wantSize {
				t.Fatalf("output is %v, want %v", img.Bounds().Size(), tt.wantSize)
			}
			r, g, b, _ := img.At(tt.black.X, tt.black.Y).RGBA()
			if r>>8 > 30 || g>>8 > 30 || b>>8 > 30 {
				t.Errorf("pixel %v inside a region is %d,%d,%d", tt.black, r>>8, g>>8, b>>8)
			}
			r, g, b, _ = img.At(tt.kept.X, tt.kept.Y).RGBA()
			if r>>8 < 120 || g>>8 < 120 || b>>8 < 120 {
				t.Errorf("pixel %v outside the regions is %d,%d,%d", tt.kept, r>>8, g>>8, b>>8)
			}
			after, _ := os.ReadFile(in)
			st2, _ := os.Stat(in)
			if !bytes.Equal(before, after) || !st.ModTime().Equal(st2.ModTime()) {
				t.Error("the input changed")
			}
		})
	}
}

func TestRedactCommandErrors(t *testing.T) {
	dir := t.TempDir()
	in := writeJPEG(t, dir, 64, 48, 1)
	existing := filepath.Join(dir, "taken.png")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	text := filepath.Join(dir, "notes.jpg")
	os.WriteFile(text, []byte("this is not a photo\n"), 0o644)
	trunc := filepath.Join(dir, "cut.jpg")
	whole, _ := os.ReadFile(in)
	os.WriteFile(trunc, whole[:len(whole)/2], 0o644)
	out := filepath.Join(dir, "out.png")
	tests := map[string]struct {
		args []string
		code int
		want string // in the one stderr line
	}{
		"no output":      {[]string{"--region", "1,1,5,5", in}, 2, "Usage"},
		"no regions":     {[]string{"-o", out, in}, 2, "nothing to redact"},
		"bad region":     {[]string{"--region", "1,1,0,5", "-o", out, in}, 2, "positive"},
		"bad style":      {[]string{"--region", "1,1,5,5", "--style", "swirl", "-o", out, in}, 2, "swirl"},
		"bad extension":  {[]string{"--region", "1,1,5,5", "-o", filepath.Join(dir, "o.heic"), in}, 2, "JPEG, PNG or WebP"},
		"outside":        {[]string{"--region", "100,100,5,5", "-o", out, in}, 1, "outside"},
		"exists":         {[]string{"--region", "1,1,5,5", "-o", existing, in}, 1, "already exists"},
		"over the input": {[]string{"--region", "1,1,5,5", "-o", in, in}, 1, "already exists"},
		"missing":        {[]string{"--region", "1,1,5,5", "-o", out, filepath.Join(dir, "gone.jpg")}, 1, "no such file"},
		"not an image":   {[]string{"--region", "1,1,5,5", "-o", out, text}, 1, "not a supported image"},
		"truncated":      {[]string{"--region", "1,1,5,5", "-o", out, trunc}, 1, "cut.jpg"},
		"two files":      {[]string{"--region", "1,1,5,5", "-o", out, in, in}, 2, "Usage"},
		"no faces":       {[]string{"--faces", "-o", out, in}, 1, "no faces found"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runRedact(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d (%s)", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.want)
			}
			if tt.code == 1 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("error is not one line: %q", stderr.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output was written")
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Error("an existing file was overwritten")
			}
		})
	}
	if b, _ := os.ReadFile(in); !bytes.Equal(b, whole) {
		t.Error("the input changed")
	}
}

func TestParseRegion(t *testing.T) {
	good := map[string]image.Rectangle{
		"1,2,3,4":       image.Rect(1, 2, 4, 6),
		" -5, 0 ,10,10": image.Rect(-5, 0, 5, 10),
	}
	for s, want := range good {
		if got, err := parseRegion(s); err != nil || got != want {
			t.Errorf("%q: %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1,2,-3,4", "1,2,3,0", "1,2,99999999999,4"} {
		if _, err := parseRegion(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// FuzzParseRegion: the --region syntax never panics, and what it accepts is
// a non-empty rectangle that prints back to the same numbers.
func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"1,2,3,4", " -5, 0 ,10,10", "1,2,3", "a,b,c,d", "0,0,1048576,1", "9,9,-1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRegion(s)
		if err != nil {
			return
		}
		if r.Empty() {
			t.Fatalf("%q gave an empty region", s)
		}
		back, err := parseRegion((&regionList{{rect: r}}).String())
		if err != nil || back != r {
			t.Fatalf("%q: %v does not round-trip (%v, %v)", s, r, back, err)
		}
	})
}
