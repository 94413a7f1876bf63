package imagemeta

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/probity/probity/internal/imagemeta/imagemetatest"
)

// metaCanary is planted in metadata; it must never come out.
const metaCanary = "CANARY-GPS-51.5007N-0.1246W-phone-of-j.bloggs-7c1e"

// testImage is w×h, red on the left half and blue on the right, so that
// a rotation can be seen in the output.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// tiff builds a little-endian TIFF structure as EXIF carries it: IFD0 with
// an ImageDescription (the canary), an optional Orientation and a pointer
// to a GPS IFD holding a latitude.
func tiff(orientation uint16) []byte {
	le := binary.LittleEndian
	var b []byte
	u16 := func(v uint16) { b = le.AppendUint16(b, v) }
	u32 := func(v uint32) { b = le.AppendUint32(b, v) }
	entries := 2
	if orientation != 0 {
		entries++
	}
	desc := append([]byte(metaCanary), 0)
	ifd0 := 8
	ifd0Len := 2 + 12*entries + 4
	descOff := ifd0 + ifd0Len
	gpsOff := descOff + len(desc)
	gpsLen := 2 + 12*2 + 4
	latOff := gpsOff + gpsLen

	b = append(b, 'I', 'I')
	u16(42)
	u32(uint32(ifd0))
	u16(uint16(entries))
	u16(0x010E) // ImageDescription, ASCII
	u16(2)
	u32(uint32(len(desc)))
	u32(uint32(descOff))
	if orientation != 0 {
		u16(0x0112) // Orientation, SHORT
		u16(3)
		u32(1)
		u16(orientation)
		u16(0)
	}
	u16(0x8825) // GPSInfo IFD pointer, LONG
	u16(4)
	u32(1)
	u32(uint32(gpsOff))
	u32(0) // no next IFD
	b = append(b, desc...)
	u16(2)
	u16(0x0001) // GPSLatitudeRef "N"
	u16(2)
	u32(2)
	b = append(b, 'N', 0, 0, 0)
	u16(0x0002) // GPSLatitude, three RATIONALs
	u16(5)
	u32(3)
	u32(uint32(latOff))
	u32(0)
	for _, v := range []uint32{51, 1, 30, 1, 2, 1} {
		u32(v)
	}
	return b
}

// jpegWithExif is a valid JPEG made by image/jpeg with an APP1 Exif
// segment put in by hand after the start-of-image marker.
func jpegWithExif(t *testing.T, w, h int, orientation uint16) []byte {
	t.Helper()
	var base bytes.Buffer
	if err := jpeg.Encode(&base, testImage(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), tiff(orientation)...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(2+len(payload)))
	app1 = append(app1, payload...)
	b := base.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, app1...)
	return append(out, b[2:]...)
}

// pngWithText is a valid PNG with tEXt and eXIf chunks after IHDR.
func pngWithText(t *testing.T) []byte {
	t.Helper()
	var base bytes.Buffer
	if err := png.Encode(&base, testImage(12, 10)); err != nil {
		t.Fatal(err)
	}
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	b := base.Bytes()
	ihdrEnd := 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, b[:ihdrEnd]...)
	out = append(out, chunk("tEXt", []byte("Author\x00"+metaCanary))...)
	out = append(out, chunk("eXIf", tiff(0))...)
	return append(out, b[ihdrEnd:]...)
}

func TestStripJPEGMetadata(t *testing.T) {
	in := jpegWithExif(t, 16, 8, 0)
	if !bytes.Contains(in, []byte(metaCanary)) || !bytes.Contains(in, []byte("Exif")) {
		t.Fatal("the test JPEG does not carry its metadata; the test proves nothing")
	}
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the test JPEG is not valid: %v", err)
	}
	out, err := Strip(in, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{metaCanary, "Exif", "51.5"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{16, 8}) {
		t.Fatalf("output is %v, want 16×8", got)
	}
}

func TestStripPNGMetadata(t *testing.T) {
	in := pngWithText(t)
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the test PNG is not valid: %v", err)
	}
	if !bytes.Contains(in, []byte(metaCanary)) {
		t.Fatal("the test PNG does not carry its metadata")
	}
	out, err := Strip(in, "image/png")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{metaCanary, "tEXt", "eXIf", "Exif"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{12, 10}) {
		t.Fatalf("output is %v, want 12×10", got)
	}
}

