package photo

import (
	"errors"
	"fmt"
	"image"
)

// DecodePreview decodes the image in b for display: the stored pixels
// (orientation not applied), with the longer side at most maxSide. JPEGs are
// reduced cheaply inside libjpeg-turbo (DCT scaling by 1/2, 1/4 or 1/8 with
// the fast IDCT) and then resampled; HEIC, HEIF and AVIF are resampled
// bilinearly from libheif's decoded planes into an *image.NRGBA; other
// formats are decoded fully and resampled with bilinear filtering into an
// *image.RGBA. Images already small enough are returned as decoded. The
// pixels are approximate: never hash or redact a preview.
func DecodePreview(b []byte, maxSide int) (image.Image, Format, error) {
	if maxSide <= 0 {
		return nil, Unknown, fmt.Errorf("preview size %d", maxSide)
	}
	cfg, f, err := Config(b)
	if err != nil {
		return nil, f, err
	}
	var img image.Image
	if f == HEIF {
		// libheif cannot decode at a reduced size, but the reduction is
		// made from its decoded planes, without a full-size copy.
		w, h := previewSize(cfg.Width, cfg.Height, maxSide)
		if w == cfg.Width && h == cfg.Height {
			img, f, err = Decode(b)
			return img, f, err
		}
		img, err = backendPreviewHEIF(b, w, h)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return nil, f, err
			}
			return nil, f, fmt.Errorf("corrupt %s data: %w", f, err)
		}
		return img, f, nil
	}
	if f == JPEG {
		long := max(cfg.Width, cfg.Height)
		// The largest reduction that still leaves at least maxSide pixels, so
		// the final resample only shrinks.
		denom := 1
		for denom < 8 && long/(denom*2) >= maxSide {
			denom *= 2
		}
		img, err = decodeJPEGScaled(b, denom, true)
		if err != nil {
			return nil, f, fmt.Errorf("corrupt %s data: %w", f, err)
		}
	} else {
		img, f, err = Decode(b)
		if err != nil {
			return nil, f, err
		}
	}
	return shrink(img, maxSide), f, nil
}

// shrink resamples img so that its longer side is at most maxSide.
func shrink(img image.Image, maxSide int) image.Image {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if w <= maxSide && h <= maxSide {
		return img
	}
	nw, nh := previewSize(w, h, maxSide)
	// x/image/draw's fast paths write *image.RGBA (others go pixel by pixel
	// through interfaces, ten times slower).
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	Scale(dst, img)
	return dst
}

// previewSize is the size of a w×h picture reduced so that its longer side
// is at most maxSide.
func previewSize(w, h, maxSide int) (int, int) {
	if w <= maxSide && h <= maxSide {
		return w, h
	}
	if h > w {
		return max(1, int(int64(w)*int64(maxSide)/int64(h))), maxSide
	}
	return maxSide, max(1, int(int64(h)*int64(maxSide)/int64(w)))
}
