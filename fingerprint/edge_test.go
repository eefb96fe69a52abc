package fingerprint

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/testenv"
)

// TestReferenceEdge checks every vector of ../shared/fixtures/pdq-edge (flat
// colours, stripes, checkerboards, tiny and extreme-aspect images, where float
// rounding and the median's ties decide the bits) through the whole pipeline:
// the hash and quality must be the reference's exactly. Images under 5 px,
// for which the reference prints an all-zero hash, must instead be refused
// with a clear error and no hash.
func TestReferenceEdge(t *testing.T) {
	dir := testenv.Shared(t, "fixtures/pdq-edge")
	rows := readVectors(t, filepath.Join(dir, "expected.tsv"))
	if len(rows) < 60 {
		t.Fatalf("expected.tsv has %d rows, want at least 60", len(rows))
	}
	for _, row := range rows {
		name, wantHash, wantQ := row[0], row[1], row[2]
		t.Run(name, func(t *testing.T) {
			r := HashFile(filepath.Join(dir, name), Options{})
			if strings.HasPrefix(name, "under5-") {
				if r.PDQ != "" || !strings.Contains(r.Error, "too small for a PDQ hash") {
					t.Errorf("got pdq %q, error %q; want no hash and a too-small error", r.PDQ, r.Error)
				}
				return
			}
			if r.Error != "" {
				t.Fatalf("error: %s", r.Error)
			}
			if got := r.PDQ + " q" + strconv.Itoa(r.PDQQuality); got != wantHash+" q"+wantQ {
				g, _ := pdq.Parse(r.PDQ)
				w, _ := pdq.Parse(wantHash)
				t.Errorf("got %s, want %s q%s (%d bits apart)", got, wantHash, wantQ, pdq.Distance(g, w))
			}
		})
	}
}

// readVectors reads a tab-separated vector file: one row of fields per
// non-empty line.
func readVectors(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f := strings.Split(line, "\t")
			if len(f) != 3 {
				t.Fatalf("%s: bad row %q", path, line)
			}
			rows = append(rows, f)
		}
	}
	return rows
}
