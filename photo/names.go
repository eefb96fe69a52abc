package photo

import (
	"path/filepath"
	"strings"
)

// nameFormats are the file name endings of the formats Veil reads, lower
// case: the one list that folder walks, file browsers and output names use.
// Opening a file never depends on it; formats are recognised by their bytes.
var nameFormats = map[string]Format{
	".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG,
	".png":  PNG,
	".webp": WebP,
	".gif":  GIF,
	".tif":  TIFF, ".tiff": TIFF,
	".heic": HEIF, ".heif": HEIF, ".hif": HEIF, ".avif": HEIF,
}

// FormatForName returns the format a file name's ending stands for (any
// case), or Unknown.
func FormatForName(name string) Format {
	return nameFormats[strings.ToLower(filepath.Ext(name))]
}

// IsImageName reports whether a file name ends like an image Veil reads.
func IsImageName(name string) bool { return FormatForName(name) != Unknown }
