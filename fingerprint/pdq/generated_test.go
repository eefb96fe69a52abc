package pdq

import (
	"image"
	"image/color"
	"strconv"
	"strings"
	"testing"
)

// generated are pictures built in code where float rounding and the
// median's ties decide most bits (flat colours, stripes, a checkerboard, a
// 16 px picture), each with the reference's output for the same pixels
// written as PNG: pdq-photo-hasher (ThreatExchange pdq/cpp, g++ -O3, x86-64,
// ImageMagick 6.9.11), plain and with --pdqdih-across. They pin the
// arithmetic where ../shared is absent. The 64x64 stripes show the
// reference's dihedral hashes blurring a 64x64 picture that its plain hash
// takes as it is.
var generated = []struct {
	name string
	img  func() image.Image
	hash string
	q    int
	dih  string // the eight --pdqdih hashes, space-separated, then the quality
}{
	{"flat-rgb-300x200", func() image.Image {
		return fill(300, 200, func(x, y int) color.NRGBA { return color.NRGBA{30, 120, 200, 255} })
	},
		"ff800000ff80ffff0000ffffff80ffffff80ff8000000000ffffffff00000000", 0,
		"ff800000ff80ffff0000ffffff80ffffff80ff8000000000ffffffff00000000 0504eaf31504faf31504eafb0504faf30504eafb050cfaf31504faf31504eafb 5555aaaa5555c6e155555555555555555555aaaa5555aaaac6e155555555aaaa f2d9f2d9f2d9f2d9f2d9f2d9f2d9f2d950595059505950595059505950595059 ff00ffffff00ffff00000000ff000000ff00ffff0000ffffffff00000000ffff 555555555555391e5555aaaa5555aaaa55555555555555550461aaaa55555555 b7ccb7ccb7ccb7ccb7ccb7ccb7ccb7ccb7cc150c150c150c150c150c150c150c 5059bfae4051afa64051bfae5059afa65059bfae5059afa64051afa64051bfae 0"},
	{"flat-grey-64x64", func() image.Image { return grey(64, 64, func(x, y int) uint8 { return 255 }) },
		"00001134000011342c4b00002c4b1134000000002c4b2c4b00002c4b8200554b", 0,
		"00001134000011342c4b00002c4b1134000000002c4b2c4b00002c4b8200554b 000200020a340a360a34510200020a360000510251000a340a350a340a355102 0000391e0000391e391e0000391e391e00000000391e046100000461d741d741 000300005b2000145b205b200003001400005b20001400145b2000145b205b20 00002c4b00002c4b2c4b00002c4b2c4b000000002c4b11340000113482008200 0000046100000461391e0000391e046100000000391e391e0000391ed741000a 000200010a3451010a340a350002510100000a35510051000a3551000a350a35 000300035b205b235b20001700035b230000001700145b205b205b205b200017 0"},
	{"vstripes3-rgb-64x64", func() image.Image { return fill(64, 64, stripes(3, x0)) },
		"ff00ff0000000000ffffffffffffff00ffff00000000ffffffff0000ff000000", 100,
		"0000000000000000fff0ffffffff0000fff0fff00000ffffffffffff0000fff0 0eddb0200eddb0200eddb0200eddb0200eddb0200eddb0200eddb0200eddb020 555500005555aaaaaaaa5555aaaa0000aaaa555555555555aaaa555500005555 5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a5b8a 0000ffff0000ffffffff0000ffffffffffff000000000000ffff0000ffff0000 5555000055555555aaaaaaaaaaaa0000aaaaaaaa5555aaaaaaaaaaaa0000aaaa 0edd0edd0edd0edd0edd0edd0edd0edd0edd0edd0edd0edd061c061c061c061c 1a88a4751a88a4751a88a4751a88a4751a88a4751a88a4751a88a4751a88a475 100"},
	{"hstripes2-grey-256x200", func() image.Image {
		return grey(256, 200, func(x, y int) uint8 { return uint8(40 + 160*(y/2%2)) })
	},
		"45b58d024a9044ca4802108f25c5144624063105015441060e66257942b95af7", 100,
		"45b58d024a9044ca4802108f25c5144624063105015441060e66257942b95af7 400000a002c47a8868092863200b1d83b603ecd2800f5f58140678065d997998 00e005a81ec566601d5730053090164c71431b2f44004b0c1a3305d307ec5055 0000a80216805000285882c9315a9721e2064678d04af5724152d2ac08ccd312 45b510fd4a9033354802215025c5031924060e7a01540a590e66008642b90500 00e098571ec5119f1d5701da3090011371432450440000531a33202c07ec0fa2 4000b81302c405416809d38c200bc274b603132d800fa027140687f95d998647 000010b116802fc928587926315a48d6e206b987d04a0a0d41522d5308cc2ccd 100"},
	{"checker1-rgb-700x500", func() image.Image {
		return fill(700, 500, func(x, y int) color.NRGBA {
			if (x+y)%2 == 0 {
				return color.NRGBA{250, 240, 10, 255}
			}
			return color.NRGBA{5, 20, 90, 255}
		})
	},
		"a7a2581da7e25819a7e2581da7e2581da7e2581da7e2581d581da7e2a7e2a7e2", 31,
		"a7a2581da7e25819a7e2581da7e2581da7e2581da7e2581d581da7e2a7e2a7e2 aaa7aaa7aaa7aaa755585558aaa75558aaa75558aaa7aaa755580805aaa7aaa7 5000f2b350a2f2b3f2b7f2b752a3f2b772a3f2b772a3f2b70d480d4872a30d48 7ff2000d7ff2000d000dfff2fff2fff2fff24d50fff2000d000d0005fff2000d 07a2a7e2a7a2a7a2a7e2a7e2a7a2a7e2a7a2a7e2a7a2a7e25819581da7a2581d f2b30d48f2b30d48f2b70d48f2b30d48f2b30d48f2b30d480d48f2b7f2b3f2b7 aaa75558aaa755585558aaa7aaa7aaa7aaa72aa7aaa7555855584558aaa75558 5d50fff25df2fff2000d000d5ff2000d7ff2000d7ff25d50000d0d507ff25ff2 31"},
	{"scene-16x16", func() image.Image { return scene(16, 16, 3) },
		"24b90749172b53aa5be05b5d783c78b44e9f8e4f667941e357b31cb00e5c6a54", 100,
		"24b90749172b53aa5be05b5d783c78b44e9f8e4f667941e357b31cb00e5c6a54 a174e0468321c0f38fc71f117ceb83e7999cb38cbb3c7850f6e2f83c30d81b07 f9ecade3c27e79000eb571f72d69521e1bca24e5b32c6b4902e6361a5b0940fe 00004aecd6746a59da92b5bb29be294dccc91926ee69d2faa3b75296658db1ad 2cb978b6172b2c555be024a2783c074b4e9f71b066793e1c57b3634f0e5c15ab f9ec521cc27e06ff0eb50e082d69ade11bcadb1ab32c94b602e6c9e55b093f01 00401fb983213f0c0fc7e0ee7ceb7c18999c4c73bb3c87aff6e207c330d8e4f8 e020b513d67495a6da924a4429bed6b2ccc9e6d9ee692d05a3b7ad69658d4e52 100"},
}

