package fingerprint

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"

	"codeberg.org/veil/veil/fingerprint/pdq"
)

// WritePDF writes a printable A4 report: the date, blank fields for the case
// number and PIN a service gives, what was and was not shared, and each
// file's hashes with a quality verdict. No picture or file content is
// included, and no file name unless opt.WithNames.
func WritePDF(w io.Writer, results []Result, opt ReportOptions) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(15, 15, 15)
	p.SetAutoPageBreak(true, 18)
	p.SetCreationDate(opt.Created)
	p.SetModificationDate(opt.Created)
	p.SetCatalogSort(true)
	p.SetCreator("Veil", false)
	p.SetTitle("Hashes for reporting", false)
	tr := p.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252
	text := func(s string) string { return tr(printable(s)) }
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-13)
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 5, text(fmt.Sprintf("Veil hash report, %s. Page %d of {nb}.", opt.Created.Format("2 January 2006"), p.PageNo())), "", 0, "C", false, 0, "")
	})
	p.AddPage()

	p.SetTextColor(0, 0, 0)
	p.SetFont("Helvetica", "B", 16)
	p.CellFormat(0, 9, text("Hashes for reporting pictures and videos"), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 10)
	p.CellFormat(0, 6, text("Created "+opt.Created.Format("Monday 2 January 2006, 15:04 MST")), "", 1, "L", false, 0, "")
	p.Ln(3)

	// Fields to fill in by hand.
	field := func(label string, width float64) {
		p.SetFont("Helvetica", "", 10)
		lw := p.GetStringWidth(label) + 2
		p.CellFormat(lw, 8, text(label), "", 0, "L", false, 0, "")
		x, y := p.GetX(), p.GetY()
		p.Line(x, y+6.5, x+width, y+6.5)
		p.SetX(x + width + 6)
	}
	field("Service:", 60)
	field("Date sent:", 45)
	p.Ln(10)
	field("Case or report number:", 55)
	field("PIN:", 40)
	p.Ln(12)

	p.SetFont("Helvetica", "", 9)
	for _, n := range notes(results) {
		p.MultiCell(0, 4.6, text(n), "", "L", false)
		p.Ln(1.5)
	}
	images, videos, problems := 0, 0, 0
	for _, r := range results {
		switch {
		case r.Error != "":
			problems++
		case r.Kind == KindVideo:
			videos++
		default:
			images++
		}
	}
	p.Ln(2)
	p.SetFont("Helvetica", "B", 10)
	p.MultiCell(0, 5, text(fmt.Sprintf("%s: %s and %s hashed, %d with problems.", plural(len(results), "file"), plural(images, "image"), plural(videos, "video"), problems)), "", "L", false)
	p.Ln(2)

	for i, r := range results {
		r = reportResult(r, opt)
		writePDFResult(p, text, i+1, r)
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	return p.Output(w)
}

