package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// veilTheme is Fyne's default theme (light or dark, following the system)
// with larger text and padding, so every target is easy to see and hit.
// Chinese text needs no font of ours: Fyne 2.7 falls back per character to
// installed system fonts (fonts-noto-cjk, fonts-wqy-*), preferring one for
// the user's language.
type veilTheme struct{ fyne.Theme }

func (t veilTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 15
	case theme.SizeNameInnerPadding:
		return 10
	case theme.SizeNameInputBorder:
		return 2
	}
	return t.Theme.Size(n)
}

func (t veilTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	// A stronger focus ring than the default's faint tint, so keyboard users
	// always see where they are.
	if n == theme.ColorNameFocus {
		if v == theme.VariantDark {
			return color.NRGBA{R: 0x8a, G: 0xb4, B: 0xf8, A: 0xcc}
		}
		return color.NRGBA{R: 0x1a, G: 0x56, B: 0xc4, A: 0x99}
	}
	return t.Theme.Color(n, v)
}

func applyTheme(a fyne.App) { a.Settings().SetTheme(veilTheme{theme.DefaultTheme()}) }
