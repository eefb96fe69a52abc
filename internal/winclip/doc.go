// Package winclip is the Windows clipboard for Veil, in pure Go
// (golang.org/x/sys/windows): text that stays out of the clipboard history,
// the cloud clipboard and clipboard monitors, and the pictures and file
// lists other programs copy (Fyne reads and writes text only).
//
// Only Windows has an implementation; the package is empty elsewhere.
package winclip
