package redact

import (
	"image"
	"testing"

	"codeberg.org/veil/veil/photo"
)

// faces12MP returns a 4000×3000 image and twelve face-sized regions on it, a
// group photo's worth of redaction.
func faces12MP() (*image.NRGBA, []Region) {
	img := pattern(4000, 3000)
	var regions []Region
	for i := range 12 {
		x, y := 200+(i%4)*950, 300+(i/4)*900
		regions = append(regions, Region{Rect: image.Rect(x, y, x+420, y+520), Shape: Shape(i % 2)})
	}
	return img, regions
}

func BenchmarkApply12MP(b *testing.B) {
	img, regions := faces12MP()
	for _, style := range Styles {
		rs := make([]Region, len(regions))
		for i, r := range regions {
			r.Style = style
			rs[i] = r
		}
		b.Run(style.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Apply(img, rs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRedactOwned12MP paints in place: one full-size buffer fewer.
func BenchmarkRedactOwned12MP(b *testing.B) {
	src, regions := faces12MP()
	img := image.NewNRGBA(src.Rect)
	b.ReportAllocs()
	for b.Loop() {
		copy(img.Pix, src.Pix)
		if _, err := RedactOwned(img, regions, photo.JPEG); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedact12MP is the whole job the user waits for: paint, check,
// encode, verify.
func BenchmarkRedact12MP(b *testing.B) {
	img, regions := faces12MP()
	for _, f := range []photo.Format{photo.JPEG, photo.PNG, photo.WebP} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Redact(img, regions, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
