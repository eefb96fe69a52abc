//go:build cgo && !purejpeg

package photo

// Windows has no system libjpeg: scripts/libjpeg-mingw.sh builds a static
// one (the same libjpeg-turbo version as on Linux) into build/libjpeg-mingw.
// The paths live here rather than in CGO_CFLAGS, which would rebuild the C
// code of every cgo package (all of Fyne's GL) whenever it changed.

// #cgo CFLAGS: -I${SRCDIR}/../build/libjpeg-mingw/include
// #cgo LDFLAGS: -L${SRCDIR}/../build/libjpeg-mingw/lib
import "C"
