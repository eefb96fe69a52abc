//go:build !linux

package outfile

import "os"

func writeAtomic(dir, path string, data []byte, replace bool, perm os.FileMode) error {
	return writePortable(dir, path, data, replace, perm)
}

func umask() os.FileMode { return 0o022 }
