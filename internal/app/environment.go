package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// masterKey returns the key that seals secrets at rest: the configured one,
// or with SQLite one kept in a file beside the database (created with mode
// 0600 on first start). PostgreSQL deployments must configure it, since
// every node needs the same key.
func masterKey(configured, databaseURL string) ([]byte, error) {
	if configured != "" {
		return base64.StdEncoding.DecodeString(configured)
	}
	if !strings.HasPrefix(databaseURL, "sqlite:") {
		return nil, errors.New("HATCH_MASTER_KEY is required with PostgreSQL (32 random bytes, base64): every node must share it")
	}
	path := strings.TrimPrefix(databaseURL, "sqlite:") + ".key"
	if raw, err := os.ReadFile(path); err == nil {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("master key file %s is not 32 bytes of base64", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	enc := base64.StdEncoding.EncodeToString(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create master key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(enc + "\n"); err != nil {
		return nil, err
	}
	return key, nil
}

// environment is the vendor's credentials as this process uses them.
type environment struct {
	clientID   string
	apiKeyHash string
	secretKey  []byte // for keyed hashes of client secrets
}

// loadEnvironment returns the stored environment, creating it on first start:
// with the configured credentials, or with generated ones that are printed
// once to out. Configured credentials replace stored ones.
func loadEnvironment(ctx context.Context, db *store.DB, sealer *secure.Sealer, clientID, apiKey string, now func() time.Time, out io.Writer) (*environment, error) {
	e, err := db.FindEnvironment(ctx)
	switch {
	case errors.Is(err, iam.ErrNotFound):
		generated := clientID == ""
		if generated {
			clientID, apiKey = uuid.NewString(), uuid.NewString()
		}
		t := now()
		e = &store.Environment{
			ClientID:   clientID,
			APIKeyHash: secure.HashToken(apiKey),
			SecretKey:  sealer.Seal([]byte(secure.RandomString(32)), "environment-secret"),
			CreatedAt:  t, UpdatedAt: t,
		}
		if err := db.CreateEnvironment(ctx, e); err != nil {
			return nil, err
		}
		if e, err = db.FindEnvironment(ctx); err != nil {
			return nil, err
		}
		if generated && e.ClientID == clientID {
			fmt.Fprintf(out, "Generated environment credentials (shown once, keep them safe):\n  HATCH_CLIENT_ID=%s\n  HATCH_API_KEY=%s\n", clientID, apiKey)
		}
	case err != nil:
		return nil, fmt.Errorf("load environment: %w", err)
	case clientID != "" && (e.ClientID != clientID || !secure.Equal(e.APIKeyHash, secure.HashToken(apiKey))):
		e.ClientID, e.APIKeyHash, e.UpdatedAt = clientID, secure.HashToken(apiKey), now()
		if err := db.SaveEnvironment(ctx, e); err != nil {
			return nil, err
		}
	}
	secret, err := sealer.Open(e.SecretKey, "environment-secret")
	if err != nil {
		return nil, fmt.Errorf("environment secret: %w (is HATCH_MASTER_KEY the key this database was created with?)", err)
	}
	return &environment{clientID: e.ClientID, apiKeyHash: e.APIKeyHash, secretKey: secret}, nil
}
