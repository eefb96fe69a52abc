//go:build !linux

package detect

import "time"

// processCPU and threadCPU report 0 where CPU time is not measured here.
func processCPU() time.Duration { return 0 }

func threadCPU() time.Duration { return 0 }
