// Package redact burns irreversible redaction into photos: it paints regions
// (rectangles or ellipses) with a solid fill, coarse noisy pixelation or a
// heavy noisy blur, encodes the result afresh with no metadata at all, and
// checks the output before anyone calls it redacted.
//
// Regions are given in pixels of the upright image, the one a viewer shows
// after applying EXIF orientation; callers orient first (photo.Orient) and pass
// that image. Apply never edits its input.
package redact
