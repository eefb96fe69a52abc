package detect

// gemm computes columns [lo, hi) of C = A·B + bias (then max(·, 0) if relu),
// where A is m×k (row-major, contiguous), B is k×n with row stride ldb and C
// is m×n with row stride ldc. In a convolution, m is output channels, k input
// taps and n pixels.
//
// Columns are taken in strips of gemmNR, packed so that each k step reads
// gemmNR contiguous values, and multiplied by gemmMR rows of A at a time with
// all gemmMR×gemmNR sums held in registers across the whole k loop.
func gemm(m, k int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool, lo, hi int) {
	if lo >= hi {
		return
	}
	// The assembly reads through raw pointers, so check every extent here.
	if k < 1 || len(a) < m*k || len(bias) < m || len(b) < (k-1)*ldb+hi || len(c) < (m-1)*ldc+hi || lo < 0 {
		panic("detect: gemm operands out of range")
	}
	if useAsm {
		gemmAsm(m, k, a, b, ldb, c, ldc, bias, relu, lo, hi)
		return
	}
	var pack [gemmMaxK * gemmNR]float32
	if k > gemmMaxK {
		gemmSlow(m, k, a, b, ldb, c, ldc, bias, relu, lo, hi)
		return
	}
	j := lo
	for ; j+gemmNR <= hi; j += gemmNR {
		bp := pack[:k*gemmNR]
		for kk := range k {
			copy(bp[kk*gemmNR:kk*gemmNR+gemmNR], b[kk*ldb+j:kk*ldb+j+gemmNR])
		}
		kernelStrip(m, k, a, bp, c[j:], ldc, bias, relu)
	}
	if j < hi {
		gemmSlow(m, k, a, b[j:], ldb, c[j:], ldc, bias, relu, 0, hi-j)
	}
}

const (
	// gemmAlign is the column granularity that parallel chunks keep.
	gemmAlign = 16
	gemmNR    = 8
	gemmMaxK  = 512
)

// gemmAsm runs the AVX2 kernels over 16-column strips: B is read in place
// (a strip of k rows stays in L1 while all m rows of A pass over it).
func gemmAsm(m, k int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool, lo, hi int) {
	r := 0
	if relu {
		r = 1
	}
	j := lo
	for ; j+16 <= hi; j += 16 {
		i := 0
		for ; i+4 <= m; i += 4 {
			gemm4x16(k, &a[i*k], k, &b[j], ldb, &c[i*ldc+j], ldc, &bias[i], r)
		}
		for ; i < m; i++ {
			gemm1x16(k, &a[i*k], &b[j], ldb, &c[i*ldc+j], bias[i], r)
		}
	}
	if j < hi {
		gemmSlow(m, k, a, b[j:], ldb, c[j:], ldc, bias, relu, 0, hi-j)
	}
}

// kernelStrip computes all m rows of one gemmNR-column strip from packed B.
func kernelStrip(m, k int, a, bp []float32, c []float32, ldc int, bias []float32, relu bool) {
	for i := 0; i+2 <= m; i += 2 {
		kernel2x8(k, a[i*k:(i+1)*k], a[(i+1)*k:(i+2)*k], bp, c[i*ldc:i*ldc+gemmNR], c[(i+1)*ldc:(i+1)*ldc+gemmNR], bias[i], bias[i+1], relu)
	}
	if m%2 == 1 {
		i := m - 1
		kernel1x8(k, a[i*k:(i+1)*k], bp, c[i*ldc:i*ldc+gemmNR], bias[i], relu)
	}
}

// kernel2x8Go is the portable micro-kernel: 2 rows × 8 columns, 16 sums.
func kernel2x8(k int, a0, a1, bp, c0, c1 []float32, b0, b1 float32, relu bool) {
	s00, s01, s02, s03, s04, s05, s06, s07 := b0, b0, b0, b0, b0, b0, b0, b0
	s10, s11, s12, s13, s14, s15, s16, s17 := b1, b1, b1, b1, b1, b1, b1, b1
	a0, a1 = a0[:k], a1[:k]
	for kk := range k {
		p := bp[kk*gemmNR : kk*gemmNR+gemmNR : kk*gemmNR+gemmNR]
		x, y := a0[kk], a1[kk]
		v0, v1, v2, v3 := p[0], p[1], p[2], p[3]
		s00 += x * v0
		s01 += x * v1
		s02 += x * v2
		s03 += x * v3
		s10 += y * v0
		s11 += y * v1
		s12 += y * v2
		s13 += y * v3
		v0, v1, v2, v3 = p[4], p[5], p[6], p[7]
		s04 += x * v0
		s05 += x * v1
		s06 += x * v2
		s07 += x * v3
		s14 += y * v0
		s15 += y * v1
		s16 += y * v2
		s17 += y * v3
	}
	c0 = c0[:gemmNR]
	c1 = c1[:gemmNR]
	c0[0], c0[1], c0[2], c0[3], c0[4], c0[5], c0[6], c0[7] = s00, s01, s02, s03, s04, s05, s06, s07
	c1[0], c1[1], c1[2], c1[3], c1[4], c1[5], c1[6], c1[7] = s10, s11, s12, s13, s14, s15, s16, s17
	if relu {
		for j := range gemmNR {
			c0[j] = max(c0[j], 0)
			c1[j] = max(c1[j], 0)
		}
	}
}

func kernel1x8(k int, a0, bp, c0 []float32, b0 float32, relu bool) {
	var s [gemmNR]float32
	for j := range s {
		s[j] = b0
	}
	a0 = a0[:k]
	for kk := range k {
		p := bp[kk*gemmNR : kk*gemmNR+gemmNR : kk*gemmNR+gemmNR]
		x := a0[kk]
		for j := range gemmNR {
			s[j] += x * p[j]
		}
	}
	c0 = c0[:gemmNR]
	for j := range gemmNR {
		if relu {
			s[j] = max(s[j], 0)
		}
		c0[j] = s[j]
	}
}

// gemmSlow is the plain triple loop for edge columns and very deep products.
func gemmSlow(m, k int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool, lo, hi int) {
	for i := range m {
		ai := a[i*k : (i+1)*k]
		for j := lo; j < hi; j++ {
			s := bias[i]
			for kk, x := range ai {
				s += x * b[kk*ldb+j]
			}
			if relu {
				s = max(s, 0)
			}
			c[i*ldc+j] = s
		}
	}
}
