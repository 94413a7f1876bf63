package intake

import (
	"bytes"
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
// StripImageMetadata decodes the image to pixels and encodes the pixels
// afresh: what comes out holds only what Go's encoders write, which is no
// metadata at all. The costs, accepted: a JPEG is compressed once more,
// and colour profiles are dropped.
//
// PDFs and other documents are refused for speak-up reports: their
// metadata (author, organisation, software licensed to a named user) sits
// in structures a re-encoding cannot reach without rendering the document,
// and a reporter can photograph or describe a document instead.

// MaxImagePixels bounds the images decoded: a small file can declare an
// enormous canvas, and decoding it would take gigabytes. 25 megapixels
// holds a full-resolution photograph from any current phone.
const MaxImagePixels = 25_000_000

// Errors StripImageMetadata returns; the web adapter turns them into
// field errors.
var (
	ErrMetadataUnsupported = errors.New("only PNG and JPEG images and plain text can be accepted")
	ErrImageUnreadable     = errors.New("the image cannot be read")
	ErrImageTooLarge       = errors.New("the image has too many pixels")
)

// jpegQuality keeps re-encoded photographs close to the original: text in
// a screenshot must stay legible as evidence.
const jpegQuality = 92

// StripImageMetadata returns content with every kind of metadata removed,
// for media types sniffed from the content: JPEG and PNG images are
// decoded and re-encoded; plain text, which has no metadata, is returned
// unchanged; anything else is refused with ErrMetadataUnsupported. A JPEG
// whose EXIF says it is rotated is turned upright first, since the
// orientation goes with the rest of the EXIF data.
func StripImageMetadata(content []byte, mediaType string) ([]byte, error) {
	switch mediaType {
	case "text/plain":
		return content, nil
	case "image/jpeg":
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(content))
		if err := checkConfig(cfg, err); err != nil {
			return nil, err
		}
		img, err := jpeg.Decode(bytes.NewReader(content))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrImageUnreadable, err)
		}
		img = orient(img, exifOrientation(content))
		var out bytes.Buffer
		if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return nil, fmt.Errorf("re-encoding the image: %w", err)
		}
		return out.Bytes(), nil
	case "image/png":
		cfg, err := png.DecodeConfig(bytes.NewReader(content))
		if err := checkConfig(cfg, err); err != nil {
			return nil, err
		}
		img, err := png.Decode(bytes.NewReader(content))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrImageUnreadable, err)
		}
		var out bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
			return nil, fmt.Errorf("re-encoding the image: %w", err)
		}
		return out.Bytes(), nil
	}
	return nil, fmt.Errorf("%w (this file is %s)", ErrMetadataUnsupported, mediaType)
}

func checkConfig(cfg image.Config, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("%w: %v", ErrImageUnreadable, err)
	case cfg.Width <= 0 || cfg.Height <= 0:
		return fmt.Errorf("%w: it has no pixels", ErrImageUnreadable)
	case int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels:
		return fmt.Errorf("%w: %d×%d is more than %d pixels", ErrImageTooLarge, cfg.Width, cfg.Height, MaxImagePixels)
	}
	return nil
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
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
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
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}
