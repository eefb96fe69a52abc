// Package metadata finds and removes identifying data hidden in image files.
//
// It works on an allow-list: a cleaned file keeps only what is needed to show
// the image (and a standard colour profile where harmless); everything else,
// known or unknown, is removed. JPEG, PNG, WebP and GIF are rewritten at
// container level so that pixels stay bit-identical; HEIF and AVIF are
// rebuilt box by box from their image items and structural properties, the
// coded image data copied untouched (in location-only mode with one Exif
// item holding the camera and date fields); TIFF is decoded and re-encoded,
// and so is a HEIF whose structure the rebuild cannot carry. Every output is
// re-read by Verify, an independent allow-list walker, before anyone calls it
// clean; when Verify has any doubt it fails closed with ErrNotClean.
//
// Parsers treat every input as hostile: lengths are checked before slicing,
// sizes are bounded before allocating, and third-party parsers run under recover.
package metadata
