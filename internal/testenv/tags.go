package testenv

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// TagsFile is the file, at the repository root, where the build tag lists
// are written; the Makefile includes it and exports every list.
const TagsFile = "tags.mk"

// Tags returns the build tag list called name (VEIL_TAGS, VEIL_TEST_TAGS,
// VEIL_RELEASE_TAGS or VEIL_PACKAGE_TAGS): from the environment when make
// exported it, otherwise from tags.mk, so a test run by hand builds with the
// same tags as make.
func Tags(name string) (string, error) {
	if v := os.Getenv(name); v != "" {
		return v, nil
	}
	root, ok := RepoRoot()
	if !ok {
		return "", fmt.Errorf("build tags %s: not in the environment, and no go.mod above %s to find %s by", name, cwd(), TagsFile)
	}
	all, err := ReadTags(filepath.Join(root, TagsFile))
	if err != nil {
		return "", err
	}
	v, ok := all[name]
	if !ok {
		return "", fmt.Errorf("build tags %s: not in the environment, nor in %s", name, filepath.Join(root, TagsFile))
	}
	return v, nil
}

func cwd() string {
	d, _ := os.Getwd()
	return d
}

var (
	tagLine = regexp.MustCompile(`^([A-Z_]+)\s*:=\s*(\S*)\s*$`)
	tagRef  = regexp.MustCompile(`\$\(([A-Z_]+)\)`)
	tagList = regexp.MustCompile(`^[a-z0-9_]+(,[a-z0-9_]+)*$`)
)

// ReadTags parses a tags file: "NAME := value" lines, # comments and blank
// lines, where a value may use $(NAME) of an earlier line, as make would.
// Anything else is an error, so the file stays readable by make, by sh and
// by this function alike.
func ReadTags(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("build tags: %w", err)
	}
	tags := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := tagLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: not a NAME := value line: %q", path, n, line)
		}
		var undefined string
		v := tagRef.ReplaceAllStringFunc(m[2], func(ref string) string {
			name := tagRef.FindStringSubmatch(ref)[1]
			if _, ok := tags[name]; !ok {
				undefined = name
			}
			return tags[name]
		})
		if undefined != "" {
			return nil, fmt.Errorf("%s:%d: $(%s) is not defined above", path, n, undefined)
		}
		if !tagList.MatchString(v) {
			return nil, fmt.Errorf("%s:%d: %s is not a comma-separated tag list: %q", path, n, m[1], v)
		}
		tags[m[1]] = v
	}
	return tags, nil
}
