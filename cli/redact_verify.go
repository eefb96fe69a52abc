package cli

import (
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

// verifyWrittenMetadata is the metadata engine's check of a redacted copy as
// it was read back from disk.
func verifyWrittenMetadata(b []byte) error {
	return verify.File(b, metadata.Options{})
}
