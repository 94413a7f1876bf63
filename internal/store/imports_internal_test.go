package store

import "testing"

// TestChunkRows: rows go in whole chunks, then sixteenths of one, then
// the rest; every row goes exactly once and no chunk is over per.
func TestChunkRows(t *testing.T) {
	for _, tc := range []struct {
		n, per int
		want   []int
	}{
		{0, 1600, nil},
		{1, 1600, []int{1}},
		{99, 1600, []int{99}},
		{100, 1600, []int{100}},
		{250, 1600, []int{100, 100, 50}},
		{1600, 1600, []int{1600}},
		{3450, 1600, []int{1600, 1600, 100, 100, 50}},
		{40, 20, []int{20, 20}},
		{45, 20, []int{20, 20, 5}}, // a sixteenth of 20 is one row: the rest at once
	} {
		var got []int
		for left := tc.n; left > 0; {
			k := chunkRows(left, tc.per)
			got = append(got, k)
			left -= k
		}
		if len(got) != len(tc.want) {
			t.Errorf("%d rows, %d a chunk: %v, want %v", tc.n, tc.per, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%d rows, %d a chunk: %v, want %v", tc.n, tc.per, got, tc.want)
				break
			}
		}
	}
}
