package eis

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Boosted is an ensemble of regression trees fitted by gradient boosting
// on the logistic loss.
type Boosted struct {
	Base  float64
	Trees [][]Node
}

// Node is one node of a tree. Leaves have Feature -1. Every node keeps the
// value it would have as a leaf, so that a score can be split among the
// features along its path (Saabas's method).
type Node struct {
	Feature   int32   `json:"f"`
	Threshold float64 `json:"t"` // x <= t goes left
	Left      int32   `json:"l"`
	Right     int32   `json:"r"`
	Value     float64 `json:"v"`
	split     uint8   // the bin split on while training
}

// binEdges chooses up to nbins cut points for each column from a sample of
// rows: x <= edges[b] falls in bin b (or an earlier one).
func binEdges(m *Matrix, nbins int) [][]float64 {
	step := max(1, m.Rows/20000)
	edges := make([][]float64, m.Cols)
	vals := make([]float64, 0, m.Rows/step+1)
	for j := range m.Cols {
		vals = vals[:0]
		for i := 0; i < m.Rows; i += step {
			vals = append(vals, m.X[i*m.Cols+j])
		}
		slices.Sort(vals)
		uniq := slices.Compact(slices.Clone(vals))
		var e []float64
		if len(uniq) <= nbins {
			e = uniq
		} else {
			for b := 1; b <= nbins; b++ {
				q := vals[min(len(vals)-1, b*len(vals)/nbins)]
				if len(e) == 0 || q > e[len(e)-1] {
					e = append(e, q)
				}
			}
		}
		// The last edge must hold everything, including values beyond
		// the sample's maximum.
		e[len(e)-1] = math.Inf(1)
		edges[j] = e
	}
	return edges
}

func binOf(edges []float64, v float64) uint8 {
	return uint8(sort.SearchFloat64s(edges, v))
}

type buildNode struct {
	at     int32 // index in the tree
	lo, hi int   // rows[lo:hi]
	g, h   float64
	hist   []float64 // per feature and bin: g then h
	depth  int
}

func trainBoosted(cfg ModelConfig, m *Matrix, loss rowLoss) *Boosted {
	cfg = withBoostedDefaults(cfg)
	n, p := m.Rows, m.Cols
	nb := cfg.Bins
	edges := binEdges(m, nb)
	bins := make([]uint8, n*p)
	for i := range n {
		for j := range p {
			bins[i*p+j] = binOf(edges[j], m.X[i*p+j])
		}
	}
	pos := 0
	for _, y := range m.Y {
		if y {
			pos++
		}
	}
	base := math.Log(float64(pos) / float64(n-pos))
	if cfg.Objective == "allegations" {
		var sum float64
		for _, c := range m.Count {
			sum += c
		}
		base = math.Log(sum / float64(n))
	}
	model := &Boosted{Base: base}
	f := make([]float64, n)
	for i := range f {
		f[i] = base
	}
	g, h := make([]float64, n), make([]float64, n)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	rows := make([]int32, n)
	cols := make([]int, p)
	for i := range cols {
		cols[i] = i
	}
	nsub := max(1, int(math.Round(cfg.Subsample*float64(n))))
	ncol := max(1, int(math.Round(cfg.ColSample*float64(p))))
	histSize := p * nb * 2
	for range cfg.Trees {
		for i := range n {
			_, g[i], h[i] = loss(i, f[i])
		}
		// A partial Fisher-Yates shuffle draws the subsample; sorting it
		// back keeps memory access in order.
		for i := range nsub {
			j := i + rng.IntN(n-i)
			all[i], all[j] = all[j], all[i]
		}
		copy(rows, all[:nsub])
		slices.Sort(rows[:nsub])
		for i := range ncol {
			j := i + rng.IntN(p-i)
			cols[i], cols[j] = cols[j], cols[i]
		}
		useCols := slices.Clone(cols[:ncol])
		slices.Sort(useCols)

		var tree []Node
		root := buildNode{lo: 0, hi: nsub, hist: make([]float64, histSize)}
		fillHist(root.hist, rows[:nsub], bins, g, h, p, nb)
		for _, r := range rows[:nsub] {
			root.g += g[r]
			root.h += h[r]
		}
		tree = append(tree, Node{Feature: -1, Value: -root.g / (root.h + cfg.Lambda) * cfg.Shrinkage})
		queue := []buildNode{root}
		for len(queue) > 0 {
			nd := queue[0]
			queue = queue[1:]
			if nd.depth >= cfg.Depth {
				continue
			}
			feat, split, gain := bestSplit(nd, useCols, nb, cfg)
			if feat < 0 || gain <= 0 {
				continue
			}
			// Partition rows: those in bins <= split first.
			i, j := nd.lo, nd.hi-1
			for i <= j {
				if bins[int(rows[i])*p+feat] <= uint8(split) {
					i++
				} else {
					rows[i], rows[j] = rows[j], rows[i]
					j--
				}
			}
			mid := i
			left := buildNode{lo: nd.lo, hi: mid, depth: nd.depth + 1}
			right := buildNode{lo: mid, hi: nd.hi, depth: nd.depth + 1}
			for b := 0; b <= split; b++ {
				left.g += nd.hist[(feat*nb+b)*2]
				left.h += nd.hist[(feat*nb+b)*2+1]
			}
			right.g, right.h = nd.g-left.g, nd.h-left.h
			// Build the smaller child's histogram; the larger is the
			// parent's minus it.
			small, large := &left, &right
			if right.hi-right.lo < left.hi-left.lo {
				small, large = &right, &left
			}
			small.hist = make([]float64, histSize)
			fillHist(small.hist, rows[small.lo:small.hi], bins, g, h, p, nb)
			large.hist = nd.hist
			for k := range large.hist {
				large.hist[k] -= small.hist[k]
			}
			left.at, right.at = int32(len(tree)), int32(len(tree)+1)
			tree[nd.at].Feature = int32(feat)
			tree[nd.at].Threshold = edges[feat][split]
			tree[nd.at].split = uint8(split)
			tree[nd.at].Left, tree[nd.at].Right = left.at, right.at
			tree = append(tree,
				Node{Feature: -1, Value: -left.g / (left.h + cfg.Lambda) * cfg.Shrinkage},
				Node{Feature: -1, Value: -right.g / (right.h + cfg.Lambda) * cfg.Shrinkage})
			queue = append(queue, left, right)
		}
		for i := range n {
			k := int32(0)
			for tree[k].Feature >= 0 {
				if bins[i*p+int(tree[k].Feature)] <= tree[k].split {
					k = tree[k].Left
				} else {
					k = tree[k].Right
				}
			}
			f[i] += tree[k].Value
		}
		model.Trees = append(model.Trees, tree)
	}
	return model
}

