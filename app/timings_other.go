//go:build !unix && !windows

package app

import "time"

// processCPU is not measured here yet: timings then report wall time only.
func processCPU() time.Duration { return 0 }
