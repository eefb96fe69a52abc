package detect

// useAsm is set when the CPU has AVX2 and FMA, for the assembly micro-kernel.
var useAsm = false

func kernel4x8(k int, a, bp, c []float32, ldc int, bias []float32, relu bool) {
	panic("unreachable")
}
