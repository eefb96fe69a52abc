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
