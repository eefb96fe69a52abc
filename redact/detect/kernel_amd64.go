//go:build gc && !purego

package detect

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2+FMA kernels of kernel_amd64.s; without them (old
// CPUs, or setAsm(false) in tests) the portable Go kernels run.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// gemm4x16 computes a 4×16 block of C = bias + A·B (strides in elements).
//
//go:noescape
func gemm4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int)

// gemm1x16 computes one row of 16 values of C = bias + A·B.
//
//go:noescape
func gemm1x16(k int, a *float32, b *float32, ldb int, c *float32, bias float32, relu int)

// dw3x3AVX computes 8n outputs of a 3×3 depthwise row (see kernel_amd64.s).
//
//go:noescape
func dw3x3AVX(n int, r0, r1, r2 *float32, k *[9]float32, bias float32, dst *float32, relu int)

// setAsm switches the assembly kernels on or off (for tests of both paths)
// and reports whether they were on; it cannot enable them on a CPU without.
func setAsm(on bool) bool {
	prev := useAsm
	useAsm = on && cpu.X86.HasAVX2 && cpu.X86.HasFMA
	return prev
}
