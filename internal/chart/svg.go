package chart

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
)

// The categorical palette of the Government Analysis Function's guidance on
// charts: each colour has a contrast of at least 3:1 against white (WCAG
// 1.4.11) and the first four are told apart by people with the common
// colour-vision deficiencies. Colour is never the only cue: bars also carry
// a pattern and lines a dash and a marker shape of their own.
var palette = []string{"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"}

// MaxSeries is the most series a chart may have: beyond it colours and
// patterns would repeat, and a table serves the reader better.
var MaxSeries = len(palette)

const (
	textColour = "#0b0c0c" // GOV.UK text
	greyColour = "#505a5f" // GOV.UK secondary text
	gridColour = "#b1b4b6" // GOV.UK border
	fontSize   = 14.0
	small      = 12.0
)

var dashes = []string{"", "8 4", "2 4", "12 4 2 4", "4 4", "16 6"}

// SVG draws the chart. The result is an <svg> element with role="img",
// labelled by its <title> and <desc>, ready to put inline in a page.
func SVG(c Chart) (template.HTML, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	if len(c.Series) > MaxSeries {
		return "", fmt.Errorf("%w: %d series, at most %d can be told apart", ErrInvalid, len(c.Series), MaxSeries)
	}
	d := &drawing{c: c, w: float64(cmp.Or(c.Width, 640)), h: float64(cmp.Or(c.Height, 360))}
	d.draw()
	return template.HTML(d.b.String()), nil // every label went through esc
}

type drawing struct {
	c                Chart
	b                strings.Builder
	w, h             float64
	x0, x1, y0, y1   float64 // the plot area
	start, end, step float64 // the value axis
	decimals         int
	legendRows       float64
}

func (d *drawing) printf(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

func (d *drawing) draw() {
	c := d.c
	d.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" font-family="arial, sans-serif" font-size="%s" fill="%s">`,
		num(d.w), num(d.h), num(d.w), num(d.h), c.ID, c.ID, num(fontSize), textColour)
	d.printf(`<title id="%s-title">%s</title>`, c.ID, esc(c.Title))
	d.printf(`<desc id="%s-desc">%s</desc>`, c.ID, esc(d.description()))
	if c.empty() {
		d.printf(`<text x="%s" y="%s" text-anchor="middle">No figures to show</text>`, num(d.w/2), num(d.h/2))
		d.note(d.h - 8)
		d.b.WriteString(`</svg>`)
		return
	}
	d.patterns()
	d.layout()
	d.legend()
	d.axes()
	switch c.Kind {
	case Line:
		d.lines()
	case Bar:
		d.bars()
	case StackedBar:
		d.stacks()
	}
	d.note(d.h - 8)
	d.b.WriteString(`</svg>`)
}

// description is the chart's <desc>: the caller's words, or a plain
// statement of what is drawn, and what is not.
func (d *drawing) description() string {
	c := d.c
	s := c.Desc
	if s == "" {
		kind := [...]string{"Line chart", "Bar chart", "Stacked bar chart"}[c.Kind]
		names := make([]string, len(c.Series))
		for i, se := range c.Series {
			names[i] = se.Name
		}
		s = kind + " of " + strings.Join(names, ", ")
		if c.XLabel != "" {
			s += " by " + c.XLabel
		}
		s += "."
	}
	if c.empty() {
		s += " There are no figures to show."
	}
	if n := c.absent(); n > 0 {
		s += " " + d.noteText(n)
	}
	return s + " The table beside the chart gives every figure."
}

func (d *drawing) noteText(n int) string {
	if n == 1 {
		return "1 figure is not drawn; the table shows why."
	}
	return fmt.Sprintf("%d figures are not drawn; the table shows why.", n)
}

func (d *drawing) note(y float64) {
	if n := d.c.absent(); n > 0 {
		d.printf(`<text x="8" y="%s" font-size="%s" fill="%s">%s</text>`, num(y), num(small), greyColour, esc(d.noteText(n)))
	}
}