func writePDFResult(p *fpdf.Fpdf, text func(string) string, n int, r Result) {
	// Keep a file's block on one page when it fits.
	need := 24.0 + 4.2*float64(len(r.PDQDihedral))
	if r.PDQUpright != "" {
		need += 4.5
	}
	if r.Label != "" {
		need += 4.5
	}
	if r.VPDQ != nil {
		need += 9 + 3.6*float64(min(len(r.VPDQ.Frames), maxPDFVPDQ))
	}
	_, ph := p.GetPageSize()
	_, _, _, bm := p.GetMargins()
	if p.GetY()+need > ph-bm-4 {
		p.AddPage()
	}
	p.SetDrawColor(180, 180, 180)
	pw, _ := p.GetPageSize()
	_, _, rm, _ := p.GetMargins()
	p.Line(p.GetX(), p.GetY(), pw-rm, p.GetY())
	p.Ln(1.5)
	p.SetFont("Helvetica", "B", 10)
	title := fmt.Sprintf("%d. %s, %s", n, kindName(r.Kind), SizeText(r.Size))
	if r.File != "" {
		title += ": " + r.File
	}
	p.MultiCell(0, 5, text(title), "", "L", false)
	row := func(label, value string) {
		p.SetFont("Helvetica", "", 9)
		p.CellFormat(26, 4.5, text(label), "", 0, "L", false, 0, "")
		p.SetFont("Courier", "", 9)
		p.CellFormat(0, 4.5, text(value), "", 1, "L", false, 0, "")
	}
	if r.PDQ != "" {
		row("PDQ", r.PDQ)
		judge := "good"
		if r.PDQQuality < pdq.MinQuality {
			judge = "low: services may discard this hash"
		}
		row("PDQ quality", fmt.Sprintf("%d of 100 (%s)", r.PDQQuality, judge))
		if r.PDQUpright != "" {
			row("PDQ upright", r.PDQUpright)
		}
	}
	if r.MD5 != "" {
		row("MD5", r.MD5)
		if r.Label != "" {
			p.SetFont("Helvetica", "I", 8.5)
			p.CellFormat(26, 4.2, "", "", 0, "L", false, 0, "")
			p.MultiCell(0, 4.2, text("This MD5 is the "+r.Label+"."), "", "L", false)
		}
		row("SHA-256", r.SHA256)
	}
	if r.VPDQ != nil {
		writePDFVPDQ(p, text, r.VPDQ)
	}
	for k, h := range r.PDQDihedral {
		name := fmt.Sprintf("PDQ %d", k)
		if k < len(pdq.DihedralNames) {
			name = "PDQ " + pdq.DihedralNames[k]
		}
		p.SetFont("Helvetica", "", 8)
		p.CellFormat(26, 4.2, text(name), "", 0, "L", false, 0, "")
		p.SetFont("Courier", "", 8)
		p.CellFormat(0, 4.2, text(h), "", 1, "L", false, 0, "")
	}
	p.SetFont("Helvetica", "I", 8.5)
	for _, m := range r.Warnings {
		p.MultiCell(0, 4.2, text(m), "", "L", false)
	}
	if r.Error != "" {
		p.SetTextColor(150, 0, 0)
		p.MultiCell(0, 4.2, text("Problem: "+r.Error), "", "L", false)
		p.SetTextColor(0, 0, 0)
	}
	p.Ln(2)
}

// maxPDFVPDQ is how many vPDQ frame hashes a printed report lists; a longer
// list is in the JSON report.
const maxPDFVPDQ = 120

// writePDFVPDQ lists a video's vPDQ frame hashes: time, quality, hash.
func writePDFVPDQ(p *fpdf.Fpdf, text func(string) string, v *VideoPDQ) {
	p.SetFont("Helvetica", "", 9)
	p.CellFormat(26, 4.5, "vPDQ", "", 0, "L", false, 0, "")
	p.MultiCell(0, 4.5, text(v.Summary()), "", "L", false)
	p.SetFont("Courier", "", 7.5)
	for i, f := range v.Frames {
		if i == maxPDFVPDQ {
			p.SetFont("Helvetica", "I", 8.5)
			p.CellFormat(26, 4.2, "", "", 0, "L", false, 0, "")
			p.MultiCell(0, 4.2, text(fmt.Sprintf("and %d more: the JSON report lists them all.", len(v.Frames)-maxPDFVPDQ)), "", "L", false)
			break
		}
		hash, rest, _ := strings.Cut(f, ",")
		q, ts, _ := strings.Cut(rest, ",")
		p.CellFormat(26, 3.6, "", "", 0, "L", false, 0, "")
		p.CellFormat(0, 3.6, text(fmt.Sprintf("%9s s  q%-3s  %s", ts, q, hash)), "", 1, "L", false, 0, "")
	}
}

// printable replaces control characters, which have no glyph.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func kindName(k string) string {
	switch k {
	case KindVideo:
		return "Video"
	case KindImage:
		return "Image"
	}
	return "File"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// SizeText gives a file size in the units people read.
func SizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return plural(int(n), "byte")
}
