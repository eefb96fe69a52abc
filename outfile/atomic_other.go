//go:build !linux

package outfile

func writeAtomic(dir, path string, data []byte, replace bool) error {
	return writePortable(dir, path, data, replace)
}
