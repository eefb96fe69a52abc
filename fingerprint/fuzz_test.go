package fingerprint

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FuzzHashBytes: any bytes give digests and either a 64-digit PDQ hash with
// no error or an error with no PDQ hash; never a panic.
func FuzzHashBytes(f *testing.F) {
	f.Add(jpegOf(f, picture(40, 30, 1)))
	f.Add(pngOf(f, picture(30, 20, 2)))
	f.Add(withOrientation(jpegOf(f, picture(24, 16, 3)), 6))
	f.Add([]byte("\x00\x00\x00\x18ftypisom"))
	f.Add([]byte{})
	if root := sharedRoot(); root != "" {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if st, err := d.Info(); err == nil && st.Size() < 16<<10 {
					if b, err := os.ReadFile(p); err == nil {
						f.Add(b)
					}
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := HashBytes("f", b, Options{Dihedral: true})
		if len(r.MD5) != 32 || len(r.SHA256) != 64 {
			t.Fatalf("digests %q %q", r.MD5, r.SHA256)
		}
		if r.PDQ != "" {
			if r.Error != "" || !hex64.MatchString(r.PDQ) || len(r.PDQDihedral) != 8 {
				t.Fatalf("pdq %q dihedral %d error %q", r.PDQ, len(r.PDQDihedral), r.Error)
			}
		} else if r.Error == "" && r.Kind != KindVideo {
			t.Fatal("an image with neither PDQ hash nor error")
		}
	})
}
