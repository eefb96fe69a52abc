//go:build linux

package e2e

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// TestNoNetworkSyscalls runs every command as a user would, under strace,
// and fails on any socket other than AF_UNIX (D-Bus, which the desktop uses
// locally). It also checks that each command succeeds and leaves its input's
// bytes and modification time alone.
func TestNoNetworkSyscalls(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed (scripts/deps.sh test installs it): the no-network promise is unchecked here")
	}
	probe := t.TempDir()
	if out, err := exec.Command(strace, "-f", "-o", filepath.Join(probe, "t"), "-e", "trace=socket", "/bin/true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace in this environment (%v: %s): the no-network promise is unchecked here", err, strings.TrimSpace(string(out)))
	}
	cmds := requireCommands(t)
	home := t.TempDir()
	photos := filepath.Join(home, "photos")
	os.Mkdir(photos, 0o755)
	photo := filepath.Join(photos, "holiday.jpg")
	if err := os.WriteFile(photo, photoJPEG(640, 480, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	// A HEIC, decoded by libheif (or the embedded fallback): the iPhone photo
	// from ../shared when present, else Veil's own small test picture.
	heic := filepath.Join(photos, "iphone.heic")
	src := filepath.Join(repoRoot, "photo", "testdata", "heif", "small.heic")
	if p, ok := testenv.SharedPath(testenv.IPhoneHEIC); ok {
		src = p
	}
	if b, err := os.ReadFile(src); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(heic, b, 0o644); err != nil {
		t.Fatal(err)
	}
	face := photo
	if dir, ok := testenv.SharedPath("fixtures/faces"); ok {
		face = filepath.Join(photos, "face.jpg")
		b, err := os.ReadFile(filepath.Join(dir, "faceapi_sample1.jpg"))
		if err == nil {
			os.WriteFile(face, b, 0o644)
		} else {
			face = photo
		}
	}
	runs := map[string][]string{}
	for _, c := range cmds {
		out := filepath.Join(home, "out-"+c)
		switch c {
		case "clean":
			runs[c] = []string{"clean", "-o", out, photos}
		case "redact":
			runs["redact --region"] = []string{"redact", "--region", "10,10,100,100", "--style", "pixelate", "-o", out + ".webp", photo}
			runs["redact --faces"] = []string{"redact", "--faces", "-o", out + ".jpg", face}
			runs["redact --region heic"] = []string{"redact", "--region", "10,10,40,40", "-o", out + "-heic.jpg", heic}
		case "detect":
			runs[c] = []string{"detect", "--json", face}
			runs["detect heic"] = []string{"detect", "--json", heic}
		case "inspect", "hash":
			runs[c] = []string{c, photo, face, heic}
		}
	}
	runs["help"] = []string{"help"}
	// Videos: FFmpeg runs as veil's child, which strace -f follows.
	video := filepath.Join(photos, "clip.mp4")
	makeVideo(t, video, "2")
	runs["hash --video-pdq"] = []string{"hash", "--video-pdq", video}
	// A redaction runs ffprobe and three ffmpeg children (read for faces,
	// encode from Veil's frames, read back for the check).
	runs["redact video"] = []string{"redact", "--faces", "--region", "10,10,60,60@0.5-1.5", "-o", filepath.Join(home, "out-redacted.mp4"), video}
	// The lossless video clean and inspect run no FFmpeg: pure Go, traced
	// all the same.
	runs["inspect video"] = []string{"inspect", "--json", video}
	runs["clean video"] = []string{"clean", "--json", "-o", filepath.Join(home, "out-video"), video}
	// A Matroska file is copied into an MP4 by FFmpeg before the clean.
	mkv := filepath.Join(home, "clip.mkv")
	makeVideo(t, mkv, "1")
	runs["clean mkv"] = []string{"clean", "--json", "-o", filepath.Join(home, "out-mkv"), mkv}
	// and read through ffprobe and FFmpeg's copy of its first frames.
	runs["inspect mkv"] = []string{"inspect", "--json", mkv}
	videoRuns := map[string]bool{"hash --video-pdq": true, "clean mkv": true, "inspect mkv": true, "redact video": true}
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			before := map[string]snapshot{photo: snap(photo), face: snap(face), heic: snap(heic)}
			trace := filepath.Join(t.TempDir(), "trace")
			args := append([]string{"-f", "-qq", "-o", trace, "-e", "trace=socket,connect,bind,sendto,sendmsg,execve", veilBin}, runs[name]...)
			r := runCmd(t, hangLimit, home, strace, args...)
			if r.code != 0 {
				t.Errorf("exit %d: %s%s", r.code, clip(r.stdout), clip(r.stderr))
			}
			for _, bad := range networkCalls(t, trace) {
				t.Errorf("network system call: %s", bad)
			}
			if videoRuns[name] && !traced(t, trace, "ffmpeg") {
				t.Error("no ffmpeg child in the trace: the video path is unchecked")
			}
			for p, s := range before {
				if d := s.unchanged(p); d != "" {
					t.Errorf("%s: %s", filepath.Base(p), d)
				}
			}
		})
	}
}

