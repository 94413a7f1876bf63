// Package imagemeta removes what an image says about who made it, where and
// when, keeping only its pixels, and bounds what decoding an image may cost.
// Speak-up reports use it for the photographs a reporter attaches.
package imagemeta

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// Image metadata can name the person who took a photograph: EXIF carries
// GPS coordinates, the time to the second, the camera's serial number and
// owner name; XMP and PNG text chunks carry editing software, author names
// and file paths. An anonymous reporter's photograph must lose all of it
// before it is stored.
//
// Rather than find and cut each kind of metadata (and miss the next kind),
// Strip decodes the image to pixels and encodes the pixels
// afresh: what comes out holds only what Go's encoders write, which is no
// metadata at all. The costs, accepted: a JPEG is compressed once more,
// and colour profiles are dropped.
//
// PDFs and other documents are refused for speak-up reports: their
// metadata (author, organisation, software licensed to a named user) sits
// in structures a re-encoding cannot reach without rendering the document,
// and a reporter can photograph or describe a document instead.

// Decoding is the expensive part, and an attacker chooses what is decoded:
// a PNG of 194 KB can declare 5000×5000 pixels at 16 bits per channel,
// which takes 200 MB and many seconds of CPU to decode. So, before any
// pixel is decoded:
//   - the header alone (image.DecodeConfig, and for JPEG the frame header)
//     says how many bytes the decoder will allocate: width × height × the
//     bytes per pixel of the decoder's output, doubled for an interlaced
//     PNG, with the coefficient buffers of a progressive JPEG and the
//     upright copy of a rotated photograph; above MaxDecodeBytes the
//     image is refused;
//   - the pixels of all the images of one request are counted against
//     MaxRequestPixels (an Budget), so that three large images
//     cost no more than one request's share;
//   - at most DecodeSlots images are decoded at once in the process,
//     and a request waits for a slot only as long as its context allows.
// Memory for decoding is therefore bounded by DecodeSlots ×
// MaxDecodeBytes however many requests arrive at once.

// MaxPixels bounds the pixels of one image: 25 megapixels holds a
// full-resolution photograph from any current phone.
const MaxPixels = 25_000_000

// MaxDecodeBytes bounds the memory one image may take to decode and
// turn upright. A 24-megapixel phone photograph that must be rotated takes
// about 132 MB; a 16-bit image of the same size would take 200 MB.
const MaxDecodeBytes = 128 << 20

// MaxRequestPixels bounds the pixels decoded for one request: three
// 12-megapixel photographs, or one of the largest.
const MaxRequestPixels = 40_000_000

// DecodeSlots is how many images the process decodes at once.
const DecodeSlots = 2

// Errors Strip returns; the web adapter turns them into field errors.
// ErrTooLarge is wrapped with the reason in plain words, fit to show the
// sender.
var (
	ErrUnsupported = errors.New("only PNG and JPEG images and plain text can be accepted")
	ErrUnreadable  = errors.New("the image cannot be read")
	ErrTooLarge    = errors.New("the image is too large to read")
)

// jpegQuality keeps re-encoded photographs close to the original: text in
// a screenshot must stay legible as evidence.
const jpegQuality = 92

// Budget is what is left of one request's MaxRequestPixels. Use one per
// request; it is not safe for concurrent use.
type Budget struct{ pixels int64 }

// NewBudget starts a request's budget.
func NewBudget() *Budget { return &Budget{pixels: MaxRequestPixels} }

// Stripper strips metadata from images, decoding at most a few at a
// time. One is shared by the whole process.
type Stripper struct{ slots chan struct{} }

// NewStripper decodes at most concurrent images at once.
func NewStripper(concurrent int) *Stripper {
	return &Stripper{slots: make(chan struct{}, max(1, concurrent))}
}

