//go:build !amd64

package detect

const useAsm = false

func kernel4x8(k int, a, bp, c []float32, ldc int, bias []float32, relu bool) {
	panic("unreachable")
}
