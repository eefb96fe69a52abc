package clean

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

// corpusFiles lists every image of the shared metadata corpus.
func corpusFiles(t testing.TB) []string { return testenv.Files(t, "fixtures/metadata") }

// planted are the markers of the synthetic fixtures' planted values.
var planted = regexp.MustCompile(`PLANTED|Jane Roe|JaneRoe`)

// displayed decodes b as a viewer shows it: decoded, then oriented.
func displayed(t testing.TB, b []byte) *image.NRGBA {
	t.Helper()
	img, _, err := photo.Decode(b)
	if err != nil {
		return nil
	}
	return photo.ToNRGBA(photo.Orient(img, photo.Orientation(b)))
}

func TestCleanCorpus(t *testing.T) {
	files := corpusFiles(t)
	outDir := t.TempDir()
	var written []string
	for _, mode := range []metadata.Mode{metadata.All, metadata.LocationOnly} {
		for _, p := range files {
			sp := filepath.ToSlash(p)
			rel := sp[strings.Index(sp, "fixtures/metadata/")+len("fixtures/metadata/"):]
			name := fmt.Sprintf("%v/%s", mode, rel)
			t.Run(name, func(t *testing.T) {
				in, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				orig := append([]byte{}, in...)
				res, err := File(in, metadata.Options{Mode: mode})
				if !bytes.Equal(in, orig) {
					t.Fatal("Clean modified its input")
				}
				if err != nil && mode == metadata.All {
					// Every corpus file cleans in All mode: damaged JPEGs
					// are salvaged, HEIF stubs rebuilt at box level.
					t.Fatalf("Clean: %v", err)
				}
				if err == nil && photo.Sniff(in) == photo.HEIF && !res.Lossless {
					t.Errorf("HEIF was re-encoded instead of rebuilt: %q", res.Removed)
				}
				if err != nil {
					// Refusing is right only for a file no decoder can show
					// (damaged scan data, a stub without image data), and
					// the reason must fit on one line.
					if _, _, derr := photo.Decode(in); derr == nil {
						t.Fatalf("Clean refused a decodable file: %v", err)
					}
					if strings.Contains(err.Error(), "\n") || err.Error() == "" {
						t.Fatalf("error is not one line: %q", err)
					}
					t.Logf("refused an undecodable file: %v", err)
					return
				}
				if err := verify.File(res.Data, metadata.Options{Mode: mode}); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if mode == metadata.All {
					if m := planted.Find(res.Data); m != nil {
						t.Errorf("planted marker %q survived", m)
					}
					if m := planted.FindString(strings.Join(res.Removed, "; ")); m != "" {
						t.Errorf("Removed repeats planted marker %q", m)
					}
					out := filepath.Join(outDir, strings.NewReplacer("/", "_").Replace(rel)+res.Format.Ext())
					if err := os.WriteFile(out, res.Data, 0o600); err != nil {
						t.Fatal(err)
					}
					written = append(written, out)
				}
				in0 := photo.Sniff(in)
				if in0 == photo.TIFF || in0 == photo.HEIF || !res.Lossless || testing.Short() {
					return
				}
				want := displayed(t, in)
				if want == nil {
					return // placeholder pixels the decoder rejects
				}
				got := displayed(t, res.Data)
				if got == nil || !got.Rect.Eq(want.Rect) || !bytes.Equal(got.Pix, want.Pix) {
					t.Errorf("displayed pixels differ after cleaning")
				}
			})
		}
	}
	if testing.Short() || len(written) == 0 {
		return
	}
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Log("exiftool not installed: leakcheck.sh skipped")
		return
	}
	tool := filepath.Join(testenv.Shared(t, "tools"), "leakcheck.sh")
	cmd := exec.Command(tool, append([]string{"-q", "--grep", "PLANTED|Jane Roe|JaneRoe"}, written...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var bad []string
		for _, l := range strings.Split(string(out), "\n") {
			if !strings.Contains(l, "\tCLEAN") && l != "" {
				bad = append(bad, l)
			}
		}
		t.Errorf("leakcheck.sh failed (%v) on %d outputs:\n%s", err, len(bad), strings.Join(bad, "\n"))
	}
}

// The orientation samples are one photo stored eight ways, each with the
// Orientation that shows it upright: after cleaning, all must look like the
// one stored upright (orientation 1).
func TestCleanOrientationSamplesUpright(t *testing.T) {
	dir := testenv.Shared(t, "fixtures/metadata/exif-samples/jpg/orientation")
	shown := map[string]map[int]*image.NRGBA{} // series → orientation → displayed output
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		in, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || photo.Sniff(in) != photo.JPEG {
			continue
		}
		res, err := File(in, metadata.Options{})
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		series := strings.SplitN(e.Name(), "_", 2)[0]
		if shown[series] == nil {
			shown[series] = map[int]*image.NRGBA{}
		}
		shown[series][photo.Orientation(in)] = displayed(t, res.Data)
	}
	meanDiff := func(a, b *image.NRGBA) float64 {
		var sum int
		for i := range a.Pix {
			d := int(a.Pix[i]) - int(b.Pix[i])
			sum += max(d, -d)
		}
		return float64(sum) / float64(len(a.Pix))
	}
	for series, byO := range shown {
		ref := byO[1]
		if ref == nil || len(byO) < 8 {
			t.Errorf("%s: %d orientations found, want 8 including 1", series, len(byO))
			continue
		}
		// The samples are separate encodings (the upright one differs
		// most), so they differ a little even when upright; a wrong
		// transform differs far more. The bar is half the difference the
		// mildest wrong transform (a mirror or a half turn) would make.
		wrong := math.Inf(1)
		for _, o := range []int{2, 3, 4} {
			wrong = min(wrong, meanDiff(ref, photo.ToNRGBA(photo.Orient(ref, o))))
		}
		for o, img := range byO {
			if img == nil {
				t.Errorf("%s orientation %d: cleaned output does not decode", series, o)
				continue
			}
			if img.Rect != ref.Rect {
				t.Errorf("%s orientation %d: shown %v, want %v", series, o, img.Rect, ref.Rect)
				continue
			}
			if d := meanDiff(img, ref); d > wrong/2 {
				t.Errorf("%s orientation %d: mean difference %.1f from the upright sample (a wrong transform: %.1f)", series, o, d, wrong)
			}
		}
	}
}
