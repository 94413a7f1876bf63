// Package imagemetatest builds images for tests of upload handling: large
// images whose bytes are cheap to make, so a test can offer a decode bomb
// without holding its pixels.
package imagemetatest

import (
	"encoding/binary"
	"hash/crc32"
)

// PNG is a w×h PNG at the given bit depth and colour type whose image data
// is rows of zeros: a 5000×5000 16-bit RGBA image comes to about 1.3 MB.
// Without data, the file ends its image data empty and decoding it fails.
func PNG(w, h int, depth, colourType byte, withData bool) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, depth, colourType, 0, 0, 0)
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	if colourType == 3 {
		out = chunk(out, "PLTE", []byte{0, 0, 0})
	}
	if withData {
		channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colourType]
		out = chunk(out, "IDAT", ZeroZlib(h*(1+w*channels*int(depth)/8))) // each row: filter byte, then zeros
	} else {
		out = chunk(out, "IDAT", nil)
	}
	return chunk(out, "IEND", nil)
}

func chunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// ZeroZlib is a zlib stream of n zero bytes, written by hand as one
// deflate block with the fixed codes: a literal zero, then matches of 258
// bytes at distance 1, 13 bits each. Compressing the zeros with
// compress/flate would take seconds under the race detector.
func ZeroZlib(n int) []byte {
	out := []byte{0x78, 0x01}
	var acc uint64
	var nbits uint
	put := func(v uint64, bits uint) { // least significant bit first
		acc |= v << nbits
		nbits += bits
		for nbits >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			nbits -= 8
		}
	}
	code := func(c uint64, bits uint) { // Huffman codes go most significant bit first
		var r uint64
		for i := range bits {
			r |= (c >> i & 1) << (bits - 1 - i)
		}
		put(r, bits)
	}
	put(1, 1) // the final block
	put(1, 2) // fixed Huffman codes
	left := n
	if left > 0 {
		code(0x30, 8) // literal 0
		left--
	}
	for ; left >= 258; left -= 258 {
		code(0xC5, 8) // length 258
		code(0, 5)    // distance 1
	}
	for ; left > 0; left-- {
		code(0x30, 8)
	}
	code(0, 7) // end of block
	if nbits > 0 {
		out = append(out, byte(acc))
	}
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1) // Adler-32 of zeros
}