// TestStripTurnsPhotoUpright: the orientation is EXIF too, so it is
// applied to the pixels before the EXIF goes.
func TestStripTurnsPhotoUpright(t *testing.T) {
	isRed := func(c color.Color) bool {
		r, _, b, _ := c.RGBA()
		return r > 2*b
	}
	for o, want := range map[uint16]struct {
		size     image.Point
		redAt    image.Point
		notRedAt image.Point
	}{
		1: {image.Pt(32, 16), image.Pt(4, 8), image.Pt(28, 8)},
		3: {image.Pt(32, 16), image.Pt(28, 8), image.Pt(4, 8)},
		6: {image.Pt(16, 32), image.Pt(8, 4), image.Pt(8, 28)}, // left half comes to the top
		8: {image.Pt(16, 32), image.Pt(8, 28), image.Pt(8, 4)}, // left half goes to the bottom
	} {
		out, err := Strip(jpegWithExif(t, 32, 16, o), "image/jpeg")
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Size() != want.size {
			t.Errorf("orientation %d: size %v, want %v", o, img.Bounds().Size(), want.size)
			continue
		}
		if !isRed(img.At(want.redAt.X, want.redAt.Y)) || isRed(img.At(want.notRedAt.X, want.notRedAt.Y)) {
			t.Errorf("orientation %d: pixels not turned as expected", o)
		}
	}
}

func TestOrientEveryValue(t *testing.T) {
	// A 3×2 image with every pixel distinct; each orientation must be a
	// permutation that keeps every pixel, with the size swapped for 5-8.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		src.Set(i%3, i/3, color.RGBA{uint8(i * 40), 0, 0, 255})
	}
	for o := 1; o <= 8; o++ {
		got := orient(src, o)
		w, h := 3, 2
		if o >= 5 {
			w, h = 2, 3
		}
		if got.Bounds().Dx() != w || got.Bounds().Dy() != h {
			t.Errorf("orientation %d: %v", o, got.Bounds())
			continue
		}
		seen := map[uint32]bool{}
		for y := range h {
			for x := range w {
				r, _, _, _ := got.At(x, y).RGBA()
				seen[r] = true
			}
		}
		if len(seen) != 6 {
			t.Errorf("orientation %d lost pixels", o)
		}
	}
}

func TestStripRefusesOtherTypes(t *testing.T) {
	for _, mt := range []string{"application/pdf", "image/gif", "image/webp", "application/octet-stream", ""} {
		if _, err := Strip([]byte("%PDF-1.7 ..."), mt); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%q: %v", mt, err)
		}
	}
	text := []byte("notes of what was said\n")
	out, err := Strip(text, "text/plain")
	if err != nil || !bytes.Equal(out, text) {
		t.Errorf("plain text changed: %q %v", out, err)
	}
}

func TestStripRefusesBrokenAndHugeImages(t *testing.T) {
	if _, err := Strip([]byte("\xff\xd8\xff\xe0 not really"), "image/jpeg"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("broken JPEG: %v", err)
	}
	// A PNG header declaring a 100000×100000 canvas: refused before decoding.
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	huge := append([]byte{}, b.Bytes()...)
	binary.BigEndian.PutUint32(huge[16:], 100000)
	binary.BigEndian.PutUint32(huge[20:], 100000)
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
	if _, err := Strip(huge, "image/png"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge PNG: %v", err)
	}
}

// FuzzStripImageMetadata feeds arbitrary bytes as JPEG and PNG: it must
// never panic, and whatever it accepts must decode.
func FuzzStripImageMetadata(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00"), true)
	f.Fuzz(func(t *testing.T, b []byte, asJPEG bool) {
		mt := "image/png"
		if asJPEG {
			mt = "image/jpeg"
		}
		_ = exifOrientation(b)
		out, err := Strip(b, mt)
		if err != nil {
			return
		}
		if _, _, err := image.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("accepted input re-encoded to something that does not decode: %v", err)
		}
	})
}

