package pdq

// transform writes into t the DCT coefficients of the picture transformed by
// dihedral transform k (Orig..FlipMinus1), derived from c without another
// DCT: mirroring the picture negates the odd-order basis functions (those
// with even index, as index i holds frequency i+1) along that axis, and
// transposing it transposes the coefficients.
func transform(c, t *[16 * 16]float32, k int) {
	d := dihedrals[k]
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			v := c[i*16+j]
			if d.transpose {
				v = c[j*16+i]
			}
			// i is the vertical frequency index of the result, j the horizontal.
			if (d.negRows && i&1 == 0) != (d.negCols && j&1 == 0) {
				v = -v
			}
			t[i*16+j] = v
		}
	}
}

type dihedral struct{ transpose, negRows, negCols bool }

var dihedrals = [8]dihedral{
	Orig:       {false, false, false},
	Rot90:      {true, true, false},
	Rot180:     {false, true, true},
	Rot270:     {true, false, true},
	FlipX:      {false, true, false},
	FlipY:      {false, false, true},
	FlipPlus1:  {true, false, false},
	FlipMinus1: {true, true, true},
}
