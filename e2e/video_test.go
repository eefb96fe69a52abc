//go:build linux

package e2e

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needFFmpeg skips a test that needs FFmpeg when it is missing, unless
// "make test" (which installs it) said it must be there.
func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("VEIL_NEED_FFMPEG") != "" {
			t.Fatal("ffmpeg is not installed (VEIL_NEED_FFMPEG is set: scripts/deps.sh test should have installed it)")
		}
		t.Skip("ffmpeg is not installed (scripts/deps.sh test installs it): video commands unchecked here")
	}
}

// makeVideo writes a short H.264 video made by FFmpeg's test source.
func makeVideo(t *testing.T, path string, seconds string) {
	t.Helper()
	needFFmpeg(t)
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d="+seconds,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path).CombinedOutput()
	if err != nil {
		t.Fatalf("making %s: %v\n%s", path, err, out)
	}
}

// TestHashVideoOver4GiB hashes a 4.5 GiB video (sparse, with a real MP4
// header): MD5 and SHA-256 equal md5sum's and sha256sum's, and veil's peak
// memory stays small, as for a file a thousand times smaller.
func TestHashVideoOver4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 4.5 GiB (three times, with md5sum and sha256sum): full run only")
	}
	home := t.TempDir()
	p := filepath.Join(home, "evidence.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	const size = 4<<30 + 512<<20
	f.Write([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"))
	f.WriteAt([]byte("the end of the file"), size-19)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Size() != size {
		t.Fatalf("size %d", st.Size())
	}
	r := runVeil(t, 10*time.Minute, home, "hash", "--json", p)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for prog, field := range map[string]string{"md5sum": `"md5":"`, "sha256sum": `"sha256":"`} {
		out, err := exec.Command(prog, p).Output()
		if err != nil {
			t.Fatalf("%s: %v", prog, err)
		}
		sum := strings.Fields(string(out))[0]
		if !strings.Contains(r.stdout, field+sum+`"`) {
			t.Errorf("%s says %s; veil: %s", prog, sum, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, `"kind":"video"`) || !strings.Contains(r.stdout, `"size":4831838208`) {
		t.Errorf("record %s", r.stdout)
	}
	const limit = 64 << 20
	if r.maxRSS > limit || r.maxRSS == 0 {
		t.Errorf("peak memory %.1f MB, the limit is %d MB", float64(r.maxRSS)/(1<<20), limit>>20)
	}
	t.Logf("4.5 GiB video: peak RSS %.1f MB, CPU %v", float64(r.maxRSS)/(1<<20), r.cpu.Round(time.Millisecond))
}

// TestHashVideoHostile runs "veil hash --video-pdq" on videos built to
// mislead FFmpeg: each run ends with the file's MD5 and SHA-256 and one
// error line that names the file, within the limits, with no FFmpeg left.
func TestHashVideoHostile(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	cases := hostileVideos(t, t.TempDir())
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			r := runVeil(t, hangLimit, dir, "hash", "--video-pdq", p)
			for _, problem := range hostileProblems(hostileCase{name: name, file: name, data: data}, "hash", r) {
				t.Error(problem)
			}
			var errLines []string
			for _, l := range nonEmptyLines(r.stdout) {
				if strings.Contains(l, "error") {
					errLines = append(errLines, l)
				}
			}
			if len(errLines) != 1 || !strings.Contains(errLines[0], "no vPDQ hash: ") || !strings.Contains(r.stdout, md5hex(data)) {
				t.Errorf("want the MD5 and one vPDQ error line:\n%s", clip(r.stdout))
			}
			noFFmpegFor(t, p)
		})
	}
}

// hostileVideos builds videos meant to mislead FFmpeg (in home), by file
// name: empty, a picture claiming 20000x20000 pixels, an HLS playlist and a
// concat list named as videos, garbage, a truncated file, a box size past
// the end.
func hostileVideos(t *testing.T, home string) map[string][]byte {
	t.Helper()
	good := filepath.Join(home, "good.mp4")
	makeVideo(t, good, "2")
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	moov := bytes.Index(b, []byte("moov"))
	png := filepath.Join(home, "png.mov")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=8x8:r=5:d=0.4",
		"-c:v", "png", "-pix_fmt", "rgb24", png).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pb, _ := os.ReadFile(png)
	// Each PNG sample claims 20000x20000 pixels: FFmpeg must refuse to decode it.
	huge := bytes.ReplaceAll(pb, []byte("IHDR\x00\x00\x00\x08\x00\x00\x00\x08"), []byte("IHDR\x00\x00\x4e\x20\x00\x00\x4e\x20"))
	cases := map[string][]byte{
		"empty.mp4":    nil,
		"huge.mov":     huge,
		"playlist.mp4": []byte("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n"),
		"concat.mov":   []byte("ffconcat version 1.0\nfile /etc/passwd\n"),
		"garbage.mp4":  bytes.Repeat([]byte("\x00\x00\x00\x10ftypjunk"), 500),
		"cut.mp4":      b[:len(b)/2],
		"boxsize.mp4":  append(append([]byte{}, b[:moov-4]...), []byte("\x7f\xff\xff\xffmoov\x00")...),
	}
	return cases
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestHashVideoStops sends Ctrl-C (SIGINT) to a long vPDQ run: veil stops
// FFmpeg, prints no hashes, says so, and exits 130.
func TestHashVideoStops(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("checked in the full run")
	}
	home := t.TempDir()
	p := filepath.Join(home, "long.mp4")
	makeVideo(t, p, "40")
	cmd := exec.Command(veilBin, "hash", "--video-pdq", "--video-pdq-seconds", "0", p)
	cmd.Env = bareEnv(home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until FFmpeg runs (the MD5 of a few MB is quick), then stop.
	deadline := time.Now().Add(time.Minute)
	for !ffmpegRunningFor(p) && time.Now().Before(deadline) && cmd.ProcessState == nil {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("veil did not stop within a minute of Ctrl-C")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, clip(stdout.String()), clip(stderr.String()))
	}
	noFFmpegFor(t, p)
}

// ffmpegRunningFor reports whether an ffmpeg reading path is running.
func ffmpegRunningFor(path string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		b, err := os.ReadFile(c)
		if err == nil && bytes.Contains(b, []byte("ffmpeg")) && bytes.Contains(b, []byte(path)) {
			if st, err := os.ReadFile(filepath.Join(filepath.Dir(c), "stat")); err == nil && !bytes.Contains(st, []byte(") Z")) {
				return true
			}
		}
	}
	return false
}

// noFFmpegFor fails if an ffmpeg reading path is still running a moment
// after veil ended.
func noFFmpegFor(t *testing.T, path string) {
	t.Helper()
	for range 50 {
		if !ffmpegRunningFor(path) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("an ffmpeg reading %s is still running after veil ended", path)
}
