package loadtest

import (
	"math"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 10000; i++ { // 1 µs … 10 ms, evenly
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.95, 9500 * time.Microsecond}, {0.99, 9900 * time.Microsecond}} {
		got := h.quantile(tc.q)
		if math.Abs(float64(got-tc.want))/float64(tc.want) > 0.035 {
			t.Errorf("p%.0f = %s, want %s within 3.5%%", tc.q*100, got, tc.want)
		}
	}
	if h.quantile(1) != 10*time.Millisecond || h.max != 10*time.Millisecond {
		t.Errorf("max = %s, quantile(1) = %s", h.max, h.quantile(1))
	}
	var other histogram
	other.record(time.Hour)
	h.merge(&other)
	if h.total != 10001 || h.quantile(1) != time.Hour {
		t.Errorf("after merge: total %d, max %s", h.total, h.quantile(1))
	}
	for us := uint64(0); us < 1<<20; us += 997 {
		if v := bucketValue(bucketOf(us)); math.Abs(v-float64(us)) > float64(us)/32+1 {
			t.Fatalf("bucket of %d µs reads back as %.1f", us, v)
		}
	}
}
