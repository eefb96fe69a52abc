package pdq

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"
)

// refDCTMatrixSHA256 is the SHA-256 of the reference's 16x64 DCT matrix as
// float32 bits (little-endian, row-major), as pdqhashing.cpp builds it with
// g++ and glibc on x86-64: the scale sqrt(2/64) stored as float first, the
// product with the double cosine then rounded to float. Computing the scale
// in double instead puts 112 of the 1024 entries one ulp off, which moved
// flat pictures by 49-88 bits and pure stripes by up to 96.
const refDCTMatrixSHA256 = "db354678fc6c99b7d442c35d8e89b002b71cb35eff6ae436c5f36392277a83c8"

func TestDCTMatrixIsReference(t *testing.T) {
	b := make([]byte, 0, 4*len(dctMatrix))
	for _, v := range dctMatrix {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != refDCTMatrixSHA256 {
		t.Errorf("DCT matrix differs from the reference's (sha256 %s)", got)
	}
}
