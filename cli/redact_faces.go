package cli

import (
	"context"
	"image"

	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/detect"
)

func init() {
	detectFaces = func(ctx context.Context, img image.Image) ([]image.Rectangle, error) {
		d, err := detect.New()
		if err != nil {
			return nil, err
		}
		faces, err := d.Detect(ctx, img, detect.DefaultOptions())
		if err != nil {
			return nil, err
		}
		// Regions are measured from the image's top-left corner.
		origin := img.Bounds().Min
		boxes := make([]image.Rectangle, 0, len(faces))
		for _, f := range faces {
			boxes = append(boxes, redact.FaceRect(f.Box, f.Raw).Sub(origin))
		}
		return boxes, nil
	}
}
