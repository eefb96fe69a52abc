package pdq

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"codeberg.org/veil/veil/photo"
)

// scene is a photo-like picture built in code: gradients, discs and noise.
func scene(w, h int, seed uint64) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 11))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	type disc struct{ x, y, r float64 }
	discs := make([]disc, 7)
	for i := range discs {
		discs[i] = disc{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.05 + 0.25*rng.Float64()) * float64(min(w, h))}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, b := 255*x/w, 255*y/h, 100+x*y*60/(w*h)
			for i, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dx*dx+dy*dy < d.r*d.r {
					r, g, b = (r+50*i)%256, (g+100)%256, (b+35*i)%256
				}
			}
			n := rng.IntN(7) - 3
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c8(r+n), c8(g+n), c8(b-n), 255
		}
	}
	return img
}

func c8(v int) uint8 { return uint8(max(0, min(255, v))) }

func mustHash(t testing.TB, img image.Image) (Hash, int) {
	t.Helper()
	h, q, err := HashImage(img)
	if err != nil {
		t.Fatal(err)
	}
	return h, q
}

// TestDihedralGeneralises checks, on pictures that are not reference
// fixtures, the property the dihedral hashes exist for: a turned or mirrored
// copy's plain hash is far from the original's, while the matching dihedral
// hash of the original is within the match threshold.
func TestDihedralGeneralises(t *testing.T) {
	// photo.Orient(img, o) shows img turned or mirrored; the dihedral hash
	// that should match each orientation's result:
	want := map[int]int{2: FlipY, 3: Rot180, 4: FlipX, 5: FlipPlus1, 6: Rot270, 7: FlipMinus1, 8: Rot90}
	sizes := [][2]int{{640, 480}, {300, 300}, {1200, 700}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, sz := range sizes {
		img := scene(sz[0], sz[1], uint64(sz[0]))
		dih, q, err := Dihedral(img)
		if err != nil {
			t.Fatal(err)
		}
		h, q2 := mustHash(t, img)
		if dih[Orig] != h || q != q2 {
			t.Fatalf("Dihedral[Orig] %v differs from HashImage %v", dih[Orig], h)
		}
		for o := 2; o <= 8; o++ {
			turned, _ := mustHash(t, photo.Orient(img, o))
			if d := Distance(h, turned); d < 64 {
				t.Errorf("%v orientation %d: plain hash only %d bits from the original's", sz, o, d)
			}
			if d := Distance(dih[want[o]], turned); d > MatchThreshold {
				t.Errorf("%v orientation %d: dihedral %s is %d bits from the turned copy's hash", sz, o, DihedralNames[want[o]], d)
			}
		}
	}
}

// TestRobust: small changes keep the hash within the match threshold; a
// different picture is far.
func TestRobust(t *testing.T) {
	img := scene(800, 600, 1)
	h, q := mustHash(t, img)
	if q < MinQuality {
		t.Fatalf("quality %d of a detailed picture", q)
	}
	brighter := image.NewNRGBA(img.Rect)
	for i, v := range img.Pix {
		brighter.Pix[i] = v
		if i%4 != 3 {
			brighter.Pix[i] = c8(int(v) + 12)
		}
	}
	hb, _ := mustHash(t, brighter)
	if d := Distance(h, hb); d > 16 {
		t.Errorf("brightened copy is %d bits away", d)
	}
	small := image.NewNRGBA(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			small.SetNRGBA(x, y, img.NRGBAAt(2*x, 2*y))
		}
	}
	hs, _ := mustHash(t, small)
	if d := Distance(h, hs); d > MatchThreshold {
		t.Errorf("half-size copy is %d bits away", d)
	}
	other, _ := mustHash(t, scene(800, 600, 2))
	if d := Distance(h, other); d < 80 {
		t.Errorf("different picture only %d bits away", d)
	}
}