func fillHist(hist []float64, rows []int32, bins []uint8, g, h []float64, p, nb int) {
	for _, r := range rows {
		gr, hr := g[r], h[r]
		for j, b := range bins[int(r)*p : int(r)*p+p] {
			k := (j*nb + int(b)) * 2
			hist[k] += gr
			hist[k+1] += hr
		}
	}
}

// bestSplit finds the split with the largest gain in penalised log-loss.
func bestSplit(nd buildNode, cols []int, nb int, cfg ModelConfig) (feat, split int, gain float64) {
	feat = -1
	parent := nd.g * nd.g / (nd.h + cfg.Lambda)
	for _, j := range cols {
		var gl, hl float64
		for b := 0; b < nb-1; b++ {
			gl += nd.hist[(j*nb+b)*2]
			hl += nd.hist[(j*nb+b)*2+1]
			hr := nd.h - hl
			if hl < cfg.MinChildWeight {
				continue
			}
			if hr < cfg.MinChildWeight {
				break
			}
			gr := nd.g - gl
			gn := gl*gl/(hl+cfg.Lambda) + gr*gr/(hr+cfg.Lambda) - parent
			if gn > gain+1e-12 {
				feat, split, gain = j, b, gn
			}
		}
	}
	return feat, split, gain
}

func withBoostedDefaults(c ModelConfig) ModelConfig {
	d := DefaultBoosted
	c.Trees = cmp.Or(c.Trees, d.Trees)
	c.Depth = cmp.Or(c.Depth, d.Depth)
	c.Shrinkage = cmp.Or(c.Shrinkage, d.Shrinkage)
	c.Subsample = cmp.Or(c.Subsample, d.Subsample)
	c.ColSample = cmp.Or(c.ColSample, d.ColSample)
	c.MinChildWeight = cmp.Or(c.MinChildWeight, d.MinChildWeight)
	c.Lambda = cmp.Or(c.Lambda, d.Lambda)
	c.Bins = min(cmp.Or(c.Bins, d.Bins), 255)
	c.Subsample = min(c.Subsample, 1)
	c.ColSample = min(c.ColSample, 1)
	return c
}

// Score implements Model.
func (b *Boosted) Score(x []float64) float64 {
	s := b.Base
	for _, t := range b.Trees {
		i := int32(0)
		for t[i].Feature >= 0 {
			if x[t[i].Feature] <= t[i].Threshold {
				i = t[i].Left
			} else {
				i = t[i].Right
			}
		}
		s += t[i].Value
	}
	return s
}

// Contributions implements Model.
func (b *Boosted) Contributions(x []float64, dst []float64) float64 {
	clear(dst)
	base := b.Base
	for _, t := range b.Trees {
		i := int32(0)
		base += t[0].Value
		for t[i].Feature >= 0 {
			next := t[i].Right
			if x[t[i].Feature] <= t[i].Threshold {
				next = t[i].Left
			}
			dst[t[i].Feature] += t[next].Value - t[i].Value
			i = next
		}
	}
	return base
}
