package video

import (
	"context"
	"image"
	"testing"
)

// TestFollowArea follows a patterned card moving across a patterned
// background, from the frame it was drawn on to a later one.
func TestFollowArea(t *testing.T) {
	ff := runner(t)
	size := image.Pt(320, 240)
	card := func(i int) image.Rectangle { return image.Rect(40+5*i, 60+2*i, 100+5*i, 110+2*i) }
	src := clip{size: size, n: 36, draw: func(i int, img *image.NRGBA) {
		for y := range size.Y {
			for x := range size.X {
				p := img.Pix[img.PixOffset(x, y):]
				v := uint8(90 + 40*((x/16+y/16)%2))
				p[0], p[1], p[2], p[3] = v, v, v+20, 255
			}
		}
		c := card(i)
		for y := c.Min.Y; y < c.Max.Y; y++ {
			for x := c.Min.X; x < c.Max.X; x++ {
				p := img.Pix[img.PixOffset(x, y):]
				u, v := x-c.Min.X, y-c.Min.Y
				p[0], p[1], p[2] = uint8(20+7*u), uint8(250-9*v), uint8(((u/5+v/5)%2)*200)
			}
		}
	}}.make(t, ff, t.TempDir(), "card.mp4")
	a, err := Analyze(context.Background(), ff, src, AnalyzeOptions{NoFaces: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const first, last = 6, 33
	boxes, err := FollowArea(context.Background(), ff, a, card(first), first, last, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != last-first+1 {
		t.Fatalf("%d boxes for %d frames", len(boxes), last-first+1)
	}
	for k, b := range boxes {
		want := card(first + k)
		if d := b.Min.Sub(want.Min); d.X*d.X+d.Y*d.Y > 16 || b.Size() != want.Size() {
			t.Errorf("frame %d: box %v, the card is at %v", first+k, b, want)
		}
	}
	if _, err := FollowArea(context.Background(), ff, a, card(0), 10, 5, nil); err == nil {
		t.Error("a span ending before it starts was accepted")
	}
}

// TestPicture returns a given frame, upright, scaled.
func TestPicture(t *testing.T) {
	ff := runner(t)
	size := image.Pt(160, 96)
	src := clip{size: size, n: 12, rotate: true, draw: func(i int, img *image.NRGBA) {
		for k := range img.Pix {
			img.Pix[k] = 255
			if k%4 != 3 {
				img.Pix[k] = uint8(20 * i)
			}
		}
		// A dark corner top left, to see the picture's way up.
		for y := range 10 {
			for x := range 10 {
				copy(img.Pix[img.PixOffset(x, y):], []byte{0, 0, 0, 255})
			}
		}
	}}.make(t, ff, t.TempDir(), "p.mp4")
	a, err := Analyze(context.Background(), ff, src, AnalyzeOptions{NoFaces: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 7, 11} {
		img, err := a.Picture(context.Background(), ff, i, 80)
		if err != nil {
			t.Fatal(err)
		}
		if img.Rect.Dx() != 80 || img.Rect.Dy() != 48 {
			t.Fatalf("frame %d is %v, want 80x48 upright", i, img.Rect.Size())
		}
		if c := img.NRGBAAt(40, 30); int(c.R) < 20*i-6 || int(c.R) > 20*i+6 {
			t.Errorf("frame %d shows grey %d, want %d", i, c.R, 20*i)
		}
		if c := img.NRGBAAt(1, 1); c.R > 40 && i > 2 {
			t.Errorf("frame %d: the dark corner is not top left (%v)", i, c)
		}
	}
}
