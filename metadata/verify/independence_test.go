package verify

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "codeberg.org/veil/veil/"

// sharedWalkers are the packages of this module the verifier may read
// through: bounded container walkers that read bytes and judge nothing, the
// shared types, and photo's format sniffing.
var sharedWalkers = map[string]bool{
	"metadata": true, "photo": true,
	"internal/bmff": true, "internal/gifblock": true, "internal/icc": true, "internal/ifd": true,
	"internal/jpegseg": true, "internal/pngchunk": true, "internal/printable": true, "internal/riff": true,
	"internal/nal": true, // removes emulation-prevention bytes (photo's HEVC size check); keeps nothing, drops nothing
}

// TestVerifierImportsNoCleaner makes the verifier's independence a package
// boundary: neither verify nor anything it imports may import the cleaner
// (or the inspector), and it may reach no package of this module but the
// shared walkers. A bug in the cleaner's keep-lists then cannot be copied
// into the check that is meant to catch it.
func TestVerifierImportsNoCleaner(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list found only %d dependencies: the check is broken", len(deps))
	}
	for _, d := range deps {
		rel, ours := strings.CutPrefix(d, module)
		switch {
		case !ours || rel == "metadata/verify" || sharedWalkers[rel] || strings.HasPrefix(rel, "photo/"):
		case rel == "metadata/clean" || rel == "metadata/inspect" || strings.HasPrefix(rel, "internal/mp4"):
			// internal/mp4 is the cleaner's and inspector's movie reader:
			// the video verifier walks movies with its own code.
			t.Errorf("the verifier depends on %s", d)
		default:
			t.Errorf("the verifier depends on %s, which is not a shared walker: judge it before adding it to sharedWalkers", d)
		}
	}
}

// cleanerPolicy are the cleaner's keep-lists and profile judgement. They
// must be declared in metadata/clean and nowhere else: moving one into a
// shared package would let the verifier call it.
var cleanerPolicy = []string{"standardICC", "StandardICC", "standardICCNames", "standardICCText", "iccColourTags",
	"pngKeep", "pngICCName", "keepIFD0", "keepExifIFD", "heifKeepProps", "heifKeepItemTypes", "heifKeepBrands",
	"videoKeepVisual", "videoKeepAudio", "videoKeepEntryBoxes", "videoKeepWave", "videoKeepStbl", "videoKeepGroups",
	"avcKeepNAL", "hevcKeepNAL", "avcKeep"}

// TestCleanerPolicyStaysInCleaner parses every non-test Go file of the
// module and fails when one of the cleaner's policy helpers is declared
// outside metadata/clean, or when the verifier refers to one by name.
func TestCleanerPolicyStaysInCleaner(t *testing.T) {
	root := filepath.Join("..", "..")
	policy := map[string]bool{}
	for _, n := range cleanerPolicy {
		policy[n] = true
	}
	declared := map[string]bool{}
	fset := token.NewFileSet()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%v", err)
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		inClean := strings.HasSuffix(dir, "metadata/clean")
		inVerify := strings.HasSuffix(dir, "metadata/verify")
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncDecl:
				if policy[x.Name.Name] && x.Recv == nil {
					declared[x.Name.Name] = true
					if !inClean {
						t.Errorf("%s declares the cleaner's %s", p, x.Name.Name)
					}
				}
			case *ast.ValueSpec:
				for _, id := range x.Names {
					if policy[id.Name] {
						declared[id.Name] = true
						if !inClean {
							t.Errorf("%s declares the cleaner's %s", p, id.Name)
						}
					}
				}
			case *ast.Ident:
				if inVerify && policy[x.Name] {
					t.Errorf("%s: the verifier refers to the cleaner's %s", fset.Position(x.Pos()), x.Name)
				}
			}
			return true
		})
		return nil
	})
	if len(declared) < 5 {
		t.Errorf("found only %d of the cleaner's policy helpers (%v): the check is broken", len(declared), declared)
	}
}
