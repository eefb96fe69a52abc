package app

import (
	"context"
	"errors"

	"codeberg.org/veil/veil/metadata"
)

// errNoVideoMetadata says that this build cannot read or clean a video's
// metadata yet (the video metadata engine is being written on its own
// branch); the app says so instead of pretending.
var errNoVideoMetadata = errors.New("this version of Veil cannot read or remove a video's hidden information yet")

// inspectVideo reports what a video reveals.
func inspectVideo(ctx context.Context, path string) (*metadata.Report, error) {
	return nil, errNoVideoMetadata
}

// cleanVideo writes a verified clean copy of the video at in to out.
func cleanVideo(ctx context.Context, in, out string, opt metadata.Options, progress func(done, total int64)) (*metadata.Result, error) {
	return nil, errNoVideoMetadata
}
