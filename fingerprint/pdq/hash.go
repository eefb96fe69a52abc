// Package pdq computes Meta's PDQ perceptual hash, bit for bit as the
// reference pdq-photo-hasher (facebook/ThreatExchange, pdq/cpp) computes it
// from the same pixels, together with its quality score and the eight
// dihedral variants. It is written for Veil from the algorithm's description;
// see ../shared/docs/pdq.md. Decoding is the caller's business: the reference
// decodes JPEGs exactly as libjpeg-turbo does (photo.Decode).
package pdq

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit PDQ hash: sixteen 16-bit words, word i holding the bits
// of row i of the 16x16 DCT coefficients (bit j for column j).
type Hash [16]uint16

// String returns the hash as the reference prints it: 64 lowercase hex
// digits, word 15 first and word 0 last.
func (h Hash) String() string {
	var b [32]byte
	for i := 0; i < 16; i++ {
		w := h[15-i]
		b[2*i] = byte(w >> 8)
		b[2*i+1] = byte(w)
	}
	return hex.EncodeToString(b[:])
}

// IsZero reports whether every bit is 0, which PDQ outputs only for images it
// could not hash (or flat ones).
func (h Hash) IsZero() bool { return h == Hash{} }

// Parse reads a hash written by String (upper case accepted).
func Parse(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("pdq hash must be 64 hex digits, got %d characters", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("pdq hash: %w", err)
	}
	for i := 0; i < 16; i++ {
		h[15-i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return h, nil
}

// Distance returns the Hamming distance between two hashes (0..256). Services
// treat 31 or less as a match.
func Distance(a, b Hash) int {
	d := 0
	for i := range a {
		d += bits.OnesCount16(a[i] ^ b[i])
	}
	return d
}

// MatchThreshold is the largest Distance at which reporting services treat
// two hashes as the same picture.
const MatchThreshold = 31

// MinQuality is the lowest quality that reporting services keep; hashes of
// lower quality are usually discarded.
const MinQuality = 50

// Dihedral transforms, in the order of the reference's --pdqdih output.
const (
	Orig = iota
	Rot90
	Rot180
	Rot270
	FlipX
	FlipY
	FlipPlus1
	FlipMinus1
)

// DihedralNames are the reference's names for the eight transforms.
var DihedralNames = [8]string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"}

// ErrTooSmall is returned for images narrower or shorter than MinSide: the
// reference prints an all-zero hash with quality 0, which is not a hash of
// anything and must not be reported.
var ErrTooSmall = errors.New("too small for a PDQ hash")

// MinSide is the smallest width and height PDQ hashes.
const MinSide = 5
