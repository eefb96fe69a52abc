//go:build unix && !linux

package ffmpeg

import "syscall"

// sysProcAttr puts FFmpeg in its own process group, which cancel kills.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
