package migration

import (
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the data migration and user pool routes.
type Handler struct {
	DB       *store.DB
	Migrator *Migrator
	Worker   *Worker        // woken when a job is queued
	Sealer   *secure.Sealer // source secrets and TOTP seeds at rest
	HTTP     *http.Client   // calls to Auth0 and other sources
	Now      func() time.Time
}
