package redact

import (
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

// verifyMetadata is the metadata engine's independent verdict on an output:
// nothing identifying may remain (metadata.ErrNotClean otherwise).
func verifyMetadata(data []byte) error {
	return verify.File(data, metadata.Options{})
}
