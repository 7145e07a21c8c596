package store

import "strings"

// Page asks a list query for one page of results.
type Page struct {
	Limit  int    // at most this many; 0 means the default
	Offset int    // rows to skip
	SortBy string // a column name the query allows; others fall back to its default
	Desc   bool
}

const (
	defaultLimit = 20
	maxLimit     = 1000
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return defaultLimit
	case p.Limit > maxLimit:
		return maxLimit
	}
	return p.Limit
}

// orderBy returns an ORDER BY clause for p, choosing the column from allowed
// (client name → SQL expression) and falling back to def. The id tie-breaker
// keeps paging stable.
func (p Page) orderBy(allowed map[string]string, def string) string {
	col, ok := allowed[p.SortBy]
	if !ok {
		col = def
	}
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	return " ORDER BY " + col + dir + ", id" + dir
}

// likePattern escapes s for a LIKE match anywhere, case-insensitively (the
// column side must be lower-cased by the query).
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
