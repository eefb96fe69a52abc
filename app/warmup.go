package app

import (
	"image"
	"image/color"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// withWarmUp puts one of each kind of object Fyne's GL painter draws, one
// pixel large and in the window's background colour, beneath content once
// the window opens. A software GL renderer (llvmpipe: virtual machines, remote
// desktops) compiles a shader the first time each kind is drawn, 20-50 ms
// each on the UI thread; done here, with the empty window, that cost no
// longer lands on the first frame of a photo or of the save dialog.
func withWarmUp(content fyne.CanvasObject) fyne.CanvasObject {
	if os.Getenv("VEIL_NOWARM") == "1" {
		return content
	}
	bg := theme.Color(theme.ColorNameBackground)
	px := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	r, g, b, a := bg.RGBA()
	for i := 0; i < len(px.Pix); i += 4 {
		px.Pix[i], px.Pix[i+1], px.Pix[i+2], px.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), uint8(a>>8)
	}
	rect := canvas.NewRectangle(bg)
	round := canvas.NewRectangle(bg)
	round.CornerRadius, round.StrokeColor, round.StrokeWidth = 1, bg, 1
	stroke := canvas.NewRectangle(color.Transparent)
	stroke.StrokeColor, stroke.StrokeWidth = bg, 1
	img := canvas.NewImageFromImage(px)
	img.ScaleMode = canvas.ImageScaleFastest
	pixels := canvas.NewImageFromImage(px)
	pixels.ScaleMode = canvas.ImageScalePixels
	poly := canvas.NewPolygon(5, bg)
	arc := canvas.NewArc(0, 90, 0.5, bg)
	objs := []fyne.CanvasObject{
		rect, round, stroke, img, pixels,
		canvas.NewCircle(bg), canvas.NewLine(bg), poly, arc,
		canvas.NewText(".", bg),
		canvas.NewLinearGradient(bg, bg, 0), canvas.NewRadialGradient(bg, bg),
	}
	for _, o := range objs {
		o.Resize(fyne.NewSize(1, 1))
	}
	// They stay: removing them later would re-lay out the whole window, a
	// heavy frame of its own, and a dozen one-pixel draws cost nothing.
	return container.NewStack(container.NewWithoutLayout(objs...), content)
}
