// Package bounded keeps the in-memory copies a node holds (profiles, verified
// tokens, rendered answers) within a set number of entries.
package bounded

// MakeRoom drops an eighth of max entries of m (whichever the map yields
// first) when m holds max or more, so that one more fits. Every entry of the
// maps it serves can be read again at some cost, so which ones go matters
// less than that the map stays bounded and the dropping is cheap. The caller
// holds m's lock.
func MakeRoom[K comparable, V any](m map[K]V, max int) {
	if len(m) < max {
		return
	}
	n := 0
	for k := range m {
		delete(m, k)
		if n++; n >= max/8 {
			return
		}
	}
}