// traced reports whether the trace shows prog being executed.
func traced(t *testing.T, trace, prog string) bool {
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "execve(") && strings.Contains(l, "/"+prog+`"`) && !strings.Contains(l, "ENOENT") {
			return true
		}
	}
	return false
}

// networkCalls returns the traced calls that use a socket family other than
// AF_UNIX.
func networkCalls(t *testing.T, trace string) []string {
	t.Helper()
	f, err := os.Open(trace)
	if err != nil {
		t.Fatalf("no strace output: %v", err)
	}
	defer f.Close()
	var bad []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, "socket("):
			if !strings.Contains(line, "socket(AF_UNIX") {
				bad = append(bad, line)
			}
		case strings.Contains(line, "sa_family="):
			if !strings.Contains(line, "sa_family=AF_UNIX") {
				bad = append(bad, line)
			}
		}
	}
	return bad
}

// dialingPackages are the standard packages that can open network
// connections. net/url and net/netip only parse text and are allowed.
func dialingPackage(p string) bool {
	switch {
	case p == "net", p == "crypto/tls", p == "net/http", p == "net/rpc", p == "net/smtp":
		return true
	case strings.HasPrefix(p, "net/http/"), strings.HasPrefix(p, "net/rpc/"):
		return true
	}
	return false
}

// allowedNet lists the third-party packages in Veil's build that import a
// dialing package, and why Veil cannot reach their network code. A new entry
// needs the same scrutiny: find what dials and prove Veil never calls it.
var allowedNet = map[string]string{
	"fyne.io/fyne/v2": "LoadResourceFromURLString uses http.Get; Veil never calls it (TestNoNetworkCallsInSource)",
	"fyne.io/fyne/v2/internal/repository": "the http(s) storage repository, reached only by opening an http URI; Veil opens only local paths " +
		"(dropped URIs are filtered to file://, the clipboard to absolute paths) and never calls storage.Reader",
	"github.com/godbus/dbus/v5": "D-Bus client for the desktop portal and settings; it connects over AF_UNIX only (TestNoNetworkSyscalls)",
	// Only in the ci-tagged test build (Fyne's headless driver), never in a release.
	"github.com/stretchr/testify/assert":  "ci tag only: Fyne's test driver imports testify, whose HTTP assertion helpers import net/http",
	"github.com/stretchr/testify/require": "ci tag only: as testify/assert",
}

