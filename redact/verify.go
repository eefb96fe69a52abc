package redact

import "codeberg.org/veil/veil/metadata"

// verifyMetadata is the metadata engine's independent verdict on an output:
// nothing identifying may remain (metadata.ErrNotClean otherwise).
func verifyMetadata(data []byte) error {
	return metadata.Verify(data, metadata.Options{})
}