// patterns defines the fill of each series' bars: a colour and, for all
// but the first, white marks on it.
func (d *drawing) patterns() {
	if d.c.Kind == Line {
		return
	}
	marks := []string{
		"",
		`<path d="M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6" stroke="#fff" stroke-width="1.5"/>`,
		`<circle cx="4" cy="4" r="1.5" fill="#fff"/>`,
		`<path d="M0,8 L8,0 M0,0 L8,8" stroke="#fff" stroke-width="1.2"/>`,
		`<path d="M0,4 L8,4" stroke="#fff" stroke-width="1.5"/>`,
		`<path d="M4,0 L4,8" stroke="#fff" stroke-width="1.5"/>`,
	}
	d.b.WriteString(`<defs>`)
	for i := range d.c.Series {
		d.printf(`<pattern id="%s-p%d" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="%s"/>%s</pattern>`,
			d.c.ID, i, palette[i], marks[i])
	}
	d.b.WriteString(`</defs>`)
}

// layout places the plot area: the legend above, the value labels to the
// left, the category labels and notes below, and for line charts the
// series' names to the right of their last points.
func (d *drawing) layout() {
	c := d.c
	lo, hi := 0.0, 0.0
	for i := range c.Categories {
		pos, neg := 0.0, 0.0
		for _, s := range c.Series {
			v := s.Values[i]
			if !v.Present() {
				continue
			}
			if c.Kind == StackedBar {
				if v.N > 0 {
					pos += v.N
				} else {
					neg += v.N
				}
				continue
			}
			lo, hi = math.Min(lo, v.N), math.Max(hi, v.N)
		}
		lo, hi = math.Min(lo, neg), math.Max(hi, pos)
	}
	d.start, d.end, d.step, d.decimals = ticks(lo, hi, 5)
	widest := 0.0
	for _, v := range d.tickValues() {
		widest = math.Max(widest, textWidth(FormatNumber(v, d.decimals), fontSize))
	}
	d.x0 = math.Round(widest + 16)
	d.x1 = d.w - 16
	if c.Kind == Line {
		names := 0.0
		for _, s := range c.Series {
			n, _ := fit(s.Name, 140, fontSize)
			names = math.Max(names, textWidth(n, fontSize))
		}
		d.x1 = math.Round(d.w - names - 24)
	}
	d.y0 = 12
	if len(c.Series) > 1 {
		d.legendRows = float64(len(d.legendItems()))
		d.y0 += d.legendRows * 24
	}
	if c.YLabel != "" {
		d.y0 += 22
	}
	bottom := 2*(fontSize+3) + 12
	if c.XLabel != "" {
		bottom += 22
	}
	if c.absent() > 0 {
		bottom += 18
	}
	d.y1 = math.Round(d.h - bottom)
}

// tickValues lists the values the axis marks, computed by index rather
// than by repeated addition so that no rounding error creeps in.
func (d *drawing) tickValues() []float64 {
	n := int(math.Round((d.end - d.start) / d.step))
	vs := make([]float64, n+1)
	for k := range vs {
		vs[k] = round(d.start+float64(k)*d.step, d.decimals)
	}
	return vs
}

// y maps a value to its vertical position.
func (d *drawing) y(v float64) float64 {
	return d.y1 - (v-d.start)/(d.end-d.start)*(d.y1-d.y0)
}

// band is the width given to each category, and centre its middle.
func (d *drawing) band() float64 { return (d.x1 - d.x0) / float64(len(d.c.Categories)) }
func (d *drawing) centre(i int) float64 {
	return d.x0 + d.band()*(float64(i)+0.5)
}

// crisp puts a one-pixel line on the middle of a pixel row so that it is
// drawn sharp rather than blurred across two.
func crisp(v float64) float64 { return math.Floor(v) + 0.5 }

