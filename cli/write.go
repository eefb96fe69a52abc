package cli

import (
	"errors"

	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/outfile"
)

// verifyCopy is the metadata engine's independent check of a copy as it was
// read back from disk, before the copy gets its name. Tests replace it to
// prove that a copy failing it is never left behind.
var verifyCopy = verify.File

// writeError words a failed outfile.WriteChecked of a what ("cleaned",
// "redacted") copy: a copy that failed its check says so on its own; any
// other failure happened while writing.
func writeError(what string, err error) string {
	if errors.Is(err, outfile.ErrNotVerified) {
		return err.Error()
	}
	return "writing the " + what + " copy: " + err.Error()
}
