package inspect

import (
	"codeberg.org/veil/veil/internal/testimg"
)

// Compositions of testimg's builders that the inspector's tests share.

// jpegWith is base with segments right after SOI and trailer after EOI.
func jpegWith(base []byte, trailer []byte, segs ...[]byte) []byte {
	return append(testimg.InsertAfterSOI(base, segs...), trailer...)
}

// pngWith is a 2x2 grey PNG with the given chunks (type, data) after its
// image data, and trailer after IEND.
func pngWith(chunks [][2]string, trailer []byte) []byte {
	var cs [][]byte
	for _, c := range chunks {
		cs = append(cs, testimg.Chunk(c[0], []byte(c[1])))
	}
	return append(testimg.InsertPNG(testimg.GrayPNG(2, 2), false, cs...), trailer...)
}

// webpWith is an extended 1x1 lossless WebP (VP8X flags EXIF and XMP) with
// extra chunks (FourCC, data).
func webpWith(chunks ...[2]string) []byte {
	cs := [][]byte{testimg.RIFF("VP8X", testimg.VP8X(testimg.VP8XEXIF|testimg.VP8XXMP, 1, 1)), testimg.RIFF("VP8L", testimg.VP8L1x1)}
	for _, c := range chunks {
		cs = append(cs, testimg.RIFF(c[0], []byte(c[1])))
	}
	return testimg.WebP(cs...)
}

// xmpPacket wraps RDF properties in an XMP packet that declares the
// namespaces the tests use.
func xmpPacket(body string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Test 1.0">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
 xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 xmlns:exif="http://ns.adobe.com/exif/1.0/"
 xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
 xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
 xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
 xmlns:xmpNote="http://ns.adobe.com/xmp/note/">
` + body + `
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}
