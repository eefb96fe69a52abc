// Package verify is the independent check that a cleaned image holds
// nothing identifying: the cleaner ([codeberg.org/veil/veil/metadata/clean])
// calls [File] on every output and fails closed on any doubt.
//
// Its independence is a package boundary: verify has its own allow-lists
// (segments, chunks, boxes, EXIF tags, stock colour profiles) and never
// imports the cleaner, so a cleaner bug that keeps too much is not mirrored
// here. It may share the bounded container walkers under internal/, which
// read bytes and judge nothing; independence_test.go holds the line.
package verify

import (
	"fmt"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// File re-reads b, the bytes of a cleaned image, and returns an error
// wrapping [metadata.ErrNotClean] at the first thing that is not certainly
// clean for the mode in opt: any segment, chunk, block or box not needed to
// show the image, any byte after the end of the image, a colour profile that
// is not a stock one, EXIF holding more than the Orientation tag
// ([metadata.All] mode) or more than camera and date fields
// ([metadata.LocationOnly]), stray or unaccounted bytes, or a structure it
// cannot fully walk. Only JPEG, PNG, WebP, GIF and HEIF in the shape the
// cleaner rebuilds pass: the cleaner writes nothing else.
func File(b []byte, opt metadata.Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = notClean("verifier could not walk the file (%v)", r)
		}
	}()
	return verify(b, opt)
}

// verify is File without its recover, so that fuzzing sees any panic.
func verify(b []byte, opt metadata.Options) error {
	switch photo.Sniff(b) {
	case photo.JPEG:
		return verifyJPEG(b, opt)
	case photo.PNG:
		return verifyPNG(b, opt)
	case photo.WebP:
		return verifyWebP(b, opt)
	case photo.GIF:
		return verifyGIF(b)
	case photo.HEIF:
		return verifyHEIF(b, opt)
	}
	return notClean("not a JPEG, PNG, WebP, GIF or HEIF file")
}

func notClean(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{metadata.ErrNotClean}, args...)...)
}

func zeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
