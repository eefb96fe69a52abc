package redact

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/photo"
)

// updating reports whether the test runs with -update, the flag that
// internal/testenv registers for every test binary importing it.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// pattern returns a w×h image whose neighbouring pixels all differ, so any
// change to a pixel shows.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i] = uint8(x*37 + y*11)
			img.Pix[i+1] = uint8(x*5 + y*71 + 40)
			img.Pix[i+2] = uint8((x ^ y) * 29)
			img.Pix[i+3] = 255
		}
	}
	return img
}

func inMask(r Region, x, y int, bounds image.Rectangle) bool {
	x0, x1 := span(r.Rect.Canon(), r.Shape, y, bounds)
	return x >= x0 && x < x1
}

func TestParse(t *testing.T) {
	for _, s := range Styles {
		got, err := ParseStyle(s.String())
		if err != nil || got != s {
			t.Errorf("ParseStyle(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range Shapes {
		got, err := ParseShape(s.String())
		if err != nil || got != s {
			t.Errorf("ParseShape(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseStyle("gaussian"); err == nil {
		t.Error("ParseStyle accepted an unknown style")
	}
	if _, err := ParseShape("star"); err == nil {
		t.Error("ParseShape accepted an unknown shape")
	}
	if got := (Region{Rect: image.Rect(10, 20, 4, 5), Shape: Ellipse, Style: Blur}).String(); got != "4,5,6,15 ellipse blur" {
		t.Errorf("Region.String = %q", got)
	}
}

// TestApplyTouchesOnlyRegions checks, for every shape and style, that pixels
// outside the mask are bit-for-bit the input's, pixels inside are opaque and
// pass the style's check, and the input is never modified.
func TestApplyTouchesOnlyRegions(t *testing.T) {
	rects := map[string]image.Rectangle{
		"inside":         image.Rect(5, 7, 29, 25),
		"clipped":        image.Rect(-6, 30, 14, 60),
		"whole":          image.Rect(0, 0, 40, 36),
		"one pixel":      image.Rect(3, 3, 4, 4),
		"thin":           image.Rect(0, 10, 40, 12),
		"reversed":       image.Rect(29, 25, 5, 7),
		"larger than im": image.Rect(-100, -100, 200, 200),
	}
	for name, rect := range rects {
		for _, shape := range Shapes {
			for _, style := range Styles {
				t.Run(name+"/"+shape.String()+"/"+style.String(), func(t *testing.T) {
					in := pattern(40, 36)
					orig := bytes.Clone(in.Pix)
					r := Region{Rect: rect, Shape: shape, Style: style}
					out, err := Apply(in, []Region{r})
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(in.Pix, orig) {
						t.Fatal("Apply modified its input")
					}
					if out == in || &out.Pix[0] == &in.Pix[0] {
						t.Fatal("Apply returned its input")
					}
					inside := 0
					for y := 0; y < 36; y++ {
						for x := 0; x < 40; x++ {
							i := out.PixOffset(x, y)
							if inMask(r, x, y, out.Rect) {
								inside++
								if out.Pix[i+3] != 255 {
									t.Fatalf("(%d,%d) not opaque", x, y)
								}
								if style == Solid && !bytes.Equal(out.Pix[i:i+4], []byte{0, 0, 0, 255}) {
									t.Fatalf("(%d,%d) = %v, want the fill", x, y, out.Pix[i:i+4])
								}
							} else if !bytes.Equal(out.Pix[i:i+4], orig[i:i+4]) {
								t.Fatalf("(%d,%d) outside the region changed", x, y)
							}
						}
					}
					if inside == 0 {
						t.Fatal("mask is empty")
					}
					ordered, _ := prepare(in.Rect.Size(), []Region{r})
					if err := check(out, ordered); err != nil {
						t.Fatal(err)
					}
				})
			}
		}
	}
}

func TestEllipseCornersUntouched(t *testing.T) {
	for _, style := range Styles {
		in := pattern(64, 48)
		r := Region{Rect: image.Rect(8, 4, 56, 44), Shape: Ellipse, Style: style}
		out, err := Apply(in, []Region{r})
		if err != nil {
			t.Fatal(err)
		}
		// Corner pixels of the bounding box lie outside the inscribed ellipse;
		// the centre and the four edge midpoints lie inside.
		for _, p := range []image.Point{{8, 4}, {55, 4}, {8, 43}, {55, 43}, {12, 6}, {51, 41}} {
			if out.NRGBAAt(p.X, p.Y) != in.NRGBAAt(p.X, p.Y) {
				t.Errorf("%s: corner %v changed", style, p)
			}
		}
		for _, p := range []image.Point{{32, 24}, {8, 24}, {55, 24}, {32, 4}, {32, 43}} {
			if !inMask(r, p.X, p.Y, out.Rect) {
				t.Errorf("%v should be inside the ellipse", p)
			}
		}
		if style == Solid {
			if out.NRGBAAt(32, 24) != Fill {
				t.Error("ellipse centre not filled")
			}
		}
	}
}

func TestBlockSizeBound(t *testing.T) {
	for short := 1; short <= 2000; short++ {
		bs := blockSize(short)
		if n := (short + bs - 1) / bs; n > maxBlocks {
			t.Fatalf("short side %d: %d blocks of %d", short, n, bs)
		}
		if bs < minBlock {
			t.Fatalf("short side %d: block %d is under the %d px minimum", short, bs, minBlock)
		}
		if bs > minBlock && (short+bs-2)/(bs-1) <= maxBlocks {
			t.Fatalf("short side %d: block %d is larger than needed", short, bs)
		}
	}
}

// TestPixelateBlocks counts the distinct colours along the shorter side of a
// pixelated region of a pattern whose every pixel differs.
func TestPixelateBlocks(t *testing.T) {
	for _, size := range []image.Point{{100, 60}, {61, 200}, {9, 9}, {6, 6}, {3, 40}, {17, 300}, {400, 400}} {
		in := pattern(size.X+10, size.Y+10)
		r := Region{Rect: image.Rectangle{Min: image.Pt(5, 5), Max: image.Pt(5, 5).Add(size)}, Style: Pixelate}
		out, err := Apply(in, []Region{r})
		if err != nil {
			t.Fatal(err)
		}
		runs := func(step image.Point, n int) int {
			c, p := 1, out.NRGBAAt(5, 5)
			for i := 1; i < n; i++ {
				q := out.NRGBAAt(5+i*step.X, 5+i*step.Y)
				if q != p {
					c++
				}
				p = q
			}
			return c
		}
		short := min(size.X, size.Y)
		var across int
		if size.X <= size.Y {
			across = runs(image.Pt(1, 0), size.X)
		} else {
			across = runs(image.Pt(0, 1), size.Y)
		}
		if across > maxBlocks {
			t.Errorf("%v: %d blocks across the shorter side", size, across)
		}
		// A small region gets few blocks: never one per pixel or two.
		if most := (short + minBlock - 1) / minBlock; across > most {
			t.Errorf("%v: %d blocks across, want at most %d of %d px", size, across, most, minBlock)
		}
		if want := min(maxBlocks/2, (short+minBlock-1)/minBlock); across < want {
			t.Errorf("%v: only %d blocks across; noise or means lost", size, across)
		}
	}
}

func TestBlurKernel(t *testing.T) {
	for short := 1; short <= 4000; short++ {
		if k := 2*blurRadius(short) + 1; 4*k < short {
			t.Fatalf("short side %d: window %d is less than a quarter", short, k)
		}
	}
	// A checkerboard is as sharp as an image gets; after the blur no
	// neighbouring pixels may differ by more than the window allows.
	in := image.NewNRGBA(image.Rect(0, 0, 120, 80))
	for i := range in.Pix {
		in.Pix[i] = 255
	}
	for y := 0; y < 80; y++ {
		for x := 0; x < 120; x++ {
			if (x/3+y/3)%2 == 0 {
				in.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255})
			}
		}
	}
	r := Region{Rect: in.Rect, Style: Blur}
	out, err := Apply(in, []Region{r})
	if err != nil {
		t.Fatal(err)
	}
	limit := blurStep(blurRadius(80))
	for y := 0; y < 80; y++ {
		for x := 1; x < 120; x++ {
			a, b := out.NRGBAAt(x, y), out.NRGBAAt(x-1, y)
			if d := int(a.R) - int(b.R); d > limit || -d > limit {
				t.Fatalf("(%d,%d): step %d > %d", x, y, d, limit)
			}
		}
	}
	// The mean survives (a blur keeps brightness) but the pattern does not.
	var sum, dev int
	for y := 10; y < 70; y++ {
		for x := 10; x < 110; x++ {
			v := int(out.NRGBAAt(x, y).G)
			sum += v
			dev += max(v-128, 128-v)
		}
	}
	if mean := sum / 6000; mean < 100 || mean > 155 {
		t.Errorf("blurred mean %d, want about 128", mean)
	}
	if d := dev / 6000; d > 2*blurNoise {
		t.Errorf("blurred checkerboard still deviates %d on average", d)
	}
}

// TestNoiseIsRandom checks that two redactions of the same image differ: the
// noise is fresh each time, so averaging many outputs is the only way to
// approach the block means, and one output reveals nothing exact.
func TestNoiseIsRandom(t *testing.T) {
	in := pattern(64, 64)
	for _, style := range []Style{Pixelate, Blur} {
		r := []Region{{Rect: in.Rect, Style: style}}
		a, _ := Apply(in, r)
		b, _ := Apply(in, r)
		if bytes.Equal(a.Pix, b.Pix) {
			t.Errorf("%s: two runs gave identical pixels", style)
		}
	}
}

func TestOverlapStrongestWins(t *testing.T) {
	in := pattern(50, 50)
	regions := []Region{
		{Rect: image.Rect(0, 0, 30, 30), Style: Solid},
		{Rect: image.Rect(10, 10, 50, 50), Style: Blur},
		{Rect: image.Rect(20, 0, 50, 25), Style: Pixelate},
	}
	out, err := Apply(in, regions)
	if err != nil {
		t.Fatal(err)
	}
	if out.NRGBAAt(25, 20) != Fill || out.NRGBAAt(15, 15) != Fill {
		t.Error("solid was painted over by a weaker style")
	}
	ordered, _ := prepare(in.Rect.Size(), regions)
	if err := check(out, ordered); err != nil {
		t.Fatal(err)
	}
}

func TestApplyErrors(t *testing.T) {
	in := pattern(10, 10)
	tests := map[string]struct {
		regions []Region
		want    error
	}{
		"none":      {nil, ErrNoRegions},
		"outside":   {[]Region{{Rect: image.Rect(10, 0, 20, 5)}}, ErrOutside},
		"negative":  {[]Region{{Rect: image.Rect(-5, -5, 0, 0)}}, ErrOutside},
		"empty":     {[]Region{{Rect: image.Rect(3, 3, 3, 8)}}, ErrOutside},
		"bad style": {[]Region{{Rect: image.Rect(0, 0, 5, 5), Style: Style(9)}}, nil},
		"bad shape": {[]Region{{Rect: image.Rect(0, 0, 5, 5), Shape: Shape(-1)}}, nil},
	}
	for name, tt := range tests {
		_, err := Apply(in, tt.regions)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: err = %v, want %v", name, err, tt.want)
		}
	}
}

func TestCheckCatchesUnredacted(t *testing.T) {
	in := pattern(40, 40)
	for _, style := range Styles {
		ordered, _ := prepare(in.Rect.Size(), []Region{{Rect: image.Rect(2, 2, 38, 38), Style: style}})
		if err := check(in, ordered); !errors.Is(err, ErrNotRedacted) {
			t.Errorf("%s: check passed the unredacted image (err %v)", style, err)
		}
	}
}

func TestCopyNRGBAMatchesDraw(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(3, 5, 40, 31), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 7)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(i*13), uint8(255-i*3)
	}
	gray := image.NewGray(image.Rect(1, 1, 9, 7))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 31)
	}
	sub := pattern(30, 30).SubImage(image.Rect(4, 6, 21, 28))
	for _, img := range []image.Image{ycc, gray, sub, image.NewRGBA64(image.Rect(0, 0, 5, 5))} {
		b := img.Bounds()
		want := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(want, want.Rect, img, b.Min, draw.Src)
		got := copyNRGBA(img)
		if !bytes.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
			t.Errorf("%T: copy differs from draw.Draw", img)
		}
	}
}