// TestNoNetworkImports walks the import graph of Veil's own packages, in
// every build tags.mk defines (app, release, package, and the ci-tagged test
// build): none of Veil's packages may import a dialing package, and every
// third-party package that does must be in allowedNet with the reason Veil
// cannot reach its network code.
func TestNoNetworkImports(t *testing.T) {
	// embeddedheif: the HEIF fallback of builds without libheif (CGO_ENABLED=0,
	// Windows) links gen2brain/heic instead: check that graph too.
	for _, name := range []string{"VEIL_TAGS", "VEIL_RELEASE_TAGS", "VEIL_PACKAGE_TAGS", "VEIL_TEST_TAGS", "VEIL_TAGS+embeddedheif"} {
		base, extra, _ := strings.Cut(name, "+")
		tags, err := testenv.Tags(base)
		if err != nil {
			t.Fatal(err)
		}
		if extra != "" {
			tags += "," + extra
		}
		cmd := exec.Command("go", "list", "-tags", tags, "-deps",
			"-f", "{{.ImportPath}}|{{.Standard}}|{{with .Module}}{{.Path}}{{end}}|{{join .Imports \",\"}}", "./...")
		cmd.Dir = repoRoot
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Fatalf("go list -tags %s: %v\n%s", tags, err, msg)
		}
		seen := 0
		mods := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.SplitN(line, "|", 4)
			if len(f) != 4 || f[1] == "true" {
				continue
			}
			pkg, mod := f[0], f[2]
			mods[mod] = true
			for _, imp := range strings.Split(f[3], ",") {
				if !dialingPackage(imp) {
					continue
				}
				if mod == "codeberg.org/veil/veil" {
					t.Errorf("%s (%s): Veil's own package imports %s", pkg, tags, imp)
					continue
				}
				if _, ok := allowedNet[pkg]; !ok {
					t.Errorf("%s (%s) imports %s: find whether Veil can reach its network code, then list it in allowedNet with the reason", pkg, tags, imp)
				}
				seen++
			}
		}
		if seen == 0 {
			t.Errorf("-tags %s: no dependency imports net at all; the scan is probably broken", tags)
		}
		// HEIF is decoded by libheif (C, no Go imports) where it is linked;
		// the embedded decoder only in the fallback, and never through the
		// wazero WebAssembly runtime (wasm2go turns it into Go).
		if embedded := strings.Contains(tags, "embeddedheif"); mods["github.com/gen2brain/heic"] != embedded {
			t.Errorf("-tags %s: gen2brain/heic linked: %v, want %v", tags, !embedded, embedded)
		}
		if mods["github.com/tetratelabs/wazero"] {
			t.Errorf("-tags %s: the wazero runtime is linked", tags)
		}
	}
}

// bannedCalls are functions that would fetch or open something on the
// network on Veil's behalf.
var bannedCalls = map[string]string{
	"LoadResourceFromURLString": "fetches a URL",
	"OpenURL":                   "opens a browser",
	"NewHyperlink":              "a link that opens a browser",
	"NewHyperlinkWithStyle":     "a link that opens a browser",
	"Reader":                    "storage.Reader opens any URI, http(s) included",
	"Dial":                      "opens a connection",
	"DialContext":               "opens a connection",
	"Listen":                    "opens a socket",
}

// TestNoNetworkCallsInSource parses every Go file of Veil (all platforms and
// build tags, tests excluded) and fails on an import of a dialing package or
// a call of a function that fetches or opens a URL.
func TestNoNetworkCallsInSource(t *testing.T) {
	files := 0
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != repoRoot && (strings.HasPrefix(n, ".") || n == "testdata" || n == "e2e" || n == "vendor" || n == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%v", err)
			return nil
		}
		rel, _ := filepath.Rel(repoRoot, p)
		for _, imp := range f.Imports {
			if path := strings.Trim(imp.Path.Value, `"`); dialingPackage(path) {
				t.Errorf("%s imports %s", rel, path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if why, bad := bannedCalls[sel.Sel.Name]; bad {
					if x, ok := sel.X.(*ast.Ident); ok && (sel.Sel.Name != "Reader" || x.Name == "storage") {
						t.Errorf("%s: %s.%s (%s)", fset.Position(sel.Pos()), x.Name, sel.Sel.Name, why)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("only %d Go files found under %s", files, repoRoot)
	}
}

// TestNetworkCallsParser feeds the strace parser the lines it must catch
// and the ones it must let through.
func TestNetworkCallsParser(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	lines := []string{
		`1234  socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3`,
		`1234  connect(3, {sa_family=AF_UNIX, sun_path="/run/user/0/bus"}, 110) = 0`,
		`1235  socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 7`,
		`1235  connect(7, {sa_family=AF_INET6, sin6_port=htons(53), ...}, 28) = 0`,
		`1236  socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 8`,
	}
	os.WriteFile(trace, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	got := networkCalls(t, trace)
	if len(got) != 3 || got[0] != lines[2] || got[1] != lines[3] || got[2] != lines[4] {
		t.Errorf("networkCalls = %q", got)
	}
}
