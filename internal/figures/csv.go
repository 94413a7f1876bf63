package figures

import (
	"strconv"
	"time"

	"github.com/probity/probity/internal/measures"
)

// CSVHeader names the columns of CSV rows; docs/open-data.md describes
// each.
var CSVHeader = []string{"measure", "period", "period_start", "period_end", "group_1", "group_2", "group_3",
	"statistic", "value", "marker", "lower", "upper"}

// CSV is f's figures as rows under CSVHeader, one per row and period, for
// the periods given by index (every period when none is given). A figure
// not shown has an empty value and its mark in the marker column.
func CSV(f Figure, periods ...int) [][]string {
	if len(periods) == 0 {
		for i := range f.Periods {
			periods = append(periods, i)
		}
	}
	var out [][]string
	for _, pi := range periods {
		p := f.Periods[pi]
		for _, r := range f.Rows {
			c := r.Cells[pi]
			g := [3]string{}
			copy(g[:], r.Group)
			row := []string{f.Measure.ID, p.String(), p.Start.Format(time.DateOnly), p.End.AddDate(0, 0, -1).Format(time.DateOnly),
				g[0], g[1], g[2], string(r.Stat), "", c.Mark, "", ""}
			if c.Shown() {
				row[8] = plain(r.Stat, c.Value)
				if r.Stat == measures.Ratio && c.High > 0 {
					row[10], row[11] = plain(r.Stat, c.Low), plain(r.Stat, c.High)
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// plain writes a value for a machine: no thousands separators, shares as
// a proportion to four places, rates to two, ratios to three.
func plain(s measures.Stat, v float64) string {
	switch s {
	case measures.Share:
		return strconv.FormatFloat(v, 'f', 4, 64)
	case measures.Rate:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case measures.Ratio:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
