package verify

import (
	"context"
	"io"
)

// VerifyVideoNoRecover is the video verifier without its recover, for the
// fuzz target in the external test package: a panic must show.
func VerifyVideoNoRecover(ctx context.Context, r io.ReaderAt, size int64) error {
	return verifyVideo(ctx, r, size)
}
