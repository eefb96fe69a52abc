//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

// readBoxes reads boxes.txt: "file x y w h" per face, "file" alone for an
// image with no faces, "#" comments.
func readBoxes(t *testing.T, path string) (map[string][]image.Rectangle, []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	boxes := map[string][]image.Rectangle{}
	var order []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		name := fields[0]
		if _, ok := boxes[name]; !ok {
			order = append(order, name)
			boxes[name] = nil
		}
		if len(fields) == 1 {
			continue
		}
		if len(fields) != 5 {
			t.Fatalf("boxes.txt: bad line %q", line)
		}
		var n [4]int
		for i := range n {
			if n[i], err = strconv.Atoi(fields[i+1]); err != nil {
				t.Fatalf("boxes.txt: bad line %q", line)
			}
		}
		boxes[name] = append(boxes[name], image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3]))
	}
	return boxes, order
}

// TestRedactFacesCoversEveryBox is acceptance item 2 of the faces issue:
// "veil redact --faces --style solid" on every image of the face fixtures
// must cover every true face box completely (every pixel replaced by the
// fill) and write an output that carries no metadata.
func TestRedactFacesCoversEveryBox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs face detection on every fixture; full run only")
	}
	dir := sharedDir(t, "fixtures/faces")
	boxes, order := readBoxes(t, filepath.Join(dir, "boxes.txt"))
	if len(order) < 10 {
		t.Fatalf("boxes.txt lists only %d images", len(order))
	}
	out := t.TempDir()
	var mu sync.Mutex
	faces, covered := 0, 0
	var cpu time.Duration
	sem := make(chan struct{}, 2)
	t.Run("images", func(t *testing.T) {
		for _, name := range order {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				in := filepath.Join(dir, name)
				// PNG output: lossless, so "every pixel replaced" is exact.
				dst := filepath.Join(out, strings.TrimSuffix(name, filepath.Ext(name))+".png")
				before := snap(in)
				r := runVeil(t, hangLimit, t.TempDir(), "redact", "--faces", "--style", "solid", "-o", dst, in)
				mu.Lock()
				cpu += r.cpu
				mu.Unlock()
				if d := before.unchanged(in); d != "" {
					t.Errorf("the fixture: %s", d)
				}
				want := boxes[name]
				if r.code != 0 {
					if len(want) == 0 && strings.Contains(r.stderr, "no faces found") {
						return // a negative image: nothing to redact, nothing written
					}
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				data, err := os.ReadFile(dst)
				if err != nil {
					t.Fatal(err)
				}
				if err := verify.File(data, metadata.Options{}); err != nil {
					t.Errorf("output carries metadata: %v", err)
				}
				orig, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				img, _, err := photo.Decode(data)
				if err != nil {
					t.Fatal(err)
				}
				o := photo.Orientation(orig)
				ow, oh := img.Bounds().Dx(), img.Bounds().Dy()
				if o >= 5 {
					ow, oh = oh, ow
				}
				n := photo.ToNRGBA(img)
				for _, b := range want {
					missed := 0
					for y := b.Min.Y; y < b.Max.Y; y++ {
						for x := b.Min.X; x < b.Max.X; x++ {
							// boxes.txt is in stored pixels; the output is upright.
							ux, uy := displayedPoint(x, y, ow, oh, o)
							if !image.Pt(ux, uy).In(n.Rect) {
								continue
							}
							c := n.NRGBAAt(ux, uy)
							if c.R != 0 || c.G != 0 || c.B != 0 || c.A != 255 {
								missed++
							}
						}
					}
					mu.Lock()
					faces++
					if missed == 0 {
						covered++
					}
					mu.Unlock()
					if missed > 0 {
						t.Errorf("face %v: %d of %d pixels not redacted", b, missed, b.Dx()*b.Dy())
					}
				}
			})
		}
	})
	t.Logf("veil redact --faces: %d of %d true face boxes fully covered over %d images; total CPU %v",
		covered, faces, len(order), cpu.Round(time.Millisecond))
	if faces == 0 {
		t.Error("no face boxes checked")
	}
}

// displayedPoint maps a stored pixel to the displayed (oriented) image of
// size w×h, the inverse of photo.OrientPoint.
func displayedPoint(x, y, w, h, o int) (int, int) {
	if o < 2 || o > 8 {
		return x, y
	}
	// Search is wasteful but exact and only used by tests on small boxes.
	for _, cand := range [][2]int{{x, y}, {w - 1 - x, y}, {w - 1 - x, h - 1 - y}, {x, h - 1 - y}, {y, x}, {w - 1 - y, x}, {w - 1 - y, h - 1 - x}, {y, h - 1 - x}} {
		if sx, sy := photo.OrientPoint(cand[0], cand[1], w, h, o); sx == x && sy == y {
			return cand[0], cand[1]
		}
	}
	panic(fmt.Sprintf("no displayed point for (%d,%d) orientation %d", x, y, o))
}
