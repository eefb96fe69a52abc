package app

import (
	"errors"

	"fyne.io/fyne/v2/lang"
)

// The video metadata engine (metadata/inspect.Video, metadata/clean.Video)
// is being written on its own branch. Until it is merged, defaultEngines
// leaves engines.inspectVideo and engines.cleanVideo nil and the app says
// plainly that it cannot read or clean a video's metadata: it never offers
// a copy as clean that nothing checked.

// errNoVideoMetadata says that this build cannot read or clean a video's
// metadata.
var errNoVideoMetadata = errors.New("this version of Veil cannot read or remove a video's hidden information yet")

// errNoVideoClean is the one line the user sees for a video that cannot
// be cleaned by this build.
func errNoVideoClean() error {
	return errors.New(lang.L("This version of Veil cannot clean videos yet: no copy was made."))
}
