//go:build !amd64 || !gc || purego

package detect

const useAsm = false

func gemm4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int) {
	panic("unreachable")
}

func gemm1x16(k int, a *float32, b *float32, ldb int, c *float32, bias float32, relu int) {
	panic("unreachable")
}

func dw3x3AVX(n int, r0, r1, r2 *float32, k *[9]float32, bias float32, dst *float32, relu int) {
	panic("unreachable")
}

func setAsm(on bool) bool { return false }