// TestGreyPaths: greyscale images take the reference's grey path, and an RGB
// image whose pixels all have R=G=B is hashed as grey too (as ImageMagick
// hands the reference a grey PNM then). The two luma formulas differ by one
// ulp at exactly 35 of the 256 levels.
func TestGreyPaths(t *testing.T) {
	differ := 0
	for v := 0; v < 256; v++ {
		if luma(uint8(v), uint8(v), uint8(v), false) != luma(uint8(v), 0, 0, true) {
			differ++
		}
	}
	if differ != 35 {
		t.Errorf("RGB and grey luma differ at %d levels, the reference note says 35", differ)
	}
	src := scene(300, 200, 3)
	g := image.NewGray(src.Rect)
	rgb := image.NewNRGBA(src.Rect)
	for i := range g.Pix {
		v := src.Pix[4*i+1]
		g.Pix[i] = v
		rgb.Pix[4*i], rgb.Pix[4*i+1], rgb.Pix[4*i+2], rgb.Pix[4*i+3] = v, v, v, 255
	}
	if !IsGrey(rgb) || !IsGrey(g) || IsGrey(src) {
		t.Fatal("IsGrey wrong")
	}
	hg, qg := mustHash(t, g)
	hr, qr := mustHash(t, rgb)
	if hg != hr || qg != qr {
		t.Errorf("grey image %v q%d, equal-channel RGB %v q%d", hg, qg, hr, qr)
	}
	// The RGB path on the same pixels is a different computation (nearly the same hash).
	forced, err := Compute(rgb, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := Distance(forced.Hash, hg); d > 8 {
		t.Errorf("RGB path on grey pixels is %d bits away", d)
	}
}

// TestAlphaIgnored: alpha is dropped without blending, for every way of
// storing it, as the reference does.
func TestAlphaIgnored(t *testing.T) {
	src := scene(120, 90, 4)
	want, _ := mustHash(t, src)
	transparent := image.NewNRGBA(src.Rect)
	copy(transparent.Pix, src.Pix)
	for i := 3; i < len(transparent.Pix); i += 4 {
		transparent.Pix[i] = uint8(i % 3 * 60) // 0 (fully transparent), 60, 120
	}
	if h, _ := mustHash(t, transparent); h != want {
		t.Errorf("NRGBA with alpha: %d bits from opaque", Distance(h, want))
	}
	// Palette with transparent entries whose colour is kept.
	pal := color.Palette{}
	for i := 0; i < 256; i++ {
		pal = append(pal, color.NRGBA{uint8(i), uint8(255 - i), uint8(i * 7), uint8(i % 2 * 255)})
	}
	p := image.NewPaletted(image.Rect(0, 0, 64, 48), pal)
	opaque := image.NewNRGBA(p.Rect)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range p.Pix {
		ix := uint8((i/64*3 + i%64 + rng.IntN(4)) % 256)
		p.Pix[i] = ix
		c := pal[ix].(color.NRGBA)
		opaque.Pix[4*i], opaque.Pix[4*i+1], opaque.Pix[4*i+2], opaque.Pix[4*i+3] = c.R, c.G, c.B, 255
	}
	hp, _ := mustHash(t, p)
	ho, _ := mustHash(t, opaque)
	if hp != ho {
		t.Errorf("palette with tRNS: %d bits from its opaque colours", Distance(hp, ho))
	}
}

// TestSixteenBit documents the rule for 16-bit samples: v>>8.
func TestSixteenBit(t *testing.T) {
	src := scene(100, 80, 6)
	g8 := image.NewGray(src.Rect)
	g16 := image.NewGray16(src.Rect)
	c8 := image.NewNRGBA(src.Rect)
	c16 := image.NewNRGBA64(src.Rect)
	for i := range g8.Pix {
		v := src.Pix[4*i]
		low := uint8(i * 31) // a low byte that must not matter
		g8.Pix[i] = v
		g16.Pix[2*i], g16.Pix[2*i+1] = v, low
		copy(c8.Pix[4*i:4*i+4], src.Pix[4*i:4*i+4])
		for k := 0; k < 4; k++ {
			c16.Pix[8*i+2*k], c16.Pix[8*i+2*k+1] = src.Pix[4*i+k], low
		}
	}
	if a, b := mustHashPair(t, g8, g16); a != b {
		t.Errorf("Gray16: %d bits from Gray with v>>8", Distance(a, b))
	}
	if a, b := mustHashPair(t, c8, c16); a != b {
		t.Errorf("NRGBA64: %d bits from NRGBA with v>>8", Distance(a, b))
	}
}

func mustHashPair(t *testing.T, a, b image.Image) (Hash, Hash) {
	ha, _ := mustHash(t, a)
	hb, _ := mustHash(t, b)
	return ha, hb
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		w, h  int
		small bool
	}{
		{4, 4, true}, {4, 100, true}, {100, 4, true}, {1, 1, true},
		{5, 5, false}, {5, 700, false}, {64, 64, false}, {513, 20, false}, {512, 512, false},
	} {
		h, q, err := HashImage(scene(tc.w, tc.h, 7))
		if tc.small {
			if !errors.Is(err, ErrTooSmall) || !h.IsZero() || q != 0 {
				t.Errorf("%dx%d: %v q%d %v, want ErrTooSmall with zero hash", tc.w, tc.h, h, q, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%dx%d: %v", tc.w, tc.h, err)
		}
		if s := h.String(); len(s) != 64 || strings.ToLower(s) != s {
			t.Errorf("%dx%d: %q", tc.w, tc.h, s)
		}
	}
	// Over 512 px the picture is reduced by nearest neighbour: a picture made
	// of 2x2 blocks hashes as its 512x512 reduction.
	half := scene(512, 512, 8)
	big := image.NewNRGBA(image.Rect(0, 0, 1024, 1024))
	for y := 0; y < 1024; y++ {
		for x := 0; x < 1024; x++ {
			big.SetNRGBA(x, y, half.NRGBAAt(x/2, y/2))
		}
	}
	if a, b := mustHashPair(t, half, big); a != b {
		t.Errorf("1024 px of 2x2 blocks: %d bits from the 512 px original", Distance(a, b))
	}
}

// TestFlatQuality: a flat picture has quality 0 and a detailed one 100.
func TestFlatQuality(t *testing.T) {
	flat := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range flat.Pix {
		flat.Pix[i] = 90
	}
	if _, q := mustHash(t, flat); q != 0 {
		t.Errorf("flat picture quality %d", q)
	}
	if _, q := mustHash(t, scene(400, 400, 9)); q != 100 {
		t.Errorf("detailed picture quality %d", q)
	}
}

func TestHashText(t *testing.T) {
	var h Hash
	if s := h.String(); s != strings.Repeat("0", 64) {
		t.Errorf("zero hash %q", s)
	}
	h[15] = 0xd8f8
	h[0] = 0x9b22
	s := h.String()
	if !strings.HasPrefix(s, "d8f8") || !strings.HasSuffix(s, "9b22") {
		t.Errorf("word order: %s", s)
	}
	back, err := Parse(strings.ToUpper(s))
	if err != nil || back != h {
		t.Errorf("Parse(%s) = %v, %v", s, back, err)
	}
	for _, bad := range []string{"", "00", strings.Repeat("g", 64), strings.Repeat("0", 65)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	a, _ := Parse("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")
	b, _ := Parse("d8f8f0cee0f4a84f0637022a038f67f0b36e2ed596631e1d33e6339c4e9c9b22")
	if d := Distance(a, b); d != 2 {
		t.Errorf("Distance = %d, want 2", d)
	}
	if Distance(a, a) != 0 {
		t.Error("Distance to itself")
	}
}

func BenchmarkPDQ512(b *testing.B) {
	img := scene(512, 512, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(img, false, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPDQ512Dihedral(b *testing.B) {
	img := scene(512, 512, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(img, false, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPDQ12MPDecoded(b *testing.B) {
	img := scene(4000, 3000, 11)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := HashImage(img); err != nil {
			b.Fatal(err)
		}
	}
}
