package inspect

import (
	"fmt"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/gifblock"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/internal/riff"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// kind is what sort of structural unit a block is.
type kind int

const (
	segmentBlock   kind = iota + 1 // a JPEG marker segment
	chunkBlock                     // a PNG or RIFF chunk
	headerBlock                    // a GIF header
	extensionBlock                 // a GIF extension
	imageBlock                     // a GIF image
	boxBlock                       // an ISO-BMFF box
	itemBlock                      // a HEIF item
	trailerBlock                   // bytes after the end of the image
)

// block is one structural unit of a container, as the walkers see it.
type block struct {
	Kind kind
	// Name identifies the block: "APP1 Exif", "APP1 XMP", "APP2 ICC_PROFILE",
	// "APP2 MPF", "COM", "SOS", "tEXt", "EXIF", "XMP ", "Exif item", ... (see
	// listBlocks).
	Name string
	// Offset of the block in the file.
	Offset int
	// Data is the block's payload (a sub-slice of the input; do not modify).
	Data []byte
}

// trailerName is the block name of the bytes after the end of an image.
const trailerName = "after end of image"

// listBlocks walks the container structure of the image in b and returns its
// format and every structural block in file order. It never decodes pixels,
// checks every length against the data before slicing, and allocates only in
// proportion to what the file really holds. On a structural error it returns
// the blocks read up to the problem together with the error, so a report can
// still show them.
//
// Block names, per format (kind in brackets):
//
// JPEG [segment]: "SOI", "EOI", "SOF0".."SOF15", "DHT", "DAC", "DQT", "DRI",
// "DNL", "COM", "RST0".."RST7" (outside a scan), "JPG0".."JPG13",
// "stray bytes" (bytes between segments that belong to none), "SOS"; APPn
// segments by identifier: "APP0 JFIF", "APP0 JFXX", "APP1 Exif",
// "APP1 XMP", "APP1 XMP extended", "APP2 ICC_PROFILE", "APP2 MPF",
// "APP11 JUMBF", "APP13 Photoshop", "APP14 Adobe", otherwise "APPn <id>" with
// the printable identifier at the start of the payload ("APP12 Ducky",
// "APP3 Meta") or plain "APPn". Data is the payload after the length field,
// identifier included. Every scan of a progressive JPEG is walked, and
// segments between and after scans are reported like any other. For "SOS",
// Data is the scan header and the entropy-coded data that follows it.
// [trailer]: "after end of image" for all bytes after EOI, and, inside it,
// "MPF image 2", "MPF image 3", ... for each secondary image the MPF index
// locates (these overlap the "after end of image" block).
//
// PNG [chunk]: the chunk type ("IHDR", "tEXt", "eXIf", "iCCP", ...), Data is
// the chunk data (no length, type or CRC). Chunks after IDAT are reported.
// [trailer] "after end of image" after IEND.
//
// WebP [chunk]: the FourCC as stored ("VP8X", "VP8 ", "VP8L", "ALPH", "ICCP",
// "ANIM", "ANMF", "EXIF", "XMP ", ...); the frame chunks inside an ANMF
// follow it as "ANMF/VP8 ", "ANMF/ALPH", ... [trailer] "after end of image"
// for bytes past the RIFF length.
//
// GIF: [header] "header" (signature, screen descriptor, global colour
// table); [extension] "comment", "plain text", "graphic control",
// "application <11-byte identifier>" ("application NETSCAPE2.0",
// "application XMP DataXMP", "application ICCRGBG1"), "extension 0xNN";
// Data is the sub-block stream after the label (see gifblock.Join);
// [image] "image"; [trailer] "after end of image" after the ';'.
//
// TIFF: no blocks (its metadata sits among the structural tags).
//
// HEIF/AVIF: [box] every box, depth-first in file order, by type ("ftyp",
// "meta", "iinf", "infe", "iloc", "iref", "ipco", "irot", "imir", "auxC",
// "mdat", "udta", "uuid", ...); Data is the payload after the box header.
// [item] every item of the meta box: "Exif item", "mime item <content
// type>" ("mime item application/rdf+xml" is XMP), "uri item <uri>",
// "thumbnail item", "auxiliary item <urn>" (depth maps, mattes, gain maps),
// "primary item <type>", "grid", "tile item <type>", "image item <type>";
// Data is the item's data when it is stored in the file (nil otherwise),
// Offset its first extent.
func listBlocks(b []byte) (photo.Format, []block, error) {
	f := photo.Sniff(b)
	var out []block
	var err error
	switch f {
	case photo.JPEG:
		out, err = jpegBlocks(b)
	case photo.PNG:
		out, err = pngBlocks(b)
	case photo.WebP:
		out, err = webpBlocks(b)
	case photo.GIF:
		out, err = gifBlocks(b)
	case photo.TIFF:
		// Metadata sits among the structural tags of a TIFF's directories:
		// File reads the whole file as one EXIF structure instead.
	case photo.HEIF:
		out, err = heifBlocks(b)
	default:
		if len(b) == 0 {
			return f, nil, photo.ErrEmpty
		}
		return f, nil, photo.ErrUnsupported
	}
	return f, out, err
}

func trailer(b []byte, end int) []block {
	if end >= len(b) {
		return nil
	}
	return []block{{Kind: trailerBlock, Name: trailerName, Offset: end, Data: b[end:]}}
}

func jpegBlocks(b []byte) ([]block, error) {
	segs, end, err := jpegseg.Walk(b)
	out := make([]block, 0, len(segs)+2)
	for _, s := range segs {
		data := s.Payload
		if s.Marker == jpegseg.SOS {
			data = b[s.End-len(s.Scan)-len(s.Payload) : s.End]
		}
		out = append(out, block{Kind: segmentBlock, Name: jpegseg.Name(s), Offset: s.Start, Data: data})
	}
	if err != nil {
		return out, err
	}
	out = append(out, trailer(b, end)...)
	for k, im := range jpegseg.MPFImages(b, segs) {
		if im[0] >= end {
			out = append(out, block{Kind: trailerBlock, Name: fmt.Sprintf("MPF image %d", k+2), Offset: im[0], Data: b[im[0]:im[1]]})
		}
	}
	return out, nil
}

func pngBlocks(b []byte) ([]block, error) {
	chunks, end, err := pngchunk.Walk(b)
	out := make([]block, 0, len(chunks)+1)
	for _, c := range chunks {
		out = append(out, block{Kind: chunkBlock, Name: printable.String(c.Type), Offset: c.Start, Data: c.Data})
	}
	if err != nil {
		return out, err
	}
	return append(out, trailer(b, end)...), nil
}

func webpBlocks(b []byte) ([]block, error) {
	chunks, end, err := riff.WebP(b)
	var out []block
	for _, c := range chunks {
		out = append(out, block{Kind: chunkBlock, Name: printable.String(c.FourCC), Offset: c.Start, Data: c.Data})
		if c.FourCC == "ANMF" {
			sub, serr := riff.Frame(b, c)
			for _, s := range sub {
				out = append(out, block{Kind: chunkBlock, Name: "ANMF/" + printable.String(s.FourCC), Offset: s.Start, Data: s.Data})
			}
			if serr != nil && err == nil {
				err = serr
			}
		}
	}
	if err != nil {
		return out, err
	}
	return append(out, trailer(b, end)...), nil
}

func gifBlocks(b []byte) ([]block, error) {
	blocks, end, err := gifblock.Walk(b)
	var out []block
	for _, g := range blocks {
		switch g.Kind {
		case 0:
			out = append(out, block{Kind: headerBlock, Name: "header", Offset: 0, Data: g.Data})
		case 0x21:
			out = append(out, block{Kind: extensionBlock, Name: gifblock.ExtName(g), Offset: g.Start, Data: g.Data})
		case 0x2C:
			out = append(out, block{Kind: imageBlock, Name: "image", Offset: g.Start, Data: g.Data})
		}
	}
	if err != nil {
		return out, err
	}
	return append(out, trailer(b, end)...), nil
}

func heifBlocks(b []byte) ([]block, error) {
	f, err := bmff.ParseHEIF(b)
	if f == nil {
		return nil, err
	}
	out := make([]block, 0, len(f.Boxes)+len(f.Items))
	for _, bx := range f.Boxes {
		out = append(out, block{Kind: boxBlock, Name: printable.String(bx.Type), Offset: bx.Start, Data: bx.Data})
	}
	budget := len(b) // bytes we may copy to join multi-extent items
	for _, it := range f.Items {
		blk := block{Kind: itemBlock, Name: f.ItemName(it), Offset: it.Offset}
		switch {
		case len(it.Extents) == 1:
			blk.Offset = it.Extents[0][0]
			blk.Data = b[it.Extents[0][0]:it.Extents[0][1]]
		case len(it.Extents) > 1:
			blk.Offset = it.Extents[0][0]
			n := 0
			for _, e := range it.Extents {
				n += e[1] - e[0]
			}
			if n <= budget {
				budget -= n
				blk.Data = make([]byte, 0, n)
				for _, e := range it.Extents {
					blk.Data = append(blk.Data, b[e[0]:e[1]]...)
				}
			}
		}
		out = append(out, blk)
	}
	return out, err
}

// within joins an embedded image's prefix to a location.
func within(prefix, where string) string {
	if prefix == "" {
		return where
	}
	return prefix + ": " + where
}

// blocks dispatches every block of a container to its extractor. prefix is
// "" for the file itself, or names the embedded image ("MPF image 2").
func (in *inspector) blocks(f photo.Format, b []byte, blocks []block, prefix string, depth int) {
	frames := 0
	for _, blk := range blocks {
		blk := blk
		if blk.Kind == imageBlock || blk.Name == "ANMF" || blk.Name == "fcTL" {
			frames++
		}
		in.guard(within(prefix, blk.Name), blk.Name, func() {
			switch f {
			case photo.JPEG:
				in.jpegBlock(b, blk, prefix, depth)
			case photo.PNG:
				in.pngBlock(blk, prefix, depth)
			case photo.WebP:
				in.webpBlock(blk, prefix, depth)
			case photo.GIF:
				in.gifBlock(blk, prefix, depth)
			case photo.HEIF:
				in.heifBlock(blk, prefix, depth)
			}
		})
	}
	if frames > 1 {
		in.add(metadata.HiddenImages, metadata.Medium, within(prefix, "animation"), "Animation frames", fmt.Sprintf("%d frames (later frames can show anything; check them all)", frames))
	}
}

// embedded inspects an image stored inside another (MPF secondary images,
// appended JPEGs), prefixing its findings' locations.
func (in *inspector) embedded(b []byte, prefix string, depth int) {
	if depth+1 > maxDepth {
		return
	}
	f, blocks, _ := listBlocks(b)
	if f == photo.TIFF {
		in.tiff(b, within(prefix, "TIFF"), depth+1)
		return
	}
	in.blocks(f, b, blocks, prefix, depth+1)
}