// TestSolidGolden compares solid redactions, the deterministic style, with
// golden PNGs; run with -update to rewrite them after an intended change.
func TestSolidGolden(t *testing.T) {
	for name, regions := range map[string][]Region{
		"solid_rect":    {{Rect: image.Rect(6, 4, 30, 20)}, {Rect: image.Rect(-4, 26, 10, 40)}},
		"solid_ellipse": {{Rect: image.Rect(5, 3, 35, 29), Shape: Ellipse}, {Rect: image.Rect(30, 20, 47, 45), Shape: Ellipse}},
	} {
		out, err := Apply(pattern(44, 36), regions)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, out); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name+".png")
		if updating() {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		f, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		want, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(copyNRGBA(want).Pix, out.Pix) {
			t.Errorf("%s: output differs from %s", name, path)
		}
	}
}

func TestRedactFormats(t *testing.T) {
	in := pattern(97, 83)
	regions := []Region{
		{Rect: image.Rect(10, 10, 50, 60), Style: Solid},
		{Rect: image.Rect(40, 5, 90, 40), Shape: Ellipse, Style: Pixelate},
		{Rect: image.Rect(20, 50, 97, 83), Style: Blur},
	}
	for _, f := range []photo.Format{photo.JPEG, photo.PNG, photo.WebP} {
		t.Run(f.String(), func(t *testing.T) {
			data, err := Redact(in, regions, f)
			if err != nil {
				t.Fatal(err)
			}
			if got := photo.Sniff(data); got != f {
				t.Fatalf("output sniffs as %s", got)
			}
			img, _, err := photo.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Size() != in.Rect.Size() {
				t.Fatalf("size %v", img.Bounds())
			}
			// The centre of the solid region reads back black.
			c := copyNRGBA(img).NRGBAAt(30, 35)
			if c.R > 24 || c.G > 24 || c.B > 24 {
				t.Errorf("solid region reads back as %v", c)
			}
		})
	}
	if _, err := Redact(in, regions, photo.TIFF); !errors.Is(err, ErrOutputFormat) {
		t.Errorf("TIFF output: err = %v", err)
	}
	if _, err := Redact(in, nil, photo.PNG); !errors.Is(err, ErrNoRegions) {
		t.Errorf("no regions: err = %v", err)
	}
}

