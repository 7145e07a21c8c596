package loadtest

import (
	"math/bits"
	"time"
)

// histogram counts latencies in microseconds in log-linear buckets: exact
// below 64 µs, then 32 buckets per power of two, so any percentile it
// reports is within about 3% of the true value, in constant memory however
// many requests a run makes.
type histogram struct {
	counts [histBuckets]uint64
	total  uint64
	max    time.Duration
}

const histBuckets = 64 + 32*58

func bucketOf(us uint64) int {
	if us < 64 {
		return int(us)
	}
	shift := bits.Len64(us) - 6
	return shift*32 + int(us>>shift)
}

// bucketValue is the middle of bucket i, in microseconds.
func bucketValue(i int) float64 {
	if i < 64 {
		return float64(i)
	}
	shift := i/32 - 1
	low := uint64(i%32+32) << shift
	return float64(low) + float64(uint64(1)<<shift)/2
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	us := uint64(d / time.Microsecond)
	h.counts[bucketOf(us)]++
	h.total++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, n := range o.counts {
		h.counts[i] += n
	}
	h.total += o.total
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which the fraction q of the recorded
// requests fall (0 when nothing was recorded).
func (h *histogram) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(q*float64(h.total) + 0.5)
	rank = min(max(rank, 1), h.total)
	if rank == h.total {
		return h.max
	}
	var seen uint64
	for i, n := range h.counts {
		seen += n
		if seen >= rank {
			return min(time.Duration(bucketValue(i)*float64(time.Microsecond)), h.max)
		}
	}
	return h.max
}