func (d *drawing) axes() {
	c := d.c
	if c.YLabel != "" {
		d.printf(`<text x="8" y="%s" font-weight="bold">%s</text>`, num(d.y0-18), esc(c.YLabel))
	}
	d.b.WriteString(`<g shape-rendering="crispEdges">`)
	for _, v := range d.tickValues() {
		colour := gridColour
		if v == 0 {
			colour = textColour
		}
		y := crisp(d.y(v))
		d.printf(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(d.x0), num(d.x1), num(y), num(y), colour)
	}
	d.printf(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(crisp(d.x0)), num(crisp(d.x0)), num(d.y0), num(d.y1), textColour)
	d.b.WriteString(`</g>`)
	for _, v := range d.tickValues() {
		d.printf(`<text x="%s" y="%s" text-anchor="end">%s</text>`, num(d.x0-8), num(d.y(v)+5), FormatNumber(v, d.decimals))
	}
	// Category labels: wrapped onto two lines, shortened with an ellipsis
	// if still too long (the full label is in the table and in a <title>
	// on the label), and only every k-th one when the bands are narrow.
	every := max(1, int(math.Ceil(56/d.band())))
	width := d.band()*float64(every) - 6
	for i, cat := range c.Categories {
		if i%every != 0 {
			continue
		}
		lines, cut := wrap(cat, width, fontSize, 2)
		d.printf(`<text x="%s" y="%s" text-anchor="middle">`, num(d.centre(i)), num(d.y1+fontSize+6))
		if cut {
			d.printf(`<title>%s</title>`, esc(cat))
		}
		for j, l := range lines {
			dy := "0"
			if j > 0 {
				dy = num(fontSize + 3)
			}
			d.printf(`<tspan x="%s" dy="%s">%s</tspan>`, num(d.centre(i)), dy, esc(l))
		}
		d.b.WriteString(`</text>`)
	}
	if c.XLabel != "" {
		d.printf(`<text x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>`,
			num((d.x0+d.x1)/2), num(d.y1+2*(fontSize+3)+24), esc(c.XLabel))
	}
}

// legendItems lays the legend's entries out in rows across the top.
func (d *drawing) legendItems() [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	x := 8.0
	for i, s := range d.c.Series {
		name, _ := fit(s.Name, 220, fontSize)
		w := 32 + textWidth(name, fontSize) + 20
		if x+w > d.w && len(row) > 0 {
			rows, row, x = append(rows, row), nil, 8
		}
		row = append(row, legendItem{i: i, x: x, name: name, cut: name != s.Name})
		x += w
	}
	return append(rows, row)
}

type legendItem struct {
	i    int
	x    float64
	name string
	cut  bool
}

func (d *drawing) legend() {
	if len(d.c.Series) < 2 {
		return
	}
	for r, row := range d.legendItems() {
		y := 12 + float64(r)*24
		for _, it := range row {
			if d.c.Kind == Line {
				d.lineSwatch(it.i, it.x, y+8)
			} else {
				d.printf(`<rect x="%s" y="%s" width="24" height="16" fill="url(#%s-p%d)"/>`, num(it.x), num(y), d.c.ID, it.i)
			}
			d.printf(`<text x="%s" y="%s">`, num(it.x+32), num(y+13))
			if it.cut {
				d.printf(`<title>%s</title>`, esc(d.c.Series[it.i].Name))
			}
			d.printf(`%s</text>`, esc(it.name))
		}
	}
}

func (d *drawing) lineSwatch(i int, x, y float64) {
	d.printf(`<path d="M%s,%s H%s" stroke="%s" stroke-width="3" fill="none"%s/>`, num(x), num(y), num(x+24), palette[i], dashAttr(i))
	d.marker(i, x+12, y)
}

func dashAttr(i int) string {
	if dashes[i] == "" {
		return ""
	}
	return ` stroke-dasharray="` + dashes[i] + `"`
}

// marker draws series i's point shape at (x, y): circle, square,
// triangle, diamond, then hollow circle and hollow square.
func (d *drawing) marker(i int, x, y float64) {
	col := palette[i]
	switch i {
	case 0:
		d.printf(`<circle cx="%s" cy="%s" r="4.5" fill="%s"/>`, num(x), num(y), col)
	case 1:
		d.printf(`<rect x="%s" y="%s" width="9" height="9" fill="%s"/>`, num(x-4.5), num(y-4.5), col)
	case 2:
		d.printf(`<path d="M%s,%s L%s,%s L%s,%s Z" fill="%s"/>`, num(x), num(y-5.5), num(x+5.5), num(y+4.5), num(x-5.5), num(y+4.5), col)
	case 3:
		d.printf(`<path d="M%s,%s L%s,%s L%s,%s L%s,%s Z" fill="%s"/>`, num(x), num(y-6), num(x+6), num(y), num(x), num(y+6), num(x-6), num(y), col)
	case 4:
		d.printf(`<circle cx="%s" cy="%s" r="4" fill="#fff" stroke="%s" stroke-width="2"/>`, num(x), num(y), col)
	default:
		d.printf(`<rect x="%s" y="%s" width="8" height="8" fill="#fff" stroke="%s" stroke-width="2"/>`, num(x-4), num(y-4), col)
	}
}

