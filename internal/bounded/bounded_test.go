package bounded

import "testing"

func TestMakeRoom(t *testing.T) {
	m := map[int]int{}
	for i := range 100 {
		MakeRoom(m, 64)
		m[i] = i
		if len(m) > 64 {
			t.Fatalf("after %d puts the map holds %d entries, want at most 64", i+1, len(m))
		}
	}
	small := map[int]int{1: 1, 2: 2}
	MakeRoom(small, 64)
	if len(small) != 2 {
		t.Fatalf("a map below its bound lost entries: %v", small)
	}
}
