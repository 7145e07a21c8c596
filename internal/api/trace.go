package api

import (
	"crypto/rand"
	"encoding/hex"
)

func newTraceID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
