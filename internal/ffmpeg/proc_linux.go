package ffmpeg

import "syscall"

// sysProcAttr puts FFmpeg in its own process group and has the kernel kill
// it if Veil dies first (a quick exit, a crash), so no decoder is left
// running with a victim's video open.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