func x0(x, y int) int { return x }

// stripes alternates red and blue along pos(x, y): red for the first
// (period+1)/2 pixels of each period, blue for the rest.
func stripes(period int, pos func(x, y int) int) func(x, y int) color.NRGBA {
	return func(x, y int) color.NRGBA {
		if pos(x, y)%period < (period+1)/2 {
			return color.NRGBA{200, 10, 10, 255}
		}
		return color.NRGBA{10, 10, 200, 255}
	}
}

func fill(w, h int, f func(x, y int) color.NRGBA) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, f(x, y))
		}
	}
	return m
}

func grey(w, h int, f func(x, y int) uint8) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Pix[y*m.Stride+x] = f(x, y)
		}
	}
	return m
}

// TestGeneratedAsReference compares hash, quality and the dihedral set.
func TestGeneratedAsReference(t *testing.T) {
	for _, g := range generated {
		t.Run(g.name, func(t *testing.T) {
			img := g.img()
			r, err := Compute(img, IsGrey(img), true)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Parse(g.hash)
			if r.Hash != want || r.Quality != g.q {
				t.Errorf("got %s q%d, want %s q%d (%d bits apart)", r.Hash, r.Quality, g.hash, g.q, Distance(r.Hash, want))
			}
			var got []string
			for _, h := range r.Dihedral {
				got = append(got, h.String())
			}
			if s := strings.Join(got, " ") + " " + strconv.Itoa(r.DihedralQuality); s != g.dih {
				t.Errorf("dihedral:\n got %s\nwant %s", s, g.dih)
			}
		})
	}
}
