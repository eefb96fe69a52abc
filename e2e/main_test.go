//go:build linux

// Package e2e proves Veil's safety promises end to end, on Linux: it builds
// the veil binary once and runs its commands as a user would, under strace,
// on hostile files, and through a SIGKILL in the middle of a batch. (The
// Windows build is tested under wine by scripts/test-windows.sh.)
package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

var (
	// veilBin is the veil binary built by TestMain.
	veilBin string
	// repoRoot is the folder holding go.mod.
	repoRoot string
)

// TestMain builds veil once, with the test tags (VEIL_TEST_TAGS of tags.mk:
// Fyne's headless driver, so no GL is needed; the commands behave the same).
func TestMain(m *testing.M) {
	if path := os.Getenv(wrapEnv); path != "" {
		os.Exit(rusageWrapper(path, os.Args[1:]))
	}
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		// Listing tests (scripts/fuzz.sh looks for fuzz targets) needs no binary.
		os.Exit(m.Run())
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	repoRoot = root
	tags, err := testenv.Tags("VEIL_TEST_TAGS")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	tmp, err := os.MkdirTemp("", "veil-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	veilBin = filepath.Join(tmp, "veil")
	usageDir = tmp
	args := []string{"build", "-tags", tags}
	if raceEnabled {
		// Under -race the commands' own goroutines (batch workers, detection
		// passes) run under the race detector too.
		args = append(args, "-race")
	}
	args = append(args, "-o", veilBin, ".")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building veil: %v\n%s", err, out)
		os.RemoveAll(tmp)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func findRoot() (string, error) {
	root, ok := testenv.RepoRoot()
	if !ok {
		return "", errors.New("no go.mod above the test's folder")
	}
	return root, nil
}

// sharedDir returns ../shared/<sub> beside the repository, or skips the test.
func sharedDir(t *testing.T, sub string) string {
	t.Helper()
	return testenv.Shared(t, sub)
}

// hangLimit ends a run that is hung, not slow. Every command here finishes
// in seconds: the slowest, detect on a 100 MP PNG among the hostile files,
// took 1.8 s of CPU and 11 s of wall time at load 15 on two cores, and a
// starved make test (nice 10 beside busy loops) runs about 6 times slower
// still; this is over 10 times that. Speed is measured by benchmarks and
// scripts, and never asserted by these tests.
const hangLimit = 15 * time.Minute

// result is what one run of veil did.
type result struct {
	code           int
	stdout, stderr string
	wall, cpu      time.Duration
	maxRSS         int64 // bytes
	timedOut       bool
}

// runVeil runs veil with args, a bare environment whose HOME and TMPDIR are
// the given folder, and a wall-clock limit after which it is killed.
//
// veil is started through a copy of this test binary acting as a small
// wrapper (see rusageWrapper), so its memory figure is its own: Go starts
// processes with vfork, and a vforked child's peak RSS includes its parent's.
func runVeil(t *testing.T, limit time.Duration, home string, args ...string) result {
	t.Helper()
	usage, err := os.CreateTemp(usageDir, "rusage-")
	if err != nil {
		t.Fatal(err)
	}
	usage.Close()
	defer os.Remove(usage.Name())
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := runCmdEnv(t, limit, home, []string{wrapEnv + "=" + usage.Name()}, self, append([]string{veilBin}, args...)...)
	if b, err := os.ReadFile(usage.Name()); err == nil && len(b) > 0 {
		var maxrss, cpu int64
		if _, err := fmt.Sscanf(string(b), "%d %d", &maxrss, &cpu); err == nil {
			r.maxRSS, r.cpu = maxrss, time.Duration(cpu)
		}
	}
	return r
}

// wrapEnv names the file where the wrapper reports veil's resource usage.
const wrapEnv = "VEIL_E2E_RUSAGE_TO"

// usageDir holds the wrappers' reports (made by TestMain).
var usageDir string

// rusageWrapper runs args as a child, passing its output and exit status
// through, and writes the child's own peak RSS (bytes) and CPU time (ns) to
// path. This process is freshly exec'd and small, so the child's figures no
// longer include the test process's memory. If the wrapper is killed (a
// timeout), the child is killed with it.
func rusageWrapper(path string, args []string) int {
	runtime.LockOSThread() // Pdeathsig follows the thread that started the child
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, wrapEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "e2e wrapper:", err)
		return 127
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		os.WriteFile(path, fmt.Appendf(nil, "%d %d", ru.Maxrss*1024, int64(cpu)), 0o600)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

func runCmd(t *testing.T, limit time.Duration, home, name string, args ...string) result {
	t.Helper()
	return runCmdEnv(t, limit, home, nil, name, args...)
}

func runCmdEnv(t *testing.T, limit time.Duration, home string, extraEnv []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(bareEnv(home), extraEnv...)
	cmd.Dir = home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), code: -1}
	if ctx.Err() != nil {
		r.timedOut = true
	}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss * 1024
		}
	} else if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return r
}

