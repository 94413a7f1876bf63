package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// TestQRSVGDrawsEveryModule reads the drawn path back into a grid and
// compares it with the encoder's modules, margin included, and checks the
// three finder patterns sit in the corners a camera looks for them.
func TestQRSVGDrawsEveryModule(t *testing.T) {
	for _, content := range []string{
		"otpauth://totp/Probity:jbloggs?algorithm=SHA1&digits=6&issuer=Probity&period=30&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
		"otpauth://totp/Probity:a.very.long.username.indeed@probity.example?algorithm=SHA1&digits=6&issuer=Probity&period=30&secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	} {
		svg, err := qrSVG(content, `title with "quotes" & <tags>`)
		if err != nil {
			t.Fatal(err)
		}
		s := string(svg)
		if strings.Contains(s, "data:") || strings.Contains(s, "style=") || strings.Contains(s, "<script") {
			t.Fatalf("the SVG uses something the page's CSP forbids: %.200s", s)
		}
		if !strings.Contains(s, `aria-label="title with &#34;quotes&#34; &amp; &lt;tags&gt;"`) {
			t.Errorf("title not escaped: %.300s", s)
		}
		code, err := qr.Encode(content, qr.M, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Bounds().Dx()
		size := n + 2*qrQuietZone
		if !strings.Contains(s, `viewBox="0 0 `+strconv.Itoa(size)+" "+strconv.Itoa(size)+`"`) {
			t.Fatalf("viewBox is not the code and its margin (%d): %.200s", size, s)
		}
		grid := make([][]bool, size)
		for i := range grid {
			grid[i] = make([]bool, size)
		}
		path := regexp.MustCompile(` d="([^"]*)"`).FindStringSubmatch(s)[1]
		runs := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(path, -1)
		if strings.Join(regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllString(path, -1), "") != path {
			t.Fatalf("path has pieces other than runs: %.200s", path)
		}
		for _, m := range runs {
			x, _ := strconv.Atoi(m[1])
			y, _ := strconv.Atoi(m[2])
			w, _ := strconv.Atoi(m[3])
			if m[3] != m[4] {
				t.Fatalf("run %q does not close", m[0])
			}
			for i := range w {
				grid[y][x+i] = true
			}
		}
		for y := range size {
			for x := range size {
				want := false
				if x >= qrQuietZone && y >= qrQuietZone && x < n+qrQuietZone && y < n+qrQuietZone {
					r, g, b, a := code.At(x-qrQuietZone, y-qrQuietZone).RGBA()
					want = dark(r, g, b, a)
				}
				if grid[y][x] != want {
					t.Fatalf("module (%d,%d) drawn %v, encoded %v", x, y, grid[y][x], want)
				}
			}
		}
		// Finder patterns: a dark 7x7 ring around a dark 3x3 centre, in the
		// top-left, top-right and bottom-left corners inside the margin.
		finder := func(ox, oy int) bool {
			for y := range 7 {
				for x := range 7 {
					ring := x == 0 || y == 0 || x == 6 || y == 6
					centre := x >= 2 && x <= 4 && y >= 2 && y <= 4
					if grid[oy+y][ox+x] != (ring || centre) {
						return false
					}
				}
			}
			return true
		}
		q, far := qrQuietZone, qrQuietZone+n-7
		if !finder(q, q) || !finder(far, q) || !finder(q, far) || finder(far, far) {
			t.Errorf("finder patterns not in the three corners of a %d-module code", n)
		}
	}
}

func TestGroupSecret(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"ABC":                              "ABC",
		"ABCD":                             "ABCD",
		"ABCDE":                            "ABCD E",
		"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP": "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP",
	} {
		if got := groupSecret(in); got != want {
			t.Errorf("groupSecret(%q) = %q, want %q", in, got, want)
		}
	}
}
