package testenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReadTags(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       map[string]string
		wantErr    string
	}{
		{name: "plain", file: "A := x,y\n", want: map[string]string{"A": "x,y"}},
		{name: "comments and blank lines", file: "# why\n\nA := x\n  # more\n", want: map[string]string{"A": "x"}},
		{name: "reference", file: "A := x,y\nB := $(A),z\n", want: map[string]string{"A": "x,y", "B": "x,y,z"}},
		{name: "reference below", file: "B := $(A),z\nA := x\n", wantErr: "$(A) is not defined above"},
		{name: "not an assignment", file: "A = x\n", wantErr: "not a NAME := value line"},
		{name: "make syntax", file: "ifdef X\n", wantErr: "not a NAME := value line"},
		{name: "spaces in the list", file: "A := x, y\n", wantErr: "not a NAME := value line"},
		{name: "empty list", file: "A :=\n", wantErr: "not a comma-separated tag list"},
		{name: "empty tag", file: "A := x,,y\n", wantErr: "not a comma-separated tag list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "tags.mk")
			if err := os.WriteFile(p, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadTags(p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// repoTags returns the repository root and its tags.mk lists.
func repoTags(t *testing.T) (string, map[string]string) {
	t.Helper()
	root, ok := RepoRoot()
	if !ok {
		t.Fatal("no go.mod above the package")
	}
	tags, err := ReadTags(filepath.Join(root, TagsFile))
	if err != nil {
		t.Fatal(err)
	}
	return root, tags
}

// TestRepositoryTags reads the repository's own tags.mk: every list the
// Makefile, the scripts and the e2e tests use is there, and the release and
// package builds are the app's build plus Fyne trimming.
func TestRepositoryTags(t *testing.T) {
	_, tags := repoTags(t)
	for _, name := range []string{"VEIL_TAGS", "VEIL_TEST_TAGS", "VEIL_RELEASE_TAGS", "VEIL_PACKAGE_TAGS"} {
		if tags[name] == "" {
			t.Errorf("%s has no %s", TagsFile, name)
		}
	}
	for _, name := range []string{"VEIL_RELEASE_TAGS", "VEIL_PACKAGE_TAGS"} {
		if !strings.HasPrefix(tags[name], tags["VEIL_TAGS"]+",") {
			t.Errorf("%s = %q does not start from VEIL_TAGS %q", name, tags[name], tags["VEIL_TAGS"])
		}
	}
	if !strings.Contains(","+tags["VEIL_TEST_TAGS"]+",", ",ci,") {
		t.Errorf("VEIL_TEST_TAGS = %q lacks ci: the tests would need a display", tags["VEIL_TEST_TAGS"])
	}
}

func TestTagsPrefersTheEnvironment(t *testing.T) {
	t.Setenv("VEIL_TEST_TAGS", "") // as outside make: read from tags.mk
	fromFile, err := Tags("VEIL_TEST_TAGS")
	if err != nil || fromFile == "" {
		t.Fatalf("from %s: %q, %v", TagsFile, fromFile, err)
	}
	t.Setenv("VEIL_TEST_TAGS", "ci,other")
	if got, err := Tags("VEIL_TEST_TAGS"); got != "ci,other" || err != nil {
		t.Errorf("with VEIL_TEST_TAGS exported: %q, %v", got, err)
	}
	if _, err := Tags("VEIL_NO_SUCH_TAGS"); err == nil || !strings.Contains(err.Error(), TagsFile) {
		t.Errorf("an unknown list: %v, want an error naming %s", err, TagsFile)
	}
}

// TestTagsWrittenOnce fails when a tag list is written anywhere but tags.mk:
// in the Makefile, a script, CI, or Go code (which builds veil in e2e). Two
// of the repository's tags joined by a comma count as a list.
func TestTagsWrittenOnce(t *testing.T) {
	root, tags := repoTags(t)
	names := map[string]bool{}
	for _, list := range tags {
		for _, tag := range strings.Split(list, ",") {
			names[regexp.QuoteMeta(tag)] = true
		}
	}
	var alt []string
	for n := range names {
		alt = append(alt, n)
	}
	one := `(?:` + strings.Join(alt, "|") + `)`
	list := regexp.MustCompile(`\b` + one + `\s*,\s*` + one + `\b`)
	checked := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") && d.Name() != ".ci" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			switch rel {
			case "bin", "build", "dist", "out": // ignored build output (make clean)
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !(name == "Makefile" || strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".sh") || filepath.Dir(rel) == ".ci") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if m := list.FindString(line); m != "" {
				t.Errorf("%s:%d: the tag list %q is written here; use $(VEIL_…) from %s (Makefile, scripts) or testenv.Tags (Go)", rel, i+1, m, TagsFile)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("only %d files checked under %s; the walk is broken", checked, root)
	}
}
