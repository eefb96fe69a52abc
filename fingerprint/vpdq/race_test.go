//go:build race

package vpdq

// raceEnabled: the race detector slows PDQ on full-size frames about
// tenfold; the reference vectors run in the normal test run.
const raceEnabled = true