// bareEnv is the environment of a support worker's fresh account: no
// settings, an empty home and temporary folder, a plain locale.
func bareEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"TMPDIR=" + home,
		"PATH=/usr/bin:/bin",
		"LANG=C.UTF-8",
		"GORACE=halt_on_error=1 exitcode=66",
	}
}

// panicText reports whether s carries a Go panic or a goroutine dump.
func panicText(s string) bool {
	return strings.Contains(s, "panic:") || strings.Contains(s, "goroutine ") || strings.Contains(s, "runtime error") ||
		strings.Contains(s, "DATA RACE")
}

// snapshot records a file's bytes and modification time.
type snapshot struct {
	data  []byte
	mtime time.Time
	err   error
}

func snap(path string) snapshot {
	st, err := os.Lstat(path)
	if err != nil {
		return snapshot{err: err}
	}
	s := snapshot{mtime: st.ModTime()}
	if st.Mode().IsRegular() {
		s.data, s.err = os.ReadFile(path)
	}
	return s
}

// unchanged reports how the file at path differs from s, or "".
func (s snapshot) unchanged(path string) string {
	now := snap(path)
	switch {
	case (s.err == nil) != (now.err == nil):
		return fmt.Sprintf("existence changed (%v -> %v)", s.err, now.err)
	case !bytes.Equal(s.data, now.data):
		return "bytes changed"
	case !s.mtime.Equal(now.mtime):
		return fmt.Sprintf("modification time changed (%v -> %v)", s.mtime, now.mtime)
	}
	return ""
}

// listDir returns the names under dir, recursively, relative to it.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	return names
}

// commands returns the subcommands the built veil lists in its help.
func commands(t *testing.T) map[string]bool {
	t.Helper()
	r := runVeil(t, hangLimit, t.TempDir(), "help")
	if r.code != 0 {
		t.Fatalf("veil help: exit %d: %s", r.code, r.stderr)
	}
	got := map[string]bool{}
	in := false
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "Commands:") {
			in = true
			continue
		}
		if f := strings.Fields(line); in && len(f) > 0 && strings.HasPrefix(line, "  ") {
			got[f[0]] = true
		}
	}
	return got
}

// userCommands are the commands every promise is checked against.
var userCommands = []string{"inspect", "clean", "hash", "detect", "redact"}

// requireCommands fails the test for each user command the binary lacks,
// and returns the ones it has.
func requireCommands(t *testing.T) []string {
	t.Helper()
	have := commands(t)
	var out []string
	for _, c := range userCommands {
		if !have[c] {
			t.Errorf("veil has no %q command; its safety promises are unchecked", c)
			continue
		}
		out = append(out, c)
	}
	return out
}

// commandArgs returns the arguments that run command on file the way a user
// would, writing any output under outDir.
func commandArgs(command, file, outDir string) []string {
	switch command {
	case "clean":
		return []string{"clean", "-o", outDir, file}
	case "redact":
		out := "redacted.png"
		if metadata.IsVideoName(file) { // a redacted video is written as a video
			out = "redacted.mp4"
		}
		return []string{"redact", "--region", "0,0,8,8", "-o", filepath.Join(outDir, out), file}
	}
	return []string{command, file}
}
