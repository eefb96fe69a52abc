package pdq

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/photo"
)

// fixtureDir returns ../shared/fixtures/pdq next to the repository root, or
// skips the test when it is absent.
func fixtureDir(t testing.TB) string {
	t.Helper()
	return testenv.Shared(t, "fixtures/pdq")
}

// readTSV reads a tab-separated file into rows of fields.
func readTSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func decodeFixture(t testing.TB, path string) Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := photo.DecodeReference(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r, err := Compute(img, IsGrey(img), true)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// TestReference checks every row of the reference's output: hash and quality.
func TestReference(t *testing.T) {
	dir := fixtureDir(t)
	rows := readTSV(t, filepath.Join(dir, "expected.tsv"))
	if len(rows) != 30 {
		t.Fatalf("expected.tsv has %d rows, want 30", len(rows))
	}
	for _, row := range rows {
		t.Run(row[0], func(t *testing.T) {
			r := decodeFixture(t, filepath.Join(dir, row[0]))
			q, _ := strconv.Atoi(row[2])
			if got := r.Hash.String(); got != row[1] || r.Quality != q {
				want, _ := Parse(row[1])
				t.Errorf("got %s q%d, want %s q%d (%d bits apart)", got, r.Quality, row[1], q, Distance(r.Hash, want))
			}
		})
	}
}

// TestReferenceDihedral checks all 240 rows of the reference's --pdqdih output.
func TestReferenceDihedral(t *testing.T) {
	dir := fixtureDir(t)
	rows := readTSV(t, filepath.Join(dir, "expected-dihedral.tsv"))
	if len(rows) != 240 {
		t.Fatalf("expected-dihedral.tsv has %d rows, want 240", len(rows))
	}
	cache := map[string]Result{}
	bad := 0
	for _, row := range rows {
		r, ok := cache[row[0]]
		if !ok {
			r = decodeFixture(t, filepath.Join(dir, row[0]))
			cache[row[0]] = r
		}
		k := -1
		for i, n := range DihedralNames {
			if n == row[1] {
				k = i
			}
		}
		if k < 0 {
			t.Fatalf("unknown transform %q", row[1])
		}
		q, _ := strconv.Atoi(row[3])
		if got := r.Dihedral[k].String(); got != row[2] || r.DihedralQuality != q {
			bad++
			want, _ := Parse(row[2])
			t.Errorf("%s %s: got %s q%d, want %s q%d (%d bits apart)", row[0], row[1], got, r.DihedralQuality, row[2], q, Distance(r.Dihedral[k], want))
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d rows differ", bad, len(rows))
	}
}