// TestVerifyOutputRejects feeds the output verifier files that must fail: the
// original pixels instead of the redaction, and outputs carrying metadata.
func TestVerifyOutputRejects(t *testing.T) {
	in := pattern(64, 64)
	regions := []Region{{Rect: image.Rect(8, 8, 56, 56)}}
	ordered, _ := prepare(in.Rect.Size(), regions)
	painted, _ := Apply(in, regions)
	for _, f := range []photo.Format{photo.JPEG, photo.PNG, photo.WebP} {
		orig, err := Encode(in, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := verifyOutput(orig, f, painted.Rect.Size(), regionCrops(painted, ordered), ordered); !errors.Is(err, ErrNotRedacted) {
			t.Errorf("%s: unredacted output passed (err %v)", f, err)
		}
		good, err := Encode(painted, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := verifyOutput(good, f, painted.Rect.Size(), regionCrops(painted, ordered), ordered); err != nil {
			t.Errorf("%s: good output failed: %v", f, err)
		}
		if err := verifyOutput(append(bytes.Clone(good), "trailer"...), f, painted.Rect.Size(), regionCrops(painted, ordered), ordered); err == nil {
			t.Errorf("%s: output with a trailer passed", f)
		}
	}
	jpg, _ := Encode(painted, photo.JPEG)
	exif := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 8, 'E', 'x', 'i', 'f', 0, 0}, jpg[2:]...)
	if err := checkStructure(exif, photo.JPEG); err == nil {
		t.Error("JPEG with APP1 passed")
	}
	pngData, _ := Encode(painted, photo.PNG)
	text := append(bytes.Clone(pngData[:33]), 0, 0, 0, 1, 't', 'E', 'X', 't', 'x', 0, 0, 0, 0)
	text = append(text, pngData[33:]...)
	if err := checkStructure(text, photo.PNG); err == nil {
		t.Error("PNG with tEXt passed")
	}
	wp, _ := Encode(painted, photo.WebP)
	withExif := append(bytes.Clone(wp), 'E', 'X', 'I', 'F', 2, 0, 0, 0, 'h', 'i')
	withExif[4] += 10
	if err := checkStructure(withExif, photo.WebP); err == nil {
		t.Error("WebP with EXIF passed")
	}
}

