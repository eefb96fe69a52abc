//go:build !linux || !cgo

package xclip

import (
	"time"
)

// ReadImage is not available on this platform: pictures are opened from
// files there.
func ReadImage(types []string, max int, timeout time.Duration) ([]byte, string, error) {
	return nil, "", ErrNoImage
}
