// Package photo loads images: it sniffs the format from magic bytes (never the
// file name), decodes with size limits checked before any large allocation,
// reads and applies orientation, and makes display copies. It is pure Go apart
// from the libjpeg-turbo JPEG decoder and knows nothing of the UI.
package photo
