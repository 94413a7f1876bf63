package chart

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ticks chooses the value axis: a range that holds lo and hi and starts and
// ends on a "nice" step (1, 2 or 5 times a power of ten), with at most
// about n steps. Zero is always in the range, so a bar's length is its
// value and a line is not made to look steeper than it is. An empty or
// zero range (or one under a millionth) becomes 0 to 1.
func ticks(lo, hi float64, n int) (start, end, step float64, decimals int) {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi-lo < 1e-6 {
		hi = 1
	}
	step = niceStep((hi - lo) / float64(n))
	start = math.Floor(lo/step+1e-9) * step
	end = math.Ceil(hi/step-1e-9) * step
	decimals = 0
	if step < 1 {
		decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return round(start, decimals), round(end, decimals), step, decimals
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	exp := math.Floor(math.Log10(raw))
	base := math.Pow(10, exp)
	switch f := raw / base; {
	case f <= 1:
		return base
	case f <= 2:
		return 2 * base
	case f <= 5:
		return 5 * base
	default:
		return 10 * base
	}
}

func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no negative zero in the output
	}
	return r
}

// num formats a coordinate with at most one decimal place, which is finer
// than a device pixel at the sizes drawn and keeps the output stable.
func num(v float64) string {
	return strconv.FormatFloat(round(v, 1), 'f', -1, 64)
}

// Label widths are estimated, not measured: the SVG is drawn on the server
// without fonts. The factor is the mean advance of Arial's characters in
// ems, a little generous so that estimates err towards room to spare.
const charWidth = 0.58

func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * charWidth
}

// fit shortens s with an ellipsis to at most width at the given size, and
// says whether it had to.
func fit(s string, width, size float64) (string, bool) {
	if textWidth(s, size) <= width {
		return s, false
	}
	n := int(width/(size*charWidth)) - 1
	if n < 1 {
		return "…", true
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:min(n, len(r))])) + "…", true
}

// wrap breaks s into at most lines lines of at most width, at spaces,
// shortening the last line with an ellipsis if the words do not fit.
func wrap(s string, width, size float64, lines int) ([]string, bool) {
	words := strings.Fields(s)
	var out []string
	cur, cut := "", false
	curW, space := 0.0, textWidth(" ", size)
	for i, w := range words {
		ww := textWidth(w, size)
		if cur == "" {
			cur, curW = w, ww
			continue
		}
		if curW+space+ww <= width {
			cur, curW = cur+" "+w, curW+space+ww
			continue
		}
		if len(out) == lines-1 {
			last, _ := fit(strings.Join(append([]string{cur}, words[i:]...), " "), width, size)
			return append(out, last), true
		}
		line, c := fit(cur, width, size)
		out, cut, cur, curW = append(out, line), cut || c, w, ww
	}
	if cur != "" {
		line, c := fit(cur, width, size)
		out, cut = append(out, line), cut || c
	}
	return out, cut
}
