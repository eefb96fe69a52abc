package testenv

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// DeadDisplay returns an X display name (":N") that no X server answers: no
// socket file, no lock file and no abstract socket for it. Tests of "there is
// no screen" need one; a fixed number such as :97 is answered whenever
// anything else on the machine runs an X server there.
func DeadDisplay() string {
	unix, _ := os.ReadFile("/proc/net/unix")
	for {
		// Far above where Xvfb -displayfd (from 0) and xvfb-run -a (from 99)
		// look, so servers other programs start meanwhile do not land here.
		n := 5000 + rand.IntN(55000)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if strings.Contains(string(unix), fmt.Sprintf("/tmp/.X11-unix/X%d\n", n)) {
			continue
		}
		return fmt.Sprintf(":%d", n)
	}
}

// StartXvfb starts a private X server (no TCP) with one screen of the given
// geometry ("1280x800x24") and returns its display name once it accepts
// connections; the test's cleanup stops it. Tests skip when Xvfb is missing.
//
// It takes a free display number of its own (DeadDisplay) rather than letting
// Xvfb -displayfd count up from :0, where servers started at the same moment
// by other programs race for the same lock file, and it stops the server
// with SIGTERM, so no stale lock or socket is left for the next one.
func StartXvfb(t testing.TB, screen string) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skipf("Xvfb is not installed (./scripts/deps.sh test): %v", err)
	}
	var last string
	for range 5 {
		display, ok, why := startXvfb(t, screen)
		if ok {
			return display
		}
		last = why // the number was taken meanwhile: another one
	}
	t.Fatalf("Xvfb did not start: %s", last)
	return ""
}

// xvfbStart bounds the wait for a server to come up (usually well under a
// second); it only ends a wait that would never succeed.
const xvfbStart = time.Minute

func startXvfb(t testing.TB, screen string) (display string, ok bool, why string) {
	t.Helper()
	display = DeadDisplay()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// -noreset: by default the server resets when its last client leaves, and
	// a client connecting during that reset fails with "Can't open display".
	// Tests start and stop short clients (xclip, xdotool) all the time, so
	// without it one in about twenty clipboard tests failed at random.
	x := exec.Command("Xvfb", display, "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset")
	var stderr strings.Builder
	x.Stderr = &stderr
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { x.Wait(); close(exited) }()
	stop := func() {
		x.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			x.Process.Kill()
			<-exited
		}
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n') // written once the server listens
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n != "" {
			t.Cleanup(stop)
			return ":" + n, true, ""
		}
		<-exited
		return "", false, fmt.Sprintf("Xvfb %s ended: %s", display, strings.TrimSpace(stderr.String()))
	case <-time.After(xvfbStart):
		stop()
		return "", false, fmt.Sprintf("Xvfb %s not listening after %v", display, xvfbStart)
	}
}
