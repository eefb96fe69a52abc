package photo

import "image"

// SampleHEIF is SampleJPEG for HEIC, HEIF and AVIF: it decodes the primary
// image of b once and returns one Sample per orientation, each the picture
// as shown with that orientation reduced to side×side by nearest neighbour
// when either side exceeds side. The file's own rotation and mirroring
// (irot, imir) are part of the decoded picture, as in Decode. With libheif
// only the sampled pixels are copied out of the decoder; the result equals
// sampling Orient(Decode(b)) pixel for pixel.
func SampleHEIF(b []byte, side int, orientations ...int) ([]Sample, error) {
	return sample(b, HEIF, side, orientations, backendSampleHEIF)
}

// gatherImage samples a decoded picture with maps, as the decoders' gather
// paths do, and reports whether every pixel of it has R=G=B.
func gatherImage(img image.Image, maps []gatherMap) ([]image.Image, bool) {
	src := ToNRGBA(img)
	out := make([]image.Image, len(maps))
	for i, m := range maps {
		dst := image.NewNRGBA(image.Rect(0, 0, m.w, m.h))
		for k := range m.sx {
			copy(dst.Pix[4*k:4*k+4], src.Pix[src.PixOffset(int(m.sx[k]), int(m.sy[k])):])
		}
		out[i] = dst
	}
	grey := true
	for i := 0; i+2 < len(src.Pix) && grey; i += 4 {
		grey = src.Pix[i] == src.Pix[i+1] && src.Pix[i+1] == src.Pix[i+2]
	}
	return out, grey
}
