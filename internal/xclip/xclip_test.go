//go:build linux && cgo

package xclip

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os/exec"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
)

// The tests run a private X server and put data on its clipboard with
// xclip, the usual command-line clipboard tool, which serves large data
// with the INCR protocol as browsers and image viewers do.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (./scripts/deps.sh test): %v", tool, err)
		}
	}
}

// startX starts Xvfb on a free display and points DISPLAY at it.
func startX(t *testing.T) {
	t.Helper()
	t.Setenv("DISPLAY", testenv.StartXvfb(t, "64x64x24"))
}

// serve puts data of the given type on the clipboard until the test ends.
func serve(t *testing.T, typ string, data []byte) {
	t.Helper()
	cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-t", typ, "-i")
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// xclip owns the selection once it has read its input: usually within
	// milliseconds; the minute only ends a wait that would never succeed.
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if err := exec.Command("xclip", "-o", "-selection", "clipboard", "-t", "TARGETS").Run(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("xclip never took the clipboard: %s", out.String())
}

// noisePNG is a PNG of w×h random pixels (incompressible, so its size is
// about 3wh bytes).
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	img.Set(0, 0, color.NRGBA{1, 2, 3, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var photoTypes = []string{"image/png", "image/jpeg", "image/webp"}

func TestReadImage(t *testing.T) {
	needTools(t)
	small := noisePNG(t, 40, 30)
	large := noisePNG(t, 1200, 900) // ~4 MB: beyond one request, so INCR
	for _, tc := range []struct {
		name  string
		typ   string
		data  []byte
		types []string
		max   int
		want  string // type wanted, or "" when err is wanted
		incr  bool   // the owner must have used INCR
		err   error
	}{
		{"small png", "image/png", small, photoTypes, 1 << 20, "image/png", false, nil},
		{"large png by INCR", "image/png", large, photoTypes, 64 << 20, "image/png", true, nil},
		{"only a type later in the list", "image/jpeg", small, photoTypes, 1 << 20, "image/jpeg", false, nil},
		{"text, no picture", "UTF8_STRING", []byte("/home/jane/photo.jpg"), photoTypes, 1 << 20, "", false, ErrNoImage},
		{"larger than allowed", "image/png", large, photoTypes, 1 << 20, "", false, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			startX(t)
			serve(t, tc.typ, tc.data)
			// A deadline far above the transfer's time (milliseconds), so a
			// loaded machine cannot make it expire.
			got, typ, incr, err := readImage(tc.types, tc.max, time.Minute)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if incr != tc.incr {
				t.Errorf("INCR used: %v, want %v", incr, tc.incr)
			}
			if typ != tc.want {
				t.Errorf("type %q, want %q", typ, tc.want)
			}
			if !bytes.Equal(got, tc.data) {
				t.Errorf("read %d bytes, want the %d served", len(got), len(tc.data))
			}
		})
	}
}

func TestReadImageEmptyAndNoDisplay(t *testing.T) {
	needTools(t)
	startX(t)
	if _, _, err := ReadImage(photoTypes, 1<<20, time.Second); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty clipboard: err = %v, want ErrEmpty", err)
	}
	t.Setenv("DISPLAY", testenv.DeadDisplay())
	if _, _, err := ReadImage(photoTypes, 1<<20, time.Second); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no display: err = %v, want ErrNoDisplay", err)
	}
}
