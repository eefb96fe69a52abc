// Package metadata holds what the three parts of Veil's metadata engine
// share: the findings of a report ([Report], [Finding], [Category],
// [Severity]), the options and result of a clean ([Options], [Mode],
// [Result]), and [ErrNotClean]. The work happens in its sub-packages, one
// for each thing a person does with a photo:
//
//   - metadata/inspect reads an image and reports every piece of
//     identifying data it finds (inspect.File);
//   - metadata/clean writes a copy without it (clean.File): JPEG, PNG,
//     WebP and GIF rewritten at container level so that pixels stay
//     bit-identical, HEIF and AVIF rebuilt box by box from their image items
//     with the coded data copied untouched, TIFF (and a HEIF the rebuild
//     cannot carry) decoded and encoded afresh;
//   - metadata/verify re-reads every cleaned output with allow-lists of its
//     own (verify.File) before anyone calls it clean, and fails closed with
//     ErrNotClean on any doubt. It never imports the cleaner.
//
// Each format lives in a file of its name in each of them (clean/heif.go,
// verify/heif.go, inspect/heif.go, ...). The container walkers they share
// are under the module's internal/ (jpegseg, pngchunk, gifblock, riff,
// bmff, ifd, icc). Every parser treats its input as hostile: lengths are
// checked before slicing, sizes are bounded before allocating, and
// third-party parsers run under recover.
package metadata
