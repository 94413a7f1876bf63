package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrQuietZone is the blank margin, in modules, that ISO/IEC 18004 asks for
// around a QR code so that a camera can find its edges.
const qrQuietZone = 4

// qrModulePixels is how large each module is drawn: 5 px makes a typical
// otpauth code (41 to 49 modules with its margin) about 250 px across,
// easy for a phone camera to read off a screen.
const qrModulePixels = 5

// qrSVG draws content as a QR code in inline SVG. It is drawn here, on the
// server, because the page's Content-Security-Policy (default-src 'self')
// rightly forbids the data: URL an <img> of a generated picture would
// need, and a separate image route would have to serve the secret a second
// time. Only presentation attributes are used: the policy forbids inline
// styles too. Dark modules of a row are joined into runs, one path for all.
func qrSVG(content, title string) (template.HTML, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("drawing the QR code: %w", err)
	}
	b := code.Bounds()
	size := b.Dx() + 2*qrQuietZone
	var d strings.Builder
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; {
			if !dark(code.At(x, y).RGBA()) {
				x++
				continue
			}
			start := x
			for x < b.Max.X && dark(code.At(x, y).RGBA()) {
				x++
			}
			fmt.Fprintf(&d, "M%d %dh%dv1h-%dz", start-b.Min.X+qrQuietZone, y-b.Min.Y+qrQuietZone, x-start, x-start)
		}
	}
	px := size * qrModulePixels
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" shape-rendering="crispEdges" class="qr">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		size, size, px, px, template.HTMLEscapeString(title), size, size, d.String())
	return template.HTML(svg), nil
}

func dark(r, g, b, _ uint32) bool { return r+g+b < 3*0x8000 }

// groupSecret splits a base32 secret into groups of four for reading and
// typing; authenticator apps ignore the spaces.
func groupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
