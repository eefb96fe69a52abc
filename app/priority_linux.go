package app

import (
	"runtime"
	"syscall"
)

// backgroundNice is the nice value of the threads that run background jobs.
// On a busy two-core machine a decode or encode at the UI's own priority
// takes CPU from the UI thread, the GL renderer's threads and the X server
// alike, and a frame then waits 100 ms or more.
const backgroundNice = 10

// lowPriority runs f on a thread of its own with a lower CPU priority. The
// thread ends with f (a goroutine that exits while locked to its thread
// takes the thread with it), so no other goroutine inherits the priority.
// Lowering one's own priority needs no privilege; if it fails, f runs at
// normal priority.
func lowPriority(f func()) {
	runtime.LockOSThread()
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), backgroundNice)
	f()
	// Deliberately no UnlockOSThread: the lowered thread must not serve
	// other goroutines.
}
