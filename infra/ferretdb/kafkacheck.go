package main

// A Kafka readiness check without a JVM: up.sh runs it on every call, and starting Kafka's own TopicCommand costs
// seconds of JVM start-up each time. It speaks just enough of the Kafka protocol for one real Metadata request
// (version 4: served by Kafka 1.0 up to 4.x, not yet in the "flexible" encoding) and succeeds once the answer names
// at least one broker and an active controller. No Kafka client library is needed, so go.sum stays as it is.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// waitForKafka repeats kafkaMetadataOnce until it succeeds or timeout passes.
func waitForKafka(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)

	for {
		brokers, controller, err := kafkaMetadataOnce(addr, 2*time.Second)
		if err == nil {
			if brokers > 0 && controller >= 0 {
				return nil
			}

			err = fmt.Errorf("metadata answered with %d broker(s) and controller id %d", brokers, controller)
		}

		if time.Now().After(deadline) {
			return fmt.Errorf("no usable Kafka metadata answer from %s within %s: %w", addr, timeout, err)
		}

		time.Sleep(250 * time.Millisecond)
	}
}

// kafkaMetadataOnce sends MetadataRequest v4 for no topics and returns the number of brokers and the controller id.
func kafkaMetadataOnce(addr string, timeout time.Duration) (brokers int32, controller int32, err error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return 0, -1, err
	}
	defer conn.Close()

	if err = conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return 0, -1, err
	}

	const (
		apiKeyMetadata = 3
		apiVersion     = 4
		correlationID  = 7
		clientID       = "budget-up-check"
	)

	// Request header v1 (api_key, api_version, correlation_id, client_id) and the v4 body:
	// topics = empty array (no topic, just brokers and controller), allow_auto_topic_creation = false.
	var body bytes.Buffer
	for _, v := range []any{
		int16(apiKeyMetadata), int16(apiVersion), int32(correlationID),
		int16(len(clientID)), []byte(clientID),
		int32(0), false,
	} {
		_ = binary.Write(&body, binary.BigEndian, v)
	}

	var req bytes.Buffer
	_ = binary.Write(&req, binary.BigEndian, int32(body.Len()))
	req.Write(body.Bytes())

	if _, err = conn.Write(req.Bytes()); err != nil {
		return 0, -1, err
	}

	r := bufio.NewReader(conn)

	var size int32
	if err = binary.Read(r, binary.BigEndian, &size); err != nil {
		return 0, -1, fmt.Errorf("reading response size (not a Kafka broker?): %w", err)
	}

	if size < 8 || size > 1<<20 {
		return 0, -1, fmt.Errorf("implausible response size %d: not a Kafka broker?", size)
	}

	resp := make([]byte, size)
	if _, err = io.ReadFull(r, resp); err != nil {
		return 0, -1, err
	}

	p := &parser{b: resp}

	if id := p.int32(); id != correlationID {
		return 0, -1, fmt.Errorf("correlation id %d, expected %d: not a Kafka broker?", id, correlationID)
	}

	p.int32() // throttle_time_ms

	brokers = p.int32()
	for i := int32(0); i < brokers && p.err == nil; i++ {
		p.int32()          // node_id
		p.nullableString() // host
		p.int32()          // port
		p.nullableString() // rack
	}

	p.nullableString() // cluster_id
	controller = p.int32()

	if p.err != nil {
		return 0, -1, fmt.Errorf("decoding metadata response: %w", p.err)
	}

	return brokers, controller, nil
}

// parser reads big-endian Kafka primitives and remembers the first error.
type parser struct {
	b   []byte
	err error
}

func (p *parser) take(n int) []byte {
	if p.err != nil {
		return nil
	}

	if n < 0 || n > len(p.b) {
		p.err = errors.New("response too short")
		return nil
	}

	v := p.b[:n]
	p.b = p.b[n:]

	return v
}

func (p *parser) int32() int32 {
	if b := p.take(4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}

	return 0
}

func (p *parser) nullableString() {
	b := p.take(2)
	if b == nil {
		return
	}

	if n := int16(binary.BigEndian.Uint16(b)); n > 0 {
		p.take(int(n))
	}
}
