//go:build unix

package ffmpeg

import (
	"os"
	"syscall"
)

// killGroup kills FFmpeg and anything it started.
func killGroup(p *os.Process) {
	if p == nil {
		return
	}
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		p.Kill()
	}
}

// rootDir is FFmpeg's working directory: outputs are always absolute
// paths, and nothing should land in the user's current folder.
func rootDir() string { return "/" }

func platformEnv() []string { return nil }