func TestOutputFormat(t *testing.T) {
	for ext, want := range map[string]photo.Format{".jpg": photo.JPEG, ".JPEG": photo.JPEG, ".jfif": photo.JPEG, ".png": photo.PNG, ".WebP": photo.WebP} {
		if got, err := OutputFormat(ext); err != nil || got != want {
			t.Errorf("%s: %v, %v", ext, got, err)
		}
	}
	for _, ext := range []string{"", ".heic", ".gif", ".tif"} {
		if _, err := OutputFormat(ext); !errors.Is(err, ErrOutputFormat) {
			t.Errorf("%q accepted", ext)
		}
	}
}

// TestRedactOwned checks that RedactOwned paints the caller's image in place
// (also a sub-image, whose origin is not (0, 0)), writes exactly those
// pixels, leaves everything outside the regions as it was, and refuses what
// Redact refuses.
func TestRedactOwned(t *testing.T) {
	regions := []Region{
		{Rect: image.Rect(10, 10, 50, 60), Style: Solid},
		{Rect: image.Rect(40, 5, 90, 40), Shape: Ellipse, Style: Pixelate},
		{Rect: image.Rect(20, 50, 97, 83), Style: Blur},
	}
	full := pattern(120, 100)
	sub := pattern(120, 100).SubImage(image.Rect(7, 9, 104, 92)).(*image.NRGBA)
	for name, img := range map[string]*image.NRGBA{"whole": pattern(97, 83), "sub-image": sub, "larger": full} {
		t.Run(name, func(t *testing.T) {
			orig := copyNRGBA(img)
			data, err := RedactOwned(img, regions, photo.PNG)
			if err != nil {
				t.Fatal(err)
			}
			dec, _, err := photo.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			got := copyNRGBA(dec)
			painted := copyNRGBA(img)
			if !bytes.Equal(got.Pix, painted.Pix) {
				t.Fatal("the written PNG differs from the image painted in place")
			}
			ordered, _ := prepare(orig.Rect.Size(), regions)
			if err := check(painted, ordered); err != nil {
				t.Fatal(err)
			}
			b := orig.Rect
			changed := 0
			for y := 0; y < b.Dy(); y++ {
				for x := 0; x < b.Dx(); x++ {
					in := false
					for _, r := range regions {
						in = in || inMask(r, x, y, b)
					}
					o, g := orig.NRGBAAt(x, y), got.NRGBAAt(x, y)
					if !in && o != g {
						t.Fatalf("pixel (%d,%d) outside the regions changed", x, y)
					}
					if in && o != g {
						changed++
					}
				}
			}
			if changed == 0 {
				t.Fatal("nothing was painted")
			}
		})
	}
	for _, f := range []photo.Format{photo.JPEG, photo.WebP} {
		if _, err := RedactOwned(pattern(97, 83), regions, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := RedactOwned(pattern(97, 83), regions, photo.TIFF); !errors.Is(err, ErrOutputFormat) {
		t.Errorf("TIFF output: err = %v", err)
	}
	if _, err := RedactOwned(pattern(97, 83), nil, photo.PNG); !errors.Is(err, ErrNoRegions) {
		t.Errorf("no regions: err = %v", err)
	}
	if _, err := RedactOwned(pattern(20, 20), []Region{{Rect: image.Rect(30, 30, 40, 40)}}, photo.PNG); !errors.Is(err, ErrOutside) {
		t.Errorf("region outside: err = %v", err)
	}
	if _, err := RedactOwned(nil, regions, photo.PNG); err == nil {
		t.Error("nil image accepted")
	}
}

// TestBurn paints regions in place, skips those off the image, and
// leaves an image without regions as it is.
func TestBurn(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	n, err := Burn(img, []Region{
		{Rect: image.Rect(10, 10, 20, 20)},
		{Rect: image.Rect(35, 25, 60, 60), Style: Pixelate},
		{Rect: image.Rect(-50, -50, -10, -10)},
	})
	if err != nil || n != 2 {
		t.Fatalf("Burn = %d, %v; want 2 regions", n, err)
	}
	if p := img.NRGBAAt(15, 15); p != Fill {
		t.Errorf("inside the solid region: %v", p)
	}
	if p := img.NRGBAAt(5, 5); p.R != 200 {
		t.Errorf("outside every region: %v", p)
	}
	before := append([]byte(nil), img.Pix...)
	if n, err := Burn(img, nil); n != 0 || err != nil {
		t.Fatalf("no regions: %d, %v", n, err)
	}
	if string(before) != string(img.Pix) {
		t.Error("no regions changed the image")
	}
}
