package app

import (
	"encoding/json"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// settings are the few choices a user on their own computer may ask Veil to
// remember. By default nothing is remembered and no file exists: the
// settings file is written only after the user opts in, and deleted again
// when they opt out.
type settings struct {
	Remember     bool `json:"remember"`
	Style        int  `json:"style"`
	Shape        int  `json:"shape"`
	LocationOnly bool `json:"location_only"`

	path string // empty when the real configuration folder is unknown
}

// settingsPath is where remembered settings live: the user's real
// configuration folder, captured before the no-trace redirect.
func settingsPath(realConfig string) string {
	if realConfig == "" {
		return ""
	}
	return filepath.Join(realConfig, "veil", "settings.json")
}

// loadSettings reads remembered settings, if the user opted in earlier.
// Only reading happens here: a missing file is the normal case.
func loadSettings(realConfig string) settings {
	s := settings{path: settingsPath(realConfig)}
	if s.path == "" {
		return s
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return s
	}
	var t settings
	if json.Unmarshal(b, &t) == nil && t.Remember {
		t.path = s.path
		t.Style = clampInt(t.Style, 0, len(styleChoices)-1)
		t.Shape = clampInt(t.Shape, 0, len(shapeChoices)-1)
		return t
	}
	return s
}

// save writes the settings when the user opted in, and removes the file
// (and Veil's folder, if empty) when they opted out.
func (s settings) save() error {
	if s.path == "" {
		return nil
	}
	if !s.Remember {
		err := os.Remove(s.path)
		os.Remove(filepath.Dir(s.path))
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// applySettings sets the pickers from remembered settings.
func (u *ui) applySettings() {
	if !u.settings.Remember {
		return
	}
	u.shapeSel.SetSelectedIndex(u.settings.Shape)
	u.styleSel.SetSelectedIndex(u.settings.Style)
	u.locOnly.SetChecked(u.settings.LocationOnly)
}

// showSettings shows the settings dialog.
func (u *ui) showSettings() {
	remember := u.check(lang.L("Remember my choices on this computer"), nil)
	remember.SetChecked(u.settings.Remember)
	info := wrapLabel(lang.L("Off by default. When off, Veil leaves nothing behind: no settings, no list of recent photos, no thumbnails. Turn it on only on a computer that is yours alone. It remembers the redaction shape and style and the \"only remove location\" choice."))
	body := container.NewVBox(remember, info)
	d := dialog.NewCustomConfirm(lang.L("Settings"), lang.L("Done"), lang.L("Cancel"), u.withExit(body), func(ok bool) {
		if !ok {
			return
		}
		u.settings.Remember = remember.Checked
		u.settings.Style = max(0, u.styleSel.SelectedIndex())
		u.settings.Shape = max(0, u.shapeSel.SelectedIndex())
		u.settings.LocationOnly = u.locOnly.Checked
		if err := u.settings.save(); err != nil {
			u.showError(err)
		}
	}, u.win)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
}
