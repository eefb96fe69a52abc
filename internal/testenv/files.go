package testenv

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Files lists the files under ../shared/<rel>, sorted, leaving out the
// corpus's notes (.md) and tables (.tsv); it skips the test when the folder
// is absent or empty.
func Files(t testing.TB, rel string) []string {
	t.Helper()
	files := FilesIfPresent(rel)
	if len(files) == 0 {
		t.Skipf("../shared/%s not present beside the repository, or empty: test skipped", rel)
	}
	return files
}

// FilesIfPresent is Files without the skip, for seeding fuzz targets: it
// returns nothing when the folder is absent.
func FilesIfPresent(rel string) []string {
	root, ok := SharedPath(rel)
	if !ok {
		return nil
	}
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".tsv") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files
}
