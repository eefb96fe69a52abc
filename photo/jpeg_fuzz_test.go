package photo

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"
)

// fuzzSeeds adds small JPEGs built here and, when ../shared is present, the
// small JPEG fixtures.
func fuzzSeeds(f *testing.F) {
	f.Add(encodeJPEG(f, testPicture(40, 30, 1), 80))
	f.Add(encodeJPEG(f, testPicture(17, 9, 2), 10))
	g := image.NewGray(image.Rect(0, 0, 24, 24))
	for i := range g.Pix {
		g.Pix[i] = uint8(i)
	}
	f.Add(encodeJPEG(f, g, 95))
	b := encodeJPEG(f, testPicture(64, 64, 3), 90)
	f.Add(b[:len(b)/2])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	var p bytes.Buffer
	png.Encode(&p, testPicture(20, 10, 4))
	f.Add(p.Bytes())
	for _, path := range sharedJPEGs(f) {
		if st, err := os.Stat(path); err == nil && st.Size() < 64<<10 {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data)
			}
		}
	}
}

// FuzzDecodeJPEG: any input gives an image of the header's size or an
// error, never a panic or a crash in libjpeg.
func FuzzDecodeJPEG(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		img, _, err := Decode(b)
		if err != nil {
			if img != nil {
				t.Fatal("image returned with an error")
			}
			return
		}
		cfg, _, err := Config(b)
		if err != nil {
			t.Fatalf("Decode succeeded but Config failed: %v", err)
		}
		if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
			t.Fatalf("decoded %v, header says %dx%d", img.Bounds(), cfg.Width, cfg.Height)
		}
		if Sniff(b) == JPEG {
			s, err := SampleJPEG(b, 16, 1, 6)
			if err != nil {
				t.Fatalf("Decode succeeded but SampleJPEG failed: %v", err)
			}
			if got := s[0].Image.Bounds(); got.Dx() > 16 || got.Dy() > 16 {
				t.Fatalf("sample %v", got)
			}
		}
	})
}

// FuzzDecodePreview: any input gives an image within the requested size or
// an error.
func FuzzDecodePreview(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		img, _, err := DecodePreview(b, 32)
		if err != nil {
			return
		}
		if r := img.Bounds(); r.Dx() > 32 || r.Dy() > 32 || r.Dx() < 1 || r.Dy() < 1 {
			t.Fatalf("preview is %v", r)
		}
	})
}
