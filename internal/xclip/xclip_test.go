//go:build linux && cgo

package xclip

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "64x64x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	t.Setenv("DISPLAY", ":"+strings.TrimSpace(line))
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
	// xclip owns the selection once it has read its input.
	deadline := time.Now().Add(5 * time.Second)
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
			got, typ, incr, err := readImage(tc.types, tc.max, 5*time.Second)
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
	t.Setenv("DISPLAY", ":97")
	if _, _, err := ReadImage(photoTypes, 1<<20, time.Second); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no display: err = %v, want ErrNoDisplay", err)
	}
}