func (d *drawing) lines() {
	type end struct {
		y    float64
		i    int
		name string
	}
	var ends []end
	for i, s := range d.c.Series {
		var path strings.Builder
		pen := false
		last := -1
		for j, v := range s.Values {
			if !v.Present() {
				pen = false // a gap: the line does not pretend to know
				continue
			}
			op := "L"
			if !pen {
				op = "M"
			}
			fmt.Fprintf(&path, "%s%s,%s ", op, num(d.centre(j)), num(d.y(v.N)))
			pen, last = true, j
		}
		d.printf(`<path d="%s" stroke="%s" stroke-width="3" fill="none" stroke-linejoin="round"%s/>`, strings.TrimSpace(path.String()), palette[i], dashAttr(i))
		for j, v := range s.Values {
			if v.Present() {
				d.marker(i, d.centre(j), d.y(v.N))
			}
		}
		if last >= 0 {
			name, _ := fit(s.Name, 140, fontSize)
			ends = append(ends, end{d.y(s.Values[last].N), i, name})
		}
	}
	// Name each line at its last point, nudging names apart so that none
	// overlaps another.
	slices.SortStableFunc(ends, func(a, b end) int { return cmp.Compare(a.y, b.y) })
	for k := 1; k < len(ends); k++ {
		ends[k].y = math.Max(ends[k].y, ends[k-1].y+fontSize+2)
	}
	for _, e := range ends {
		d.printf(`<text x="%s" y="%s" fill="%s">%s</text>`, num(d.x1+10), num(e.y+5), palette[e.i], esc(e.name))
	}
}

// markAt writes an absent value's mark where its bar would stand.
func (d *drawing) markAt(x float64, mark string) {
	d.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, num(x), num(d.y(0)-4), num(small), greyColour, esc(mark))
}

func (d *drawing) bars() {
	n := float64(len(d.c.Series))
	group := d.band() * 0.8
	bw := group / n
	for j := range d.c.Categories {
		left := d.centre(j) - group/2
		for i, s := range d.c.Series {
			v := s.Values[j]
			x := left + float64(i)*bw
			if !v.Present() {
				if bw >= 14 {
					d.markAt(x+bw/2, v.Mark)
				}
				continue
			}
			d.bar(i, x, bw, 0, v.N, "")
		}
	}
}

// bar draws series i's bar from value from to value to, snapped to whole
// pixels so that its edges are sharp.
func (d *drawing) bar(i int, x, w, from, to float64, stroke string) {
	top := math.Round(math.Min(d.y(from), d.y(to)))
	bottom := math.Round(math.Max(d.y(from), d.y(to)))
	left, right := math.Round(x), math.Round(x+w)
	if right-left > 2 {
		right-- // a pixel of space between neighbouring bars
	}
	d.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="url(#%s-p%d)"%s/>`,
		num(left), num(top), num(right-left), num(bottom-top), d.c.ID, i, stroke)
}

func (d *drawing) stacks() {
	bw := d.band() * 0.6
	for j := range d.c.Categories {
		x := d.centre(j) - bw/2
		pos, neg := 0.0, 0.0
		var marks []string
		for i, s := range d.c.Series {
			v := s.Values[j]
			switch {
			case !v.Present():
				if !slices.Contains(marks, v.Mark) {
					marks = append(marks, v.Mark)
				}
			case v.N >= 0:
				d.bar(i, x, bw, pos, pos+v.N, ` stroke="#fff" stroke-width="1"`)
				pos += v.N
			default:
				d.bar(i, x, bw, neg, neg+v.N, ` stroke="#fff" stroke-width="1"`)
				neg += v.N
			}
		}
		if len(marks) > 0 {
			d.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`,
				num(d.centre(j)), num(d.y(pos)-4), num(small), greyColour, esc(strings.Join(marks, " ")))
		}
	}
}
