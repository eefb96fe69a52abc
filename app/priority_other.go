//go:build !linux

package app

// lowPriority runs f; only Linux lowers a single thread's priority.
func lowPriority(f func()) { f() }
