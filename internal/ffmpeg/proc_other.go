//go:build !unix

package ffmpeg

import (
	"os"
	"syscall"
)

func killGroup(p *os.Process) {
	if p != nil {
		p.Kill()
	}
}

func sysProcAttr() *syscall.SysProcAttr { return nil }

func rootDir() string { return os.TempDir() }

// platformEnv keeps the variables Windows programs cannot start without.
func platformEnv() []string {
	var env []string
	for _, k := range []string{"SystemRoot", "SYSTEMROOT", "windir"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