// Hold takes every decoding slot until release is called: for tests that
// need a request to wait.
func (s *Stripper) Hold() (release func()) {
	for range cap(s.slots) {
		s.slots <- struct{}{}
	}
	return func() {
		for range cap(s.slots) {
			<-s.slots
		}
	}
}

// Strip is Stripper.Strip with a stripper and a budget of its own, for a
// single image outside any request.
func Strip(content []byte, mediaType string) ([]byte, error) {
	return NewStripper(1).Strip(context.Background(), NewBudget(), content, mediaType)
}

// Strip returns content with every kind of metadata removed, for media
// types sniffed from the content: JPEG and PNG images are decoded and
// re-encoded; plain text, which has no metadata, is returned unchanged;
// anything else is refused with ErrUnsupported. A JPEG whose EXIF
// says it is rotated is turned upright first, since the orientation goes
// with the rest of the EXIF data. The image's pixels are taken from
// budget. When ctx ends before the image is decoded and encoded, Strip
// gives up with ctx's error.
func (s *Stripper) Strip(ctx context.Context, budget *Budget, content []byte, mediaType string) ([]byte, error) {
	var cost imageCost
	var err error
	switch mediaType {
	case "text/plain":
		return content, nil
	case "image/jpeg":
		cost, err = jpegCost(content)
	case "image/png":
		cost, err = pngCost(content)
	default:
		return nil, fmt.Errorf("%w (this file is %s)", ErrUnsupported, mediaType)
	}
	if err != nil {
		return nil, err
	}
	if err := cost.check(budget); err != nil {
		return nil, err
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.slots }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	switch mediaType {
	case "image/jpeg":
		img, err := jpeg.Decode(bytes.NewReader(content))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		img = orient(img, cost.orientation)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return nil, fmt.Errorf("re-encoding the image: %w", err)
		}
	case "image/png":
		img, err := png.Decode(bytes.NewReader(content))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
			return nil, fmt.Errorf("re-encoding the image: %w", err)
		}
	}
	return out.Bytes(), nil
}

// imageCost is what decoding an image will take, read from its header.
type imageCost struct {
	width, height int
	bytes         int64 // allocated to decode it (and turn it upright)
	orientation   int   // EXIF orientation of a JPEG; 1 otherwise
}

func (c imageCost) check(budget *Budget) error {
	pixels := int64(c.width) * int64(c.height)
	switch {
	case c.width <= 0 || c.height <= 0:
		return fmt.Errorf("%w: it has no pixels", ErrUnreadable)
	case pixels > MaxPixels:
		return fmt.Errorf("%w: %d×%d is more than %d megapixels", ErrTooLarge, c.width, c.height, MaxPixels/1_000_000)
	case c.bytes > MaxDecodeBytes:
		return fmt.Errorf("%w: at %d×%d with its colour depth it would take %d MB of memory to read, more than %d MB",
			ErrTooLarge, c.width, c.height, c.bytes>>20, MaxDecodeBytes>>20)
	case pixels > budget.pixels:
		return fmt.Errorf("%w: with the other images sent with it, it is more than %d megapixels in all",
			ErrTooLarge, MaxRequestPixels/1_000_000)
	}
	budget.pixels -= pixels
	return nil
}

