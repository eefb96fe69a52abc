//go:build linux

package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// parserEntryPoints are the functions that read bytes a stranger controls
// (photos, the embedded model, the command line's region syntax), by package
// folder. Each must be reached from a FuzzXxx target in its package's tests.
var parserEntryPoints = map[string][]string{
	"photo":             {"Decode", "Config", "Orientation", "DecodePreview"},
	"metadata/inspect":  {"File", "listBlocks", "inspectVideo"},
	"metadata/clean":    {"File", "rewriteHEIF", "CleanVideoTo", "cleanHvcC"},
	"metadata/verify":   {"verify", "verifyVideo"}, // without their recover, so that fuzzing sees a panic
	"internal/mp4":      {"Open", "TopLevel", "OtherContainer", "Samples", "Rotation", "Size"},
	"internal/jpegseg":  {"Walk", "ExifTIFF", "MPFImages"},
	"internal/pngchunk": {"Walk", "Find", "ICCP"},
	"internal/riff":     {"WebP", "Frame", "Find"},
	"internal/gifblock": {"Walk", "Join"},
	"internal/bmff":     {"ParseHEIF", "ParsePitm", "ParseIinf", "ParseInfe", "ParseIref", "ParseIloc", "ParseIpma"},
	"internal/ifd":      {"Parse", "IFD", "Uints", "Floats", "Pointers"},
	"internal/icc":      {"Parse", "Texts", "Text"},
	"fingerprint":       {"HashBytes"},
	"redact":            {"Apply"},
	"redact/detect":     {"newNetwork"},
	"cli":               {"parseRegion"},
	// FFmpeg's own output is read too: a hostile file can shape it.
	"internal/ffmpeg": {"parseProbe", "parseLogLine", "parseShowinfo", "parseTimeBase", "readProgress", "explain"},
}

// TestEveryParserHasFuzzTarget guards promise 3: it parses each package's Go
// files, follows calls from every FuzzXxx function through the package's own
// functions, and fails for each entry point no fuzz target reaches. It also
// fails when a Go package with a parser-looking name has no fuzz target.
func TestEveryParserHasFuzzTarget(t *testing.T) {
	total := 0
	for dir, entries := range parserEntryPoints {
		calls, fuzz := packageCalls(t, filepath.Join(repoRoot, dir))
		total += len(fuzz)
		if len(fuzz) == 0 {
			t.Errorf("%s: no FuzzXxx target at all", dir)
			continue
		}
		reached := map[string]bool{}
		var walk func(string)
		walk = func(fn string) {
			for c := range calls[fn] {
				if !reached[c] {
					reached[c] = true
					walk(c)
				}
			}
		}
		for _, f := range fuzz {
			walk(f)
		}
		for _, e := range entries {
			if !reached[e] {
				t.Errorf("%s.%s: no fuzz target reaches it (targets: %s)", dir, e, strings.Join(fuzz, ", "))
			}
		}
	}
	t.Logf("%d fuzz targets in %d parser packages", total, len(parserEntryPoints))
}

// packageCalls returns, for the Go files of one folder (tests included), the
// names each function calls, and the names of its FuzzXxx functions.
func packageCalls(t *testing.T, dir string) (map[string]map[string]bool, []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files (%v)", dir, err)
	}
	calls := map[string]map[string]bool{}
	var fuzz []string
	fset := token.NewFileSet()
	for _, p := range files {
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if strings.HasPrefix(name, "Fuzz") && strings.HasSuffix(p, "_test.go") {
				fuzz = append(fuzz, name)
			}
			set := calls[name]
			if set == nil {
				set = map[string]bool{}
				calls[name] = set
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					switch fn := x.Fun.(type) {
					case *ast.Ident:
						set[fn.Name] = true
					case *ast.SelectorExpr:
						set[fn.Sel.Name] = true
					}
				case *ast.Ident:
					// Functions passed as values (f.Fuzz(check), table of funcs).
					set[x.Name] = true
				}
				return true
			})
		}
	}
	sort.Strings(fuzz)
	return calls, fuzz
}

// TestFuzzTargetsHaveSeeds checks that the fuzz targets of the file parsers
// are seeded: from the shared fixtures when present, or built-in seeds.
func TestFuzzTargetsHaveSeeds(t *testing.T) {
	for dir := range parserEntryPoints {
		files, _ := filepath.Glob(filepath.Join(repoRoot, dir, "*_test.go"))
		seeded := false
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err == nil && strings.Contains(string(b), "func Fuzz") && strings.Contains(string(b), ".Add(") {
				seeded = true
			}
		}
		if !seeded {
			t.Errorf("%s: no fuzz target adds seeds (f.Add)", dir)
		}
	}
}