// TestStripRefusesDecodeBomb: a 5000×5000 PNG at 16 bits a channel is
// within the pixel limit but would take 200 MB to decode; it is refused
// from its header, without the decoded image ever being allocated.
func TestStripRefusesDecodeBomb(t *testing.T) {
	bomb := imagemetatest.PNG(5000, 5000, 16, 6, true)
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes; it should compress to under 2 MB", len(bomb))
	}
	zr, err := zlib.NewReader(bytes.NewReader(bomb[8+25+8 : len(bomb)-12-4]))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := io.Copy(io.Discard, zr); err != nil || n != 5000*(1+5000*8) {
		t.Fatalf("the bomb's image data inflates to %d bytes (%v)", n, err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(bomb)); err != nil || cfg.Width*cfg.Height > MaxPixels {
		t.Fatalf("the bomb is not a valid PNG within the pixel limit (%v, %v); the test proves nothing", cfg, err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = NewStripper(1).Strip(context.Background(), NewBudget(), bomb, "image/png")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "5000×5000") || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("the bomb: %v", err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	if allocated > 8<<20 {
		t.Fatalf("refusing the bomb allocated %d MB: it was decoded", allocated>>20)
	}
	t.Logf("a %d KB PNG declaring 5000×5000 at 16 bits a channel refused after %d KB of allocation", len(bomb)>>10, allocated>>10)
}

// TestImageCost: what decoding will take is read from the header.
func TestImageCost(t *testing.T) {
	reheader := func(b []byte, interlace byte) []byte {
		b = append([]byte{}, b...)
		b[28] = interlace
		binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
		return b
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, testImage(30, 20), nil); err != nil { // 4:2:0, 16×16 MCUs
		t.Fatal(err)
	}
	var grey bytes.Buffer
	if err := jpeg.Encode(&grey, image.NewGray(image.Rect(0, 0, 30, 20)), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cost func() (imageCost, error)
		want int64
	}{
		{"8-bit RGBA PNG", func() (imageCost, error) { return pngCost(imagemetatest.PNG(100, 50, 8, 6, false)) }, 100 * 50 * 4},
		{"16-bit grey PNG", func() (imageCost, error) { return pngCost(imagemetatest.PNG(100, 50, 16, 0, false)) }, 100 * 50 * 8},
		{"palette PNG", func() (imageCost, error) { return pngCost(imagemetatest.PNG(100, 50, 8, 3, false)) }, 100 * 50},
		{"interlaced PNG", func() (imageCost, error) { return pngCost(reheader(imagemetatest.PNG(100, 50, 8, 6, false), 1)) }, 2 * 100 * 50 * 4},
		// Y 32×32, Cb and Cr 16×16 each.
		{"4:2:0 JPEG", func() (imageCost, error) { return jpegCost(jpg.Bytes()) }, 32*32 + 2*16*16},
		{"4:2:0 JPEG turned upright", func() (imageCost, error) {
			return jpegCost(jpegWithExif(t, 30, 20, 6))
		}, 32*32 + 2*16*16 + 30*20*4},
		{"grey JPEG", func() (imageCost, error) { return jpegCost(grey.Bytes()) }, 32 * 24},
	}
	for _, tc := range tests {
		c, err := tc.cost()
		if err != nil || c.bytes != tc.want {
			t.Errorf("%s: %d bytes (%v), want %d", tc.name, c.bytes, err, tc.want)
		}
	}
	// A progressive JPEG keeps 4 bytes of coefficients a sample: the
	// frame marker alone says so.
	prog := append([]byte{}, grey.Bytes()...)
	i := bytes.Index(prog, []byte{0xFF, 0xC0})
	prog[i+1] = 0xC2
	if f, ok := jpegFrame(prog); !ok || !f.progressive || len(f.components) != 1 {
		t.Errorf("progressive frame: %+v %v", f, ok)
	}
}

// TestRequestImageBudget: the pixels of one request's images are counted
// together, before any is decoded.
func TestRequestImageBudget(t *testing.T) {
	s := NewStripper(1)
	budget := NewBudget()
	big := imagemetatest.PNG(4000, 4000, 8, 3, false) // 16 megapixels, header only
	for i := range 2 {
		if _, err := s.Strip(context.Background(), budget, big, "image/png"); !errors.Is(err, ErrUnreadable) {
			t.Fatalf("image %d within the budget: %v", i+1, err)
		}
	}
	_, err := s.Strip(context.Background(), budget, big, "image/png")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "in all") {
		t.Fatalf("third image: %v", err)
	}
	if _, err := s.Strip(context.Background(), NewBudget(), big, "image/png"); !errors.Is(err, ErrUnreadable) {
		t.Fatalf("another request's budget: %v", err)
	}
}

// TestStripWaitsForASlotOnlyAsLongAsItsContext: with every decoding slot
// taken, a request whose context ends gives up without decoding.
func TestStripWaitsForASlotOnlyAsLongAsItsContext(t *testing.T) {
	s := NewStripper(2)
	release := s.Hold()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Strip(ctx, NewBudget(), pngWithText(t), "image/png")
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting for a slot: %v", err)
	}
	release()
	if _, err := s.Strip(context.Background(), NewBudget(), pngWithText(t), "image/png"); err != nil {
		t.Fatalf("with a free slot: %v", err)
	}
}