// pngCost reads a PNG's header. The decoder gives 8 bytes a pixel for 16
// bits a channel, 1 for a palette, and otherwise up to 4 (grey with a
// transparent colour becomes RGBA); an interlaced image is decoded pass by
// pass into images as large again.
func pngCost(content []byte) (imageCost, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(content))
	if err != nil {
		return imageCost{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	c := imageCost{width: cfg.Width, height: cfg.Height, orientation: 1}
	// DecodeConfig has checked the signature and that IHDR comes first.
	depth, colourType, interlaced := content[24], content[25], content[28] == 1
	perPixel := int64(4)
	switch {
	case depth == 16:
		perPixel = 8
	case colourType == 3:
		perPixel = 1
	}
	c.bytes = int64(c.width) * int64(c.height) * perPixel
	if interlaced {
		c.bytes *= 2
	}
	return c, nil
}

// jpegCost reads a JPEG's frame header. The decoder keeps each component
// at its own sampling, plus, for a progressive image, 4 bytes of
// coefficients for every sample until the last scan; a four-component
// (CMYK) image is converted into a further 4 bytes a pixel. Turning a
// photograph upright takes 4 bytes a pixel more.
func jpegCost(content []byte) (imageCost, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(content))
	if err != nil {
		return imageCost{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	c := imageCost{width: cfg.Width, height: cfg.Height, orientation: exifOrientation(content)}
	w, h := int64(c.width), int64(c.height)
	f, ok := jpegFrame(content)
	if !ok {
		// DecodeConfig read a frame this parser did not: assume the
		// costliest kind, progressive CMYK at full resolution.
		f = frame{progressive: true, components: [][2]int{{1, 1}, {1, 1}, {1, 1}, {1, 1}}}
	}
	hmax, vmax := 1, 1
	for _, s := range f.components {
		hmax, vmax = max(hmax, s[0]), max(vmax, s[1])
	}
	// Planes are allocated whole MCUs at a time.
	mcuW, mcuH := int64(8*hmax), int64(8*vmax)
	pw, ph := (w+mcuW-1)/mcuW*mcuW, (h+mcuH-1)/mcuH*mcuH
	for _, s := range f.components {
		samples := pw * int64(s[0]) / int64(hmax) * ph * int64(s[1]) / int64(vmax)
		c.bytes += samples
		if f.progressive {
			c.bytes += 4 * samples
		}
	}
	if len(f.components) == 4 {
		c.bytes += 4 * w * h
	}
	if c.orientation != 1 {
		c.bytes += 4 * w * h
	}
	return c, nil
}

type frame struct {
	progressive bool
	components  [][2]int // horizontal and vertical sampling factors
}

// jpegFrame finds the start-of-frame segment of a JPEG. Like
// exifOrientation it checks every length before following it.
func jpegFrame(b []byte) (frame, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return frame{}, false
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return frame{}, false
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF:
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9:
			return frame{}, false
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return frame{}, false
		}
		seg := b[i+4 : i+2+n]
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			// precision, height, width, component count, then three
			// bytes per component: id, sampling, table.
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) || seg[5] == 0 {
				return frame{}, false
			}
			f := frame{progressive: marker == 0xC2}
			for k := range int(seg[5]) {
				hv := seg[6+3*k+1]
				hs, vs := int(hv>>4), int(hv&0x0F)
				if hs < 1 || vs < 1 {
					return frame{}, false
				}
				f.components = append(f.components, [2]int{hs, vs})
			}
			return f, true
		}
		i += 2 + n
	}
	return frame{}, false
}

// exifOrientation reads the EXIF orientation (1 to 8) of a JPEG, or 1 when
// there is none or it cannot be read. The content is untrusted: every
// offset is checked before it is followed, and nothing is followed twice.
func exifOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // image data starts: no EXIF after it
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in the first IFD of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[off:]))
	for e := range count {
		p := off + 2 + 12*e
		if p+12 > int64(len(t)) {
			return 1
		}
		tag, typ, n := bo.Uint16(t[p:]), bo.Uint16(t[p+2:]), bo.Uint32(t[p+4:])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 || n != 1 { // SHORT, one value, held in the entry itself
			return 1
		}
		if v := int(bo.Uint16(t[p+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient turns img upright according to an EXIF orientation: the pixel at
// (x, y) of the stored image goes to where the orientation says it shows.
// The source is converted one row at a time, so that the only full-size
// allocation is the upright image (4 bytes a pixel, counted in jpegCost).
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		draw.Draw(row, row.Bounds(), img, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs a quarter turn clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs a quarter turn anticlockwise
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], row.Pix[4*x:][:4])
		}
	}
	return dst
}
