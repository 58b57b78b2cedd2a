// Command ferretdb-local runs FerretDB 1.24 (MongoDB wire protocol) on an SQLite directory, for development and CI on
// machines without Docker. infra/local/up.sh builds and starts it; see infra/local/README.md.
//
// Why our own module instead of `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: that binary panics at
// start because build/version/version.txt is generated, ignored by git and so absent from the published module. The
// embeddable package github.com/FerretDB/FerretDB/ferretdb skips that file (it only reads it when the main module is
// FerretDB itself).
//
// Usage:
//
//	ferretdb-local -listen 127.0.0.1:27018 -dir /path/to/data      serve until SIGTERM/SIGINT
//	ferretdb-local -check mongodb://127.0.0.1:27018/ -timeout 30s   exit 0 once a MongoDB `ping` answers, else 1
//	ferretdb-local -kafka-check 127.0.0.1:19092 -timeout 90s          exit 0 once a Kafka Metadata request names a
//	                                                                 broker and a controller, else 1
//
// The Kafka check lives here only because up.sh builds this binary anyway (see kafkacheck.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27018", "TCP address to serve the MongoDB wire protocol on")
	dir := flag.String("dir", "", "SQLite data directory (created if missing); required when serving")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn or error")
	check := flag.String("check", "", "instead of serving: MongoDB URL to ping until it answers or -timeout passes")
	kafkaCheck := flag.String("kafka-check", "", "instead of serving: Kafka host:port to ask for metadata until it answers")
	timeout := flag.Duration("timeout", 30*time.Second, "with -check or -kafka-check: how long to keep trying")
	flag.Parse()

	if *kafkaCheck != "" {
		if err := waitForKafka(*kafkaCheck, *timeout); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb-local -kafka-check: %s\n", err)
			os.Exit(1)
		}
		return
	}

	if *check != "" {
		if err := waitForPing(*check, *timeout); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb-local -check: %s\n", err)
			os.Exit(1)
		}
		return
	}

	if err := serve(*listen, *dir, *logLevel); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local: %s\n", err)
		os.Exit(1)
	}
}

// serve runs FerretDB with the SQLite handler until SIGTERM or SIGINT.
func serve(listen, dir, logLevel string) error {
	if dir == "" {
		return errors.New("-dir is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// The SQLite handler wants a `file:` URL of an existing directory whose path ends in "/"; it refuses anything
	// else. An absolute path keeps the URL independent of the working directory.
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}

	if err = os.MkdirAll(abs, 0o755); err != nil {
		return err
	}

	sqliteURL := (&url.URL{Scheme: "file", Path: strings.TrimSuffix(abs, "/") + "/"}).String()

	// Telemetry: the embeddable package never starts the telemetry reporter and marks it disabled and locked.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	logger.Info("ferretdb-local serving", "listen", listen, "sqlite", sqliteURL, "uri", f.MongoDBURI())

	// Run returns once ctx is canceled and every connection and the SQLite databases are closed.
	if err = f.Run(ctx); err != nil {
		return err
	}

	logger.Info("ferretdb-local stopped")

	return nil
}

// waitForPing sends a real MongoDB `ping` command (after the driver's `hello` handshake) until one succeeds.
// A bare TCP connect is not enough: the port may be taken by something that is not a MongoDB server.
func waitForPing(uri string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	opts := options.Client().ApplyURI(uri).
		SetDirect(true).
		SetServerSelectionTimeout(2 * time.Second).
		SetConnectTimeout(2 * time.Second)

	var lastErr error

	for {
		lastErr = pingOnce(ctx, opts)
		if lastErr == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("no MongoDB ping answer from %s within %s: %w", uri, timeout, lastErr)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func pingOnce(ctx context.Context, opts *options.ClientOptions) error {
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return err
	}

	defer client.Disconnect(context.Background()) //nolint:errcheck // best effort

	return client.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
}
