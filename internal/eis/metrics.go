package eis

import (
	"cmp"
	"slices"
)

// TopK gives each score the weight with which it is among the k highest:
// 1 above the cut-off, 0 below, and for scores tied at the cut-off the
// share of the remaining places, so that ties are split evenly.
func TopK(scores []float64, k int) []float64 {
	n := len(scores)
	w := make([]float64, n)
	if k <= 0 || n == 0 {
		return w
	}
	if k >= n {
		for i := range w {
			w[i] = 1
		}
		return w
	}
	// cmp.Compare puts NaN below every number and equal to itself, so a
	// score that is not a number is ranked last, never lost.
	sorted := slices.Clone(scores)
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	cut := sorted[k-1]
	above, tied := 0, 0
	for _, s := range scores {
		switch cmp.Compare(s, cut) {
		case 1:
			above++
		case 0:
			tied++
		}
	}
	share := float64(k-above) / float64(tied)
	for i, s := range scores {
		switch cmp.Compare(s, cut) {
		case 1:
			w[i] = 1
		case 0:
			w[i] = share
		}
	}
	return w
}

func precision(w []float64, labels []bool) float64 {
	var flagged, tp float64
	for i, x := range w {
		flagged += x
		if labels[i] {
			tp += x
		}
	}
	return ratioOr0(tp, flagged)
}

func recall(w []float64, labels []bool) float64 {
	var tp, pos float64
	for i, x := range w {
		if labels[i] {
			tp += x
			pos++
		}
	}
	return ratioOr0(tp, pos)
}

// AUC is the area under the ROC curve: the chance that an officer with the
// outcome is ranked above one without, ties counting half (Mann-Whitney).
func AUC(scores []float64, labels []bool) float64 {
	n := len(scores)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	var rankSum float64
	pos := 0
	for i := 0; i < n; {
		j := i
		// cmp.Compare, not ==: NaN equals no number, not even itself, and
		// the run of ties must advance past it.
		for j < n && cmp.Compare(scores[idx[j]], scores[idx[i]]) == 0 {
			j++
		}
		avg := float64(i+1+j) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if labels[idx[k]] {
				rankSum += avg
				pos++
			}
		}
		i = j
	}
	neg := n - pos
	if pos == 0 || neg == 0 {
		return 0
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

func countTrue(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}

func ratioOr0(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
