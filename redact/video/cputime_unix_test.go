//go:build unix

package video

import (
	"time"

	"golang.org/x/sys/unix"
)

// cpuTimes are the CPU time used so far by this process and by its ended
// children (FFmpeg).
func cpuTimes() (self, children time.Duration) {
	return rusage(unix.RUSAGE_SELF), rusage(unix.RUSAGE_CHILDREN)
}

func rusage(who int) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
