package app

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/outfile"
)

// reportFormats are the export choices: a printable report first.
var reportFormats = []struct {
	label, ext string
	write      func(io.Writer, []fingerprint.Result, fingerprint.ReportOptions) error
}{
	{"PDF", ".pdf", fingerprint.WritePDF},
	{"JSON", ".json", fingerprint.WriteJSON},
	{"CSV", ".csv", fingerprint.WriteCSV},
}

// exportReport writes a hash report through Veil's save dialog.
func (u *ui) exportReport(results []fingerprint.Result, format int, withNames bool, dir string) {
	f := reportFormats[clampInt(format, 0, len(reportFormats)-1)]
	var buf bytes.Buffer
	now := time.Now()
	if err := f.write(&buf, results, fingerprint.ReportOptions{WithNames: withNames, Created: now}); err != nil {
		u.showError(fmt.Errorf("hash report: %w", err))
		return
	}
	data := buf.Bytes()
	name := "hashes-" + now.Format("2006-01-02") + f.ext
	u.pickSave(dir, name, func(path string) {
		// A list of someone's hashes is as private as the photos: 0600, as veil hash --report.
		u.writeVerified(nil, path, data, outfile.Options{Mode: 0o600}, nil, func(n string) string {
			msg := fmt.Sprintf(lang.L("Saved the hash report as %s."), n)
			if !withNames {
				msg += "\n" + lang.L("It holds no file names and no pictures, only hashes. Keep it as private as the photos.")
			}
			return msg
		})
	})
}
