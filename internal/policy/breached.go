package policy

import (
	_ "embed" // the breached-password list
	"strings"
)

//go:embed data/common-passwords.txt
var commonPasswords string

// Breached is a set of passwords known from breaches (data/README.md says
// which); membership is checked in memory, without any network call.
type Breached struct {
	set map[string]struct{}
}

// CommonPasswords returns the built-in list of the 10,000 most common
// breached passwords of at least 8 characters.
func CommonPasswords() *Breached {
	lines := strings.Split(strings.TrimSpace(commonPasswords), "\n")
	b := &Breached{set: make(map[string]struct{}, len(lines))}
	for _, l := range lines {
		b.set[l] = struct{}{}
	}
	return b
}

// Contains reports whether password, compared without regard to case, is in the list.
func (b *Breached) Contains(password string) bool {
	_, ok := b.set[strings.ToLower(password)]
	return ok
}
