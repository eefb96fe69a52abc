package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/assets"
)

// aboutText is the About box's own text; licences follow it.
const aboutText = `Veil makes photos safe to share or to report, entirely on this computer.

• Clean: removes hidden information such as location, camera serial numbers and names, and checks the result.
• Redact: finds faces and covers them (and anything else you mark) for good.
• Hash: computes the fingerprints (PDQ, MD5, SHA-256) that reporting services such as StopNCII and Take It Down use, without the photo leaving this computer.

Veil never connects to the internet. By default it leaves no settings, recent-file lists or thumbnails behind. Your operating system may still keep its own records (recent files, thumbnails): see your system's privacy settings.`

// showAbout shows what Veil is and the licences of what it ships.
func (u *ui) showAbout() {
	lic := widget.NewLabel(yunetNotice())
	lic.Wrapping = fyne.TextWrapWord
	lic.TextStyle.Monospace = true
	body := container.NewVBox(
		wrapLabel(lang.L(aboutText)),
		widget.NewAccordion(widget.NewAccordionItem(lang.L("Licences"), container.NewVBox(
			wrapLabel(lang.L("Face finding uses the YuNet model by Shiqi Yu and contributors (libfacedetection.train), under the Apache License 2.0:")),
			lic,
			wrapLabel(lang.L("The interface uses the Fyne toolkit (BSD 3-Clause licence).")),
		))),
	)
	d := dialog.NewCustom(lang.L("About Veil"), lang.L("Close"), u.withExit(container.NewVScroll(body)), u.win)
	d.Resize(fyne.NewSize(720, 560))
	d.Show()
}

// yunetNotice is the face model's licence, shown in the About box.
func yunetNotice() string { return assets.YuNetLicense }
