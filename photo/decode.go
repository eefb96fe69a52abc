package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"io"
	"os"
	"syscall"

	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Limits that keep hostile files from exhausting memory. They are checked
// against the header before any pixel buffer is allocated.
const (
	// MaxFileSize is the largest file Veil reads.
	MaxFileSize = 512 << 20
	// MaxPixels is the largest image Veil decodes (about a 110-megapixel camera).
	MaxPixels = 110_000_000
	// MaxSide is the largest width or height Veil decodes.
	MaxSide = 65535
)

// Errors for images Veil will not decode. They are wrapped with the operation
// and file name by callers.
var (
	ErrUnsupported = errors.New("not a supported image (JPEG, PNG, WebP, GIF, TIFF or HEIC)")
	ErrTooLarge    = errors.New("image too large")
	ErrEmpty       = errors.New("empty file")
)

// ReadFile reads a whole file, refusing anything larger than MaxFileSize and
// anything that is not a regular file.
func ReadFile(path string) ([]byte, error) {
	// O_NONBLOCK: opening a named pipe must not wait for a writer (a hang);
	// the Stat below then refuses it. Regular files ignore the flag.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%w: file is %d MiB, the limit is %d MiB", ErrTooLarge, st.Size()>>20, MaxFileSize>>20)
	}
	// Sized once from the file's length (plus room to notice it growing).
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if len(b) > MaxFileSize {
		return nil, ErrTooLarge
	}
	if len(b) == 0 {
		return nil, ErrEmpty
	}
	return b, nil
}

// Config returns the format and stored size of the image in b without decoding pixels.
func Config(b []byte) (image.Config, Format, error) {
	f := Sniff(b)
	if len(b) == 0 {
		return image.Config{}, f, ErrEmpty
	}
	var cfg image.Config
	var err error
	switch f {
	case JPEG:
		cfg, err = jpegConfig(b)
	case PNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case GIF:
		cfg, err = gif.DecodeConfig(bytes.NewReader(b))
	case WebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(b))
	case TIFF:
		cfg, err = tiff.DecodeConfig(bytes.NewReader(b))
	case HEIF:
		cfg, err = heifConfig(b)
	default:
		return cfg, f, ErrUnsupported
	}
	if errors.Is(err, ErrTooLarge) {
		return cfg, f, err
	}
	if err != nil {
		return cfg, f, fmt.Errorf("corrupt %s header: %w", f, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return cfg, f, err
	}
	return cfg, f, nil
}

func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("corrupt header: image is %dx%d pixels", w, h)
	}
	if w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("%w: header claims %dx%d pixels, the limit is %d megapixels", ErrTooLarge, w, h, MaxPixels/1_000_000)
	}
	return nil
}

// Decode decodes the stored pixels of the image in b (the first frame of an
// animation), without applying orientation. The size limits are checked first.
func Decode(b []byte) (img image.Image, f Format, err error) {
	_, f, err = Config(b)
	if err != nil {
		return nil, f, err
	}
	defer func() {
		// Third-party decoders have panicked on hostile input; turn that into an error.
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("corrupt %s data (decoder failed: %v)", f, r)
		}
	}()
	switch f {
	case JPEG:
		img, err = decodeJPEG(b)
	case PNG:
		img, err = png.Decode(bytes.NewReader(b))
	case GIF:
		img, err = decodeGIF(b)
	case WebP:
		img, err = decodeWebP(b)
	case TIFF:
		img, err = tiff.Decode(bytes.NewReader(b))
	case HEIF:
		img, err = decodeHEIF(b)
	}
	if err != nil {
		return nil, f, fmt.Errorf("corrupt %s data: %w", f, err)
	}
	return img, f, nil
}
