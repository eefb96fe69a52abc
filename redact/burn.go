package redact

import "image"

// Burn redacts regions into img in place (a video frame, painted frame after
// frame into the same buffer) and checks the result as Redact does: every
// region's pixels replaced as its style requires. Coordinates are relative
// to img's top-left corner. Regions lying wholly outside the image are
// skipped (a tracked face's box may run off the frame as it leaves), and
// no regions at all leave img as it is. It returns how many regions touched
// the image.
func Burn(img *image.NRGBA, regions []Region) (int, error) {
	if err := checkImage(img); err != nil {
		return 0, err
	}
	out := rebase(img)
	inside := make([]Region, 0, len(regions))
	for _, r := range regions {
		if !r.Rect.Canon().Intersect(out.Rect).Empty() {
			inside = append(inside, r)
		}
	}
	if len(inside) == 0 {
		return 0, nil
	}
	ordered, err := prepare(out.Rect.Size(), inside)
	if err != nil {
		return 0, err
	}
	paint(out, ordered)
	return len(ordered), check(out, ordered)
}
