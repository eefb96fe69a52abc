//go:build linux

package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

const (
	crashPhotos = 200
	crashW      = 3000
	crashH      = 2000
)

// noisyJPEG encodes a w×h photo-like image (gradients plus noise, so it is
// megabytes like a camera's) at quality 90.
func noisyJPEG(w, h int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		row := img.Y[y*img.YStride:]
		for x := 0; x < w; x++ {
			row[x] = uint8((x*200)/w + (y*50)/h + int(rng.Uint32()%6))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(110+rng.Uint32()%8), uint8(140+rng.Uint32()%8)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	return buf.Bytes()
}

// crashPhotoSet writes crashPhotos large JPEGs with EXIF GPS, a comment and a
// trailer into dir: eight distinct images (encoded in parallel), each file
// with its own metadata.
func crashPhotoSet(t *testing.T, dir string) map[string][sha256.Size]byte {
	t.Helper()
	bases := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range bases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bases[i] = noisyJPEG(crashW, crashH, uint64(i))
		}()
	}
	wg.Wait()
	sums := map[string][sha256.Size]byte{}
	for i := range crashPhotos {
		base := bases[i%len(bases)]
		com := []byte(fmt.Sprintf("photo %d, 12 Example Street", i))
		data := testimg.Cat(base[:2], exifAPP1(1, false),
			[]byte{0xFF, 0xFE, byte((len(com) + 2) >> 8), byte(len(com) + 2)}, com,
			base[2:], []byte(fmt.Sprintf("TRAILER serial %06d", i)))
		name := filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sums[name] = sha256.Sum256(data)
	}
	return sums
}

// TestCrashSafeBatch starts "veil clean" on 200 large photos, kills it with
// SIGKILL in the middle of the batch, and checks what a user whose laptop
// died would find: originals byte-identical and untouched, every file in the
// output folder complete, decodable and verified clean, and no temporary or
// partial file anywhere (output folder, input folder, TMPDIR).
func TestCrashSafeBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 200 large photos; full run only")
	}
	have := commands(t)
	if !have["clean"] {
		t.Fatal(`veil has no "clean" command`)
	}
	root := t.TempDir()
	in, out, tmp := filepath.Join(root, "photos"), filepath.Join(root, "clean"), filepath.Join(root, "tmp")
	for _, d := range []string{in, tmp} {
		os.Mkdir(d, 0o755)
	}
	start := time.Now()
	sums := crashPhotoSet(t, in)
	t.Logf("generated %d photos of %dx%d in %v", crashPhotos, crashW, crashH, time.Since(start).Round(time.Millisecond))
	mtimes := map[string]time.Time{}
	for p := range sums {
		st, _ := os.Stat(p)
		mtimes[p] = st.ModTime()
	}

	// Kill part-way through the batch, polling the output folder.
	var killedAt int
	for attempt := 0; attempt < 3; attempt++ {
		os.RemoveAll(out)
		cmd := exec.Command(veilBin, "clean", "-o", out, in)
		cmd.Env = bareEnv(tmp)
		cmd.Dir = tmp
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Somewhere between a tenth and 60% of the way, different each run.
		target := crashPhotos/10 + rand.IntN(crashPhotos/2)
		killed := false
		deadline := time.After(3 * hangLimit) // a hang guard: the batch takes seconds
	poll:
		for {
			select {
			case <-done:
				break poll
			case <-deadline:
				cmd.Process.Kill()
				<-done
				t.Fatalf("veil clean did not finish 200 photos in %v; stderr %q", 3*hangLimit, clip(stderr.String()))
			case <-time.After(2 * time.Millisecond):
				if entries, _ := os.ReadDir(out); len(entries) >= target {
					cmd.Process.Signal(syscall.SIGKILL)
					<-done
					killed = true
					killedAt = len(entries)
					break poll
				}
			}
		}
		if killed {
			break
		}
		t.Logf("attempt %d: the batch finished before the kill; retrying", attempt+1)
	}
	if killedAt == 0 {
		t.Fatal("could not kill veil clean mid-batch in three attempts")
	}

	// Originals: byte-identical, same modification time, nothing added.
	for p, sum := range sums {
		b, err := os.ReadFile(p)
		if err != nil || sha256.Sum256(b) != sum {
			t.Errorf("%s: original changed or lost (%v)", filepath.Base(p), err)
		}
		if st, err := os.Stat(p); err != nil || !st.ModTime().Equal(mtimes[p]) {
			t.Errorf("%s: modification time changed", filepath.Base(p))
		}
	}
	if names := listDir(t, in); len(names) != crashPhotos {
		t.Errorf("the input folder holds %d entries, not %d", len(names), crashPhotos)
	}
	if left := listDir(t, tmp); len(left) > 0 {
		t.Errorf("TMPDIR holds %v", left)
	}
	// Outputs: each complete, decodable, verified clean, named after an input.
	outs := listDir(t, out)
	if len(outs) >= crashPhotos {
		t.Errorf("all %d outputs exist; the kill came too late to test anything", len(outs))
	}
	for _, name := range outs {
		p := filepath.Join(out, name)
		if strings.HasPrefix(name, ".") || !strings.HasPrefix(name, "IMG_") || !strings.HasSuffix(name, ".jpg") {
			t.Errorf("unexpected file in the output folder: %s", name)
			continue
		}
		if _, ok := sums[filepath.Join(in, name)]; !ok {
			t.Errorf("%s matches no input", name)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		if err := verify.File(b, metadata.Options{}); err != nil {
			t.Errorf("%s: not clean: %v", name, err)
		}
		img, _, err := photo.Decode(b)
		if err != nil {
			t.Errorf("%s: incomplete: %v", name, err)
		} else if img.Bounds().Dx() != crashW || img.Bounds().Dy() != crashH {
			t.Errorf("%s: decodes as %v", name, img.Bounds())
		}
	}
	t.Logf("killed with %d outputs present; %d complete clean outputs checked, no partial or temporary files", killedAt, len(outs))
}
