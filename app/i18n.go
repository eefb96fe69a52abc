package app

import (
	"embed"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// translations holds the interface text in each language, keyed by the
// English text; a missing entry shows the English.
//
//go:embed translations/*.json
var translations embed.FS

var translationsOnce sync.Once

// loadTranslations registers the translations with Fyne (once per process;
// Fyne picks the language from the system locale).
func loadTranslations() {
	translationsOnce.Do(func() {
		if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
			fyne.LogError("translations", err)
		}
	})
}
